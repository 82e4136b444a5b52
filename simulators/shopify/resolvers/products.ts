// Product writes: productSet (create or update, variants replaced as a set), productCreate /
// productUpdate, productVariantsBulkCreate / Update, publishablePublish / Unpublish.
import { randomUUID } from 'node:crypto';
import { addVariant, createProduct, handleize, levelAt, productByHandle, removeVariant, setHandle, setProductImages, touchProduct, type NewVariant } from '../catalog.ts';
import { nowIso, type GqlContext } from '../context.ts';
import { gid, idOf, parseGid } from '../ids.ts';
import { productPayload } from '../payloads.ts';
import { nextId, type ProductRecord, type VariantRecord } from '../state.ts';
import { setQuantity } from './inventory-math.ts';
import { userError, type UserErrorShape } from './user-errors.ts';
import { productView, shopView, variantView } from './views.ts';

interface OptionValueInput {
  optionName?: string | null;
  name?: string | null;
  optionId?: string | null;
}

interface VariantInput {
  id?: string | null;
  sku?: string | null;
  price?: string | null;
  compareAtPrice?: string | null;
  barcode?: string | null;
  inventoryPolicy?: 'DENY' | 'CONTINUE' | null;
  taxable?: boolean | null;
  optionValues?: OptionValueInput[] | null;
  inventoryItem?: { sku?: string | null; tracked?: boolean | null } | null;
  inventoryQuantities?: { locationId: string; name?: string; quantity?: number; availableQuantity?: number }[] | null;
}

interface ProductFieldsInput {
  id?: string | null;
  title?: string | null;
  handle?: string | null;
  status?: ProductRecord['status'] | null;
  vendor?: string | null;
  productType?: string | null;
  descriptionHtml?: string | null;
  tags?: string[] | null;
  productOptions?: { name?: string | null; values?: { name?: string | null }[] | null }[] | null;
  variants?: VariantInput[] | null;
  files?: FileSetInput[] | null;
}

interface FileSetInput {
  id?: string | null;
  originalSource?: string | null;
  alt?: string | null;
  contentType?: string | null;
}

function applyFields(ctx: GqlContext, p: ProductRecord, input: ProductFieldsInput) {
  if (input.title !== undefined && input.title !== null) p.title = input.title;
  if (input.handle) setHandle(ctx.shop, p, input.handle);
  if (input.status) p.status = input.status;
  if (input.vendor !== undefined && input.vendor !== null) p.vendor = input.vendor;
  if (input.productType !== undefined && input.productType !== null) p.productType = input.productType;
  if (input.descriptionHtml !== undefined && input.descriptionHtml !== null) p.descriptionHtml = input.descriptionHtml;
  if (input.tags) p.tags = [...input.tags];
  if (p.status === 'ACTIVE' && !p.publishedAt) p.publishedAt = nowIso(ctx.sim);
}

function selectedOptionsOf(p: ProductRecord, values: OptionValueInput[] | null | undefined) {
  return (values ?? []).map((v, i) => ({ name: v.optionName ?? p.options[i]?.name ?? `Option${i + 1}`, value: v.name ?? '' }));
}

function variantFields(input: VariantInput): NewVariant {
  return {
    sku: input.sku ?? input.inventoryItem?.sku ?? undefined,
    price: input.price ?? undefined,
    compareAtPrice: input.compareAtPrice,
    barcode: input.barcode,
    inventoryPolicy: input.inventoryPolicy ?? undefined,
    tracked: input.inventoryItem?.tracked ?? undefined,
  };
}

