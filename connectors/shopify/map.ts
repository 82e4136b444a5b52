// Shopify shapes to Tandem's, and Tandem's inputs to Shopify mutation inputs.
import { Sku, type OrderCreateInput, type PostalAddress, type ProductInput, type TandemCustomer, type TandemFulfillment, type TandemOrder, type TandemProduct, type TandemVariant } from '../sdk/types.ts';
import type { ShopifyCustomer, ShopifyFulfillment, ShopifyMedia, ShopifyOrder, ShopifyProduct, ShopifyVariant } from './schemas.ts';

/** Tags carry Tandem's references so they are searchable (`tag:'tandem-ref:…'`); metafields hold them too. */
export const REFERENCE_TAG_PREFIX = 'tandem-ref:';
export const ACCOUNT_TAG_PREFIX = 'tandem-account:';
export const METAFIELD_NAMESPACE = 'tandem';
export const METAFIELD_KEY = 'external_reference';

export function referenceTag(externalReference: string): string {
  return `${REFERENCE_TAG_PREFIX}${externalReference}`;
}

/** A value for Shopify's search syntax, quoted so spaces and colons stay in it. */
export function searchValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function toSku(raw: string | null): Sku | null {
  const parsed = Sku.safeParse(raw ?? '');
  return parsed.success ? parsed.data : null;
}

export function toTandemVariant(v: ShopifyVariant, product?: { id: string; title: string }): TandemVariant {
  const owner = v.product ?? product;
  return {
    externalId: v.id,
    productExternalId: owner?.id ?? '',
    sku: toSku(v.sku),
    title: v.title,
    productTitle: owner?.title ?? '',
    selectedOptions: v.selectedOptions,
    price: v.price,
    compareAtPrice: v.compareAtPrice,
    barcode: v.barcode,
    inventoryItemId: v.inventoryItem?.id ?? null,
    available: v.inventoryQuantity,
    updatedAt: new Date(v.updatedAt),
  };
}

/** The product's images in position order; videos, 3D models and images still processing are left out. */
export function toTandemImages(media: ShopifyMedia[]): TandemProduct['images'] {
  return media.flatMap((m) => (m.mediaContentType === 'IMAGE' && m.image ? [{ url: m.image.url, altText: m.image.altText }] : []));
}

export function toTandemProduct(p: Omit<ShopifyProduct, 'variants' | 'media'>, variants: ShopifyVariant[], media: ShopifyMedia[] = []): TandemProduct {
  const owner = { id: p.id, title: p.title };
  const fromTag = p.tags.find((t) => t.startsWith(REFERENCE_TAG_PREFIX))?.slice(REFERENCE_TAG_PREFIX.length) ?? null;
  return {
    externalId: p.id,
    title: p.title,
    description: p.descriptionHtml,
    vendor: p.vendor || null,
    productType: p.productType || null,
    tags: p.tags,
    images: toTandemImages(media),
    options: p.options.map((o) => ({ name: o.name, values: o.values })),
    variants: variants.map((v) => toTandemVariant(v, owner)),
    externalReference: p.externalReference?.value ?? fromTag,
    updatedAt: new Date(p.updatedAt),
  };
}

/** productSet input: a draft (unpublished) product carrying Tandem's reference as a tag and a metafield. */
/**
 * `stockAt`: for a new product, the location its variants are stocked at with 0 available. Shopify
 * keeps no inventory level for an item until it is stocked somewhere, so without it the first
 * stock read finds nothing and the first write is refused. Updates never touch stock.
 */
export function toShopifyProductSet(input: ProductInput, existing?: TandemProduct, stockAt?: string) {
  const tags = [...new Set([...(input.tags ?? []), referenceTag(input.externalReference)])];
  const existingBySku = new Map(existing?.variants.map((v) => [v.sku, v.externalId]) ?? []);
  return {
    title: input.title,
    descriptionHtml: input.description,
    vendor: input.vendor ?? undefined,
    productType: input.productType ?? undefined,
    tags,
    ...(existing ? {} : { status: 'DRAFT' }),
    metafields: [{ namespace: METAFIELD_NAMESPACE, key: METAFIELD_KEY, type: 'single_line_text_field', value: input.externalReference }],
    productOptions: input.options.map((o) => ({ name: o.name, values: o.values.map((name) => ({ name })) })),
    // The whole media list (productSet replaces it): Shopify fetches each image from its URL.
    ...(input.images ? { files: input.images.map((i) => ({ originalSource: i.url, alt: i.altText ?? undefined, contentType: 'IMAGE' })) } : {}),
    variants: input.variants.map((v) => ({
      ...(existingBySku.has(v.sku) ? { id: existingBySku.get(v.sku) } : {}),
      sku: v.sku,
      price: v.price,
      compareAtPrice: v.compareAtPrice ?? null,
      barcode: v.barcode ?? undefined,
      optionValues: v.selectedOptions.map((o) => ({ optionName: o.name, name: o.value })),
      ...(!existing && stockAt ? { inventoryQuantities: [{ locationId: stockAt, name: 'available', quantity: 0 }] } : {}),
    })),
  };
}