function updateVariant(ctx: GqlContext, v: VariantRecord, input: VariantInput) {
  const sku = input.sku ?? input.inventoryItem?.sku;
  if (sku !== undefined && sku !== null) v.sku = sku;
  if (input.price !== undefined && input.price !== null) v.price = String(input.price);
  if (input.compareAtPrice !== undefined) v.compareAtPrice = input.compareAtPrice === null ? null : String(input.compareAtPrice);
  if (input.barcode !== undefined) v.barcode = input.barcode ?? null;
  if (input.inventoryPolicy) v.inventoryPolicy = input.inventoryPolicy;
  if (input.taxable !== undefined && input.taxable !== null) v.taxable = input.taxable;
  if (input.inventoryItem?.tracked !== undefined && input.inventoryItem.tracked !== null) {
    const item = ctx.shop.inventoryItems.get(v.inventoryItemId);
    if (item) item.tracked = input.inventoryItem.tracked;
  }
  v.updatedAt = nowIso(ctx.sim);
}

/** `missingLocationCode` differs per payload's error enum (productSet: NOT_FOUND, bulk create: TRACKED_VARIANT_LOCATION_NOT_FOUND). */
function applyQuantities(ctx: GqlContext, v: VariantRecord, input: VariantInput, errors: UserErrorShape[], path: (string | number)[], missingLocationCode: string) {
  for (const [i, q] of (input.inventoryQuantities ?? []).entries()) {
    const locationId = idOf('Location', q.locationId);
    if (!locationId || !ctx.shop.locations.some((l) => l.id === locationId)) {
      errors.push(userError([...path, 'inventoryQuantities', i, 'locationId'], 'Location does not exist', missingLocationCode));
      continue;
    }
    const level = levelAt(ctx.sim, ctx.shop, v.inventoryItemId, locationId);
    const name = q.name === 'on_hand' ? 'on_hand' : 'available';
    setQuantity(level, name, q.quantity ?? q.availableQuantity ?? 0);
    level.updatedAt = nowIso(ctx.sim);
  }
}

function productSet(ctx: GqlContext, args: { identifier?: { id?: string | null; handle?: string | null } | null; input: ProductFieldsInput; synchronous?: boolean | null }) {
  const errors: UserErrorShape[] = [];
  const shop = ctx.shop;
  let product: ProductRecord | undefined;
  if (args.identifier?.id) {
    product = shop.products.get(idOf('Product', args.identifier.id) ?? -1);
    if (!product) return setResult(ctx, null, [userError(['identifier', 'id'], 'Product does not exist', 'PRODUCT_DOES_NOT_EXIST')], args.synchronous);
  } else if (args.identifier?.handle) {
    product = productByHandle(shop, args.identifier.handle);
  }
  const input = args.input;
  const created = !product;
  if (!product) {
    if (!input.title) return setResult(ctx, null, [userError(['input', 'title'], "Title can't be blank", 'INVALID_INPUT')], args.synchronous);
    product = createProduct(ctx.sim, shop, { title: input.title, handle: input.handle ?? args.identifier?.handle ?? handleize(input.title), status: input.status ?? 'ACTIVE', options: [] });
  }
  if (input.productOptions) {
    product.options = input.productOptions.map((o, i) => ({ name: o.name ?? `Option${i + 1}`, values: (o.values ?? []).map((v) => v.name ?? '') }));
  }
  applyFields(ctx, product, { ...input, handle: created ? undefined : input.handle });
  if (input.files) applyFiles(ctx, product, input.files, errors);
  if (input.variants) {
    if (input.variants.length > 2048) errors.push(userError(['input', 'variants'], 'Product can have at most 2048 variants', 'VARIANTS_OVER_LIMIT'));
    const keep = new Set<number>();
    for (const [i, vi] of input.variants.entries()) {
      const selected = selectedOptionsOf(product, vi.optionValues);
      const existing = vi.id
        ? shop.variants.get(idOf('ProductVariant', vi.id) ?? -1)
        : productVariantsOf(ctx, product).find((v) => !keep.has(v.id) && JSON.stringify(v.selectedOptions) === JSON.stringify(selected));
      if (vi.id && (!existing || existing.productId !== product.id)) {
        errors.push(userError(['input', 'variants', i, 'id'], 'Product variant does not exist', 'PRODUCT_VARIANT_DOES_NOT_EXIST'));
        continue;
      }
      let variant = existing;
      if (variant) {
        updateVariant(ctx, variant, vi);
        // A variant's title is its option values (Shopify derives it; it cannot be set).
        if (selected.length) {
          variant.selectedOptions = selected;
          variant.title = selected.map((o) => o.value).join(' / ');
        }
      } else {
        variant = addVariant(ctx.sim, shop, product, { ...variantFields(vi), selectedOptions: selected.length ? selected : undefined, title: selected.length ? selected.map((s) => s.value).join(' / ') : undefined });
      }
      keep.add(variant.id);
      applyQuantities(ctx, variant, vi, errors, ['input', 'variants', i], 'NOT_FOUND');
    }
    for (const id of [...product.variantIds]) if (!keep.has(id)) removeVariant(shop, product, id);
    product.variantIds.forEach((id, i) => {
      const v = shop.variants.get(id);
      if (v) v.position = i + 1;
    });
  } else if (created) {
    addVariant(ctx.sim, shop, product, {});
  }
  const eventId = randomUUID();
  product.updatedAt = nowIso(ctx.sim);
  if (created) ctx.sim.webhooks.emit(shop, 'products/create', productPayload(shop, product), eventId);
  touchProduct(ctx.sim, shop, product, eventId);
  return setResult(ctx, product, errors, args.synchronous);
}

/**
 * productSet's `files` is the product's whole media list: an existing file is kept by its id, a new
 * one comes from its originalSource, and media left out are detached. Only images are modelled.
 */
function applyFiles(ctx: GqlContext, product: ProductRecord, files: FileSetInput[], errors: UserErrorShape[]) {
  const images: { url: string; altText: string | null }[] = [];
  for (const [i, f] of files.entries()) {
    const kept = f.id ? product.media.find((m) => gid('MediaImage', m.id) === f.id) : undefined;
    if (f.id && !kept) {
      errors.push(userError(['input', 'files', i, 'id'], 'File does not exist', 'INVALID_INPUT'));
      continue;
    }
    if (f.contentType && f.contentType !== 'IMAGE') {
      errors.push(userError(['input', 'files', i, 'contentType'], 'Only images are supported here', 'INVALID_INPUT'));
      continue;
    }
    const url = kept?.url ?? f.originalSource;
    if (!url || !/^https?:\/\//.test(url)) {
      errors.push(userError(['input', 'files', i, 'originalSource'], 'Original source is invalid', 'INVALID_INPUT'));
      continue;
    }
    images.push({ url, altText: f.alt ?? kept?.altText ?? null });
  }
  setProductImages(ctx.sim, product, images);
}

function setResult(ctx: GqlContext, product: ProductRecord | null, userErrors: UserErrorShape[], synchronous: boolean | null | undefined) {
  const view = product ? productView(ctx, product) : null;
  if (synchronous === false) {
    return { product: null, productSetOperation: { __typename: 'ProductSetOperation', id: gid('ProductSetOperation', nextId(ctx.sim.state)), status: 'COMPLETE', product: view, userErrors }, userErrors };
  }
  return { product: view, productSetOperation: null, userErrors };
}

function productVariantsOf(ctx: GqlContext, p: ProductRecord) {
  return p.variantIds.map((id) => ctx.shop.variants.get(id)!).filter(Boolean);
}

function productCreate(ctx: GqlContext, args: { product?: ProductFieldsInput | null; input?: ProductFieldsInput | null }) {
  const input = args.product ?? args.input ?? {};
  if (!input.title) return { product: null, shop: shopView(ctx), userErrors: [userError(['title'], "Title can't be blank")] };
  const product = createProduct(ctx.sim, ctx.shop, { title: input.title, handle: input.handle ?? undefined, status: input.status ?? 'ACTIVE', options: [] });
  const options = (input.productOptions ?? []).map((o, i) => ({ name: o.name ?? `Option${i + 1}`, values: (o.values ?? []).map((v) => v.name ?? '') }));
  product.options = options.length ? options.map((o) => ({ name: o.name, values: o.values.slice(0, 1) })) : [{ name: 'Title', values: [] }];
  applyFields(ctx, product, { ...input, handle: undefined });
  // Shopify creates the first variant from each option's first value (or "Default Title").
  addVariant(ctx.sim, ctx.shop, product, { selectedOptions: options.length ? options.map((o) => ({ name: o.name, value: o.values[0] ?? 'Default Title' })) : undefined });
  const eventId = randomUUID();
  ctx.sim.webhooks.emit(ctx.shop, 'products/create', productPayload(ctx.shop, product), eventId);
  return { product: productView(ctx, product), shop: shopView(ctx), userErrors: [] };
}