function toAddress(a: ShopifyOrder['shippingAddress']): PostalAddress | null {
  if (!a) return null;
  return {
    name: a.name,
    company: a.company,
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    province: a.province,
    provinceCode: a.provinceCode,
    zip: a.zip,
    country: a.country,
    countryCode: a.countryCodeV2,
    phone: a.phone,
  };
}

export function toTandemOrder(o: Omit<ShopifyOrder, 'lineItems'>, lines: ShopifyOrder['lineItems']['nodes']): TandemOrder {
  const fromTag = o.tags.find((t) => t.startsWith(REFERENCE_TAG_PREFIX))?.slice(REFERENCE_TAG_PREFIX.length) ?? null;
  return {
    externalId: o.id,
    name: o.name,
    createdAt: new Date(o.createdAt),
    updatedAt: new Date(o.updatedAt),
    cancelledAt: o.cancelledAt ? new Date(o.cancelledAt) : null,
    currency: o.currencyCode,
    totalPrice: o.totalPriceSet.shopMoney.amount,
    lineItems: lines.map((l) => ({
      externalId: l.id,
      sku: toSku(l.sku),
      title: l.title,
      quantity: l.quantity,
      price: l.originalUnitPriceSet.shopMoney.amount,
      variantExternalId: l.variant?.id ?? null,
    })),
    shippingAddress: toAddress(o.shippingAddress),
    customer: {
      email: o.customer?.email ?? o.email,
      accountId: o.customer?.id ?? null,
    },
    tags: o.tags,
    externalReference: o.sourceIdentifier ?? fromTag,
  };
}

function toMailingAddress(a: PostalAddress | null | undefined) {
  if (!a) return undefined;
  const [firstName, ...rest] = (a.name ?? '').split(' ');
  return {
    firstName: firstName || undefined,
    lastName: rest.join(' ') || undefined,
    company: a.company ?? undefined,
    address1: a.address1 ?? undefined,
    address2: a.address2 ?? undefined,
    city: a.city ?? undefined,
    provinceCode: a.provinceCode ?? undefined,
    zip: a.zip ?? undefined,
    countryCode: a.countryCode ?? undefined,
    phone: a.phone ?? undefined,
  };
}

/**
 * orderCreate input: the reference as sourceIdentifier, a tag and a metafield, so any of them finds it
 * again. The customer is the one the engine linked (customers.server.ts), associated as it is by id;
 * without one the order goes without a customer, which Shopify allows (OrderCreateOrderInput.customer
 * is optional). Never `customer.toUpsert`, nor the order `email` that stands in for a customer:
 * either creates or updates a customer at the supplier by email, one Tandem neither linked nor
 * reported, and overwrites the details the supplier keeps on it (2026-10 schema,
 * OrderCreateUpsertCustomerAttributesInput: "create or update").
 */
export function toShopifyOrderCreate(input: OrderCreateInput) {
  return {
    currency: input.currency,
    sourceIdentifier: input.externalReference,
    sourceName: 'tandem',
    tags: [...new Set([...(input.tags ?? []), referenceTag(input.externalReference)])],
    metafields: [{ namespace: METAFIELD_NAMESPACE, key: METAFIELD_KEY, type: 'single_line_text_field', value: input.externalReference }],
    note: input.note ?? undefined,
    poNumber: input.poNumber ?? undefined,
    ...(input.customer?.externalId ? { customer: { toAssociate: { id: input.customer.externalId } } } : {}),
    shippingAddress: toMailingAddress(input.shippingAddress),
    lineItems: input.lineItems.map((l) => ({
      ...(l.variantExternalId ? { variantId: l.variantExternalId } : { title: l.title, sku: l.sku }),
      quantity: l.quantity,
      priceSet: { shopMoney: { amount: l.price, currencyCode: input.currency } },
    })),
  };
}

export function toTandemFulfillment(f: ShopifyFulfillment, orderExternalId: string): TandemFulfillment {
  const tracking = f.trackingInfo[0];
  return {
    externalId: f.id,
    orderExternalId,
    createdAt: new Date(f.createdAt),
    lines: f.fulfillmentLineItems.nodes.map((n) => ({ sku: toSku(n.lineItem.sku), quantity: n.quantity, lineExternalId: n.lineItem.id })),
    carrier: tracking?.company ?? null,
    trackingNumber: tracking?.number ?? null,
    trackingUrl: tracking?.url ?? null,
  };
}

export function toTandemCustomer(c: ShopifyCustomer): TandemCustomer {
  const accountTag = c.tags.find((t) => t.startsWith(ACCOUNT_TAG_PREFIX));
  return {
    externalId: c.id,
    email: c.email,
    accountId: accountTag ? accountTag.slice(ACCOUNT_TAG_PREFIX.length) : null,
    firstName: c.firstName,
    lastName: c.lastName,
    company: c.defaultAddress?.company ?? null,
    phone: c.phone,
  };
}