function productUpdate(ctx: GqlContext, args: { product?: ProductFieldsInput | null; input?: ProductFieldsInput | null; identifier?: { id?: string | null; handle?: string | null } | null }) {
  const input = args.product ?? args.input ?? {};
  const id = input.id ?? args.identifier?.id;
  const product = id ? ctx.shop.products.get(idOf('Product', id) ?? -1) : productByHandle(ctx.shop, args.identifier?.handle);
  if (!product) return { product: null, userErrors: [userError(['id'], 'Product does not exist')] };
  applyFields(ctx, product, input);
  touchProduct(ctx.sim, ctx.shop, product);
  return { product: productView(ctx, product), userErrors: [] };
}

function variantsBulkCreate(ctx: GqlContext, args: { productId: string; variants: VariantInput[]; strategy?: string | null }) {
  const product = ctx.shop.products.get(idOf('Product', args.productId) ?? -1);
  if (!product) return { product: null, productVariants: null, userErrors: [userError(['productId'], 'Product does not exist', 'PRODUCT_DOES_NOT_EXIST')] };
  const before = productVariantsOf(ctx, product);
  const strategy = args.strategy ?? 'DEFAULT';
  // The standalone variant goes when the strategy says so (schema, ProductVariantsBulkCreateStrategy).
  const standalone = before.length === 1 ? before[0] : undefined;
  const dropStandalone = Boolean(standalone && (strategy === 'REMOVE_STANDALONE_VARIANT' || (strategy === 'DEFAULT' && standalone.title === 'Default Title')));
  const kept = dropStandalone ? [] : before;
  const errors: UserErrorShape[] = [];
  const planned: { input: VariantInput; selected: { name: string; value: string }[] }[] = [];
  for (const [i, vi] of args.variants.entries()) {
    const selected = selectedOptionsOf(product, vi.optionValues);
    const key = JSON.stringify(selected);
    if (selected.length && (kept.some((v) => JSON.stringify(v.selectedOptions) === key) || planned.some((p) => JSON.stringify(p.selected) === key))) {
      errors.push(userError(['variants', i], `The variant '${selected.map((x) => x.value).join(' / ')}' already exists.`, 'VARIANT_ALREADY_EXISTS'));
    }
    for (const [j, q] of (vi.inventoryQuantities ?? []).entries()) {
      const locationId = idOf('Location', q.locationId);
      if (!locationId || !ctx.shop.locations.some((l) => l.id === locationId)) {
        errors.push(userError(['variants', i, 'inventoryQuantities', j, 'locationId'], 'Location does not exist', 'TRACKED_VARIANT_LOCATION_NOT_FOUND'));
      }
    }
    planned.push({ input: vi, selected });
  }
  if (errors.length) return { product: productView(ctx, product), productVariants: null, userErrors: errors };
  if (dropStandalone && standalone && planned.length) {
    removeVariant(ctx.shop, product, standalone.id);
    if (standalone.title === 'Default Title') product.options = product.options.filter((o) => !(o.values.length <= 1 && o.values[0] === 'Default Title'));
  }
  const created = planned.map(({ input, selected }) => {
    const variant = addVariant(ctx.sim, ctx.shop, product, { ...variantFields(input), selectedOptions: selected.length ? selected : undefined, title: selected.length ? selected.map((x) => x.value).join(' / ') : undefined });
    applyQuantities(ctx, variant, input, errors, ['variants'], 'TRACKED_VARIANT_LOCATION_NOT_FOUND');
    return variant;
  });
  touchProduct(ctx.sim, ctx.shop, product);
  return { product: productView(ctx, product), productVariants: created.map((v) => variantView(ctx, v)), userErrors: errors };
}

function variantsBulkUpdate(ctx: GqlContext, args: { productId: string; variants: VariantInput[] }) {
  const product = ctx.shop.products.get(idOf('Product', args.productId) ?? -1);
  if (!product) return { product: null, productVariants: null, userErrors: [userError(['productId'], 'Product does not exist', 'PRODUCT_DOES_NOT_EXIST')] };
  const errors: UserErrorShape[] = [];
  const updated: VariantRecord[] = [];
  for (const [i, vi] of args.variants.entries()) {
    if (!vi.id) {
      errors.push(userError(['variants', i, 'id'], 'Product variant is missing ID attribute', 'PRODUCT_VARIANT_ID_MISSING'));
      continue;
    }
    const variant = ctx.shop.variants.get(idOf('ProductVariant', vi.id) ?? -1);
    if (!variant || variant.productId !== product.id) {
      errors.push(userError(['variants', i, 'id'], 'Product variant does not exist', 'PRODUCT_VARIANT_DOES_NOT_EXIST'));
      continue;
    }
    if (vi.inventoryQuantities?.length) {
      errors.push(userError(['variants', i, 'inventoryQuantities'], 'Inventory quantities can only be provided during create. To update inventory for existing variants, use inventoryAdjustQuantities.', 'NO_INVENTORY_QUANTITIES_ON_VARIANTS_UPDATE'));
      continue;
    }
    updateVariant(ctx, variant, vi);
    const selected = selectedOptionsOf(product, vi.optionValues);
    if (selected.length) variant.selectedOptions = selected;
    updated.push(variant);
  }
  touchProduct(ctx.sim, ctx.shop, product);
  return { product: productView(ctx, product), productVariants: updated.map((v) => variantView(ctx, v)), userErrors: errors };
}

function publish(ctx: GqlContext, args: { id: string; input: { publicationId?: string | null }[] }, on: boolean) {
  const product = ctx.shop.products.get(idOf('Product', args.id) ?? -1);
  if (!product) return { publishable: null, shop: shopView(ctx), userErrors: [userError(['id'], 'Resource does not exist')] };
  const errors: UserErrorShape[] = [];
  for (const [i, input] of args.input.entries()) {
    const pubId = parseGid(input.publicationId)?.id;
    if (!pubId || !ctx.shop.publications.some((p) => p.id === pubId)) {
      errors.push(userError(['input', i, 'publicationId'], 'Publication does not exist'));
      continue;
    }
    if (on && !product.publicationIds.includes(pubId)) product.publicationIds.push(pubId);
    if (!on) product.publicationIds = product.publicationIds.filter((id) => id !== pubId);
  }
  if (on && !product.publishedAt) product.publishedAt = nowIso(ctx.sim);
  if (!errors.length) touchProduct(ctx.sim, ctx.shop, product);
  return { publishable: productView(ctx, product), shop: shopView(ctx), userErrors: errors };
}

export function productMutations(ctx: GqlContext) {
  return {
    productSet: (args: Parameters<typeof productSet>[1]) => productSet(ctx, args),
    productCreate: (args: Parameters<typeof productCreate>[1]) => productCreate(ctx, args),
    productUpdate: (args: Parameters<typeof productUpdate>[1]) => productUpdate(ctx, args),
    productVariantsBulkCreate: (args: Parameters<typeof variantsBulkCreate>[1]) => variantsBulkCreate(ctx, args),
    productVariantsBulkUpdate: (args: Parameters<typeof variantsBulkUpdate>[1]) => variantsBulkUpdate(ctx, args),
    publishablePublish: (args: Parameters<typeof publish>[1]) => publish(ctx, args, true),
    publishableUnpublish: (args: Parameters<typeof publish>[1]) => publish(ctx, args, false),
  };
}
