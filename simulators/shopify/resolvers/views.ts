// Records -> GraphQL objects. graphql-js's default resolver reads a property, or calls it with
// (args, context) when it is a function, so fields with arguments are functions here and
// interfaces resolve through `__typename`.
import type { GqlContext } from '../context.ts';
import { gid, inventoryLevelGid, parseGid } from '../ids.ts';
import {
  levelKey,
  type AddressRecord,
  type BulkOperationRecord,
  type CustomerRecord,
  type FulfillmentOrderRecord,
  type FulfillmentRecord,
  type InventoryItemRecord,
  type InventoryLevelRecord,
  type LineItemRecord,
  type LocationRecord,
  type MediaImageRecord,
  type MetafieldRecord,
  type OrderRecord,
  type ProductRecord,
  type PublicationRecord,
  type ShopRecord,
  type VariantRecord,
} from '../state.ts';
import { connection, encodeCursor, type ConnectionArgs } from './connection.ts';
import { availableOfItem, levelsOfItem, quantityOf } from './inventory-math.ts';

type Args = Record<string, unknown> & ConnectionArgs;

export function money(amount: number | string, currencyCode: string) {
  return { amount: Number(amount).toFixed(2), currencyCode };
}

export function moneyBag(amount: number | string, currencyCode: string) {
  return { shopMoney: money(amount, currencyCode), presentmentMoney: money(amount, currencyCode) };
}

const count = (n: number) => ({ count: n, precision: 'EXACT' });

function metafieldAccessors(ctx: GqlContext, ownerGid: string) {
  const own = () => [...ctx.shop.metafields.values()].filter((m) => m.ownerGid === ownerGid);
  return {
    metafields: (args: Args) =>
      connection(
        ctx,
        own().filter((m) => (!args.namespace || m.namespace === args.namespace) && (!Array.isArray(args.keys) || (args.keys as string[]).includes(`${m.namespace}.${m.key}`))),
        args,
        (m) => metafieldView(ctx, m),
      ),
    metafield: (args: Args) => {
      const key = String(args.key);
      const [ns, k] = args.namespace ? [String(args.namespace), key] : key.includes('.') ? [key.slice(0, key.lastIndexOf('.')), key.slice(key.lastIndexOf('.') + 1)] : ['$app', key];
      const found = own().find((m) => m.namespace === ns && m.key === k);
      return found ? metafieldView(ctx, found) : null;
    },
  };
}

export function shopView(ctx: GqlContext, shop: ShopRecord = ctx.shop) {
  return {
    __typename: 'Shop',
    id: gid('Shop', shop.id),
    name: shop.name,
    email: shop.email,
    contactEmail: shop.email,
    myshopifyDomain: shop.domain,
    url: `https://${shop.domain}`,
    primaryDomain: { __typename: 'Domain', id: gid('Domain', shop.id), host: shop.domain, url: `https://${shop.domain}`, sslEnabled: true },
    ianaTimezone: shop.ianaTimezone,
    timezoneAbbreviation: 'UTC',
    timezoneOffset: '+0000',
    timezoneOffsetMinutes: 0,
    currencyCode: shop.currencyCode,
    enabledPresentmentCurrencies: [shop.currencyCode],
    weightUnit: 'KILOGRAMS',
    taxesIncluded: false,
    taxShipping: false,
    setupRequired: false,
    checkoutApiSupported: true,
    createdAt: shop.createdAt,
    updatedAt: shop.createdAt,
    customerAccounts: 'OPTIONAL',
    marketingSmsConsentEnabledAtCheckout: false,
    transactionalSmsDisabled: false,
    orderNumberFormatPrefix: '#',
    orderNumberFormatSuffix: '',
    richTextEditorUrl: `https://${shop.domain}/admin/rte`,
    shipsToCountries: ['US'],
    shopOwnerName: 'Shop Owner',
    unitSystem: 'METRIC_SYSTEM',
    alerts: [],
    shopAddress: { __typename: 'ShopAddress', id: gid('ShopAddress', shop.id), address1: null, address2: null, city: null, company: null, country: 'United States', countryCodeV2: 'US', province: null, provinceCode: null, zip: null, phone: null, latitude: null, longitude: null, coordinatesValidated: false, formattedArea: null, formatted: () => [] },
    currencyFormats: { moneyFormat: '${{amount}}', moneyInEmailsFormat: '${{amount}}', moneyWithCurrencyFormat: `\${{amount}} ${shop.currencyCode}`, moneyWithCurrencyInEmailsFormat: `\${{amount}} ${shop.currencyCode}` },
    plan: {
      __typename: 'ShopPlan',
      publicDisplayName: shop.plan === 'Plus' ? 'Shopify Plus' : shop.plan,
      displayName: shop.plan === 'Plus' ? 'Shopify Plus' : shop.plan,
      partnerDevelopment: false,
      shopifyPlus: shop.plan === 'Plus',
    },
    ...metafieldAccessors(ctx, gid('Shop', shop.id)),
  };
}

export function locationView(ctx: GqlContext, loc: LocationRecord) {
  const levels = () => [...ctx.shop.levels.values()].filter((l) => l.locationId === loc.id);
  return {
    __typename: 'Location',
    id: gid('Location', loc.id),
    legacyResourceId: String(loc.id),
    name: loc.name,
    isActive: loc.isActive,
    activatable: !loc.isActive,
    deactivatable: loc.isActive,
    deletable: false,
    addressVerified: true,
    fulfillsOnlineOrders: true,
    shipsInventory: true,
    hasActiveInventory: () => levels().length > 0,
    hasUnfulfilledOrders: () => [...ctx.shop.fulfillmentOrders.values()].some((f) => f.locationId === loc.id && f.status !== 'CLOSED'),
    isFulfillmentService: false,
    suggestedAddresses: [],
    createdAt: loc.createdAt,
    updatedAt: loc.updatedAt,
    deactivatedAt: null,
    address: { __typename: 'LocationAddress', address1: null, address2: null, city: null, countryCode: 'US', country: 'United States', zip: null, province: null, provinceCode: null, phone: null, latitude: null, longitude: null, formatted: [] },
    inventoryLevels: (args: Args) => connection(ctx, levelsWithIds(levels()), args, (l) => inventoryLevelView(ctx, l.level)),
    inventoryLevel: (args: Args) => {
      const itemId = parseGid(args.inventoryItemId)?.id ?? -1;
      const level = ctx.shop.levels.get(levelKey(itemId, loc.id));
      return level ? inventoryLevelView(ctx, level) : null;
    },
    ...metafieldAccessors(ctx, gid('Location', loc.id)),
  };
}

/** Levels have no numeric id of their own: page them by item id, then location. */
function levelsWithIds(levels: InventoryLevelRecord[]) {
  return levels.map((level) => ({ id: level.itemId * 100000 + level.locationId, level }));
}

export function inventoryLevelView(ctx: GqlContext, level: InventoryLevelRecord) {
  return {
    __typename: 'InventoryLevel',
    id: inventoryLevelGid(level.locationId, level.itemId),
    isActive: true,
    canDeactivate: true,
    deactivationAlert: null,
    createdAt: level.createdAt,
    updatedAt: level.updatedAt,
    item: () => {
      const item = ctx.shop.inventoryItems.get(level.itemId);
      return item ? inventoryItemView(ctx, item) : null;
    },
    location: () => {
      const loc = ctx.shop.locations.find((l) => l.id === level.locationId);
      return loc ? locationView(ctx, loc) : null;
    },
    quantities: (args: { names?: string[] }) =>
      (args.names ?? []).map((name) => ({
        __typename: 'InventoryQuantity',
        id: `gid://shopify/InventoryQuantity/${level.locationId}?inventory_item_id=${level.itemId}&name=${name}`,
        name,
        quantity: quantityOf(level, name),
        updatedAt: level.updatedAt,
      })),
  };
}

export function inventoryItemView(ctx: GqlContext, item: InventoryItemRecord) {
  const variant = ctx.shop.variants.get(item.variantId);
  const levels = () => levelsOfItem(ctx.shop, item.id);
  return {
    __typename: 'InventoryItem',
    id: gid('InventoryItem', item.id),
    legacyResourceId: String(item.id),
    sku: variant?.sku ?? null,
    tracked: item.tracked,
    trackedEditable: { locked: false, reason: null },
    requiresShipping: item.requiresShipping,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    duplicateSkuCount: () => (variant?.sku ? [...ctx.shop.variants.values()].filter((v) => v.sku === variant.sku && v.id !== variant.id).length : 0),
    countryCodeOfOrigin: null,
    provinceCodeOfOrigin: null,
    harmonizedSystemCode: null,
    unitCost: null,
    measurement: { __typename: 'InventoryItemMeasurement', id: gid('InventoryItemMeasurement', item.id), weight: { unit: 'KILOGRAMS', value: 0 } },
    locationsCount: () => count(levels().length),
    variant: () => (variant ? variantView(ctx, variant) : null),
    variants: (args: Args) => connection(ctx, variant ? [variant] : [], args, (v) => variantView(ctx, v)),
    inventoryLevels: (args: Args) => connection(ctx, levelsWithIds(levels()), args, (l) => inventoryLevelView(ctx, l.level)),
    inventoryLevel: (args: Args) => {
      const locationId = parseGid(args.locationId)?.id ?? -1;
      const level = ctx.shop.levels.get(levelKey(item.id, locationId));
      return level ? inventoryLevelView(ctx, level) : null;
    },
    countryHarmonizedSystemCodes: (args: Args) => connection(ctx, [], args, (x) => x),
  };
}

export function variantView(ctx: GqlContext, v: VariantRecord) {
  const product = ctx.shop.products.get(v.productId);
  const available = () => availableOfItem(ctx.shop, v.inventoryItemId);
  return {
    __typename: 'ProductVariant',
    id: gid('ProductVariant', v.id),
    legacyResourceId: String(v.id),
    title: v.title,
    displayName: `${product?.title ?? ''} - ${v.title}`,
    sku: v.sku,
    barcode: v.barcode,
    price: Number(v.price).toFixed(2),
    compareAtPrice: v.compareAtPrice === null ? null : Number(v.compareAtPrice).toFixed(2),
    position: v.position,
    inventoryPolicy: v.inventoryPolicy,
    inventoryQuantity: available,
    sellableOnlineQuantity: available,
    availableForSale: () => product?.status === 'ACTIVE' && (available() > 0 || v.inventoryPolicy === 'CONTINUE'),
    taxable: v.taxable,
    requiresComponents: false,
    showUnitPrice: false,
    selectedOptions: v.selectedOptions.map((o) => ({ __typename: 'SelectedOption', name: o.name, value: o.value, optionValue: { __typename: 'ProductOptionValue', id: gid('ProductOptionValue', v.id), name: o.value, hasVariants: true } })),
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
    defaultCursor: encodeCursor(v.id),
    inventoryItem: () => {
      const item = ctx.shop.inventoryItems.get(v.inventoryItemId);
      return item ? inventoryItemView(ctx, item) : null;
    },
    product: () => (product ? productView(ctx, product) : null),
    ...metafieldAccessors(ctx, gid('ProductVariant', v.id)),
  };
}

export function productVariants(ctx: GqlContext, p: ProductRecord): VariantRecord[] {
  return p.variantIds.map((id) => ctx.shop.variants.get(id)).filter((v): v is VariantRecord => Boolean(v));
}

/** A product image as the Media interface's MediaImage (images are the only media kept). */
export function mediaImageView(p: ProductRecord, m: MediaImageRecord) {
  return {
    __typename: 'MediaImage',
    id: gid('MediaImage', m.id),
    alt: m.altText,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    mediaContentType: 'IMAGE',
    status: 'READY',
    fileStatus: 'READY',
    fileErrors: [],
    mediaErrors: [],
    mediaWarnings: [],
    mimeType: null,
    image: { __typename: 'Image', id: gid('ImageSource', m.id), url: () => m.url, src: m.url, originalSrc: m.url, altText: m.altText, width: null, height: null, thumbhash: null },
  };
}

export function productView(ctx: GqlContext, p: ProductRecord) {
  const variants = () => productVariants(ctx, p);
  const prices = () => variants().map((v) => Number(v.price));
  return {
    __typename: 'Product',
    id: gid('Product', p.id),
    legacyResourceId: String(p.id),
    title: p.title,
    handle: p.handle,
    status: p.status,
    vendor: p.vendor,
    productType: p.productType,
    descriptionHtml: p.descriptionHtml,
    description: () => p.descriptionHtml.replace(/<[^>]*>/g, ''),
    tags: p.tags,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    publishedAt: p.publishedAt,
    onlineStoreUrl: null,
    templateSuffix: null,
    defaultCursor: encodeCursor(p.id),
    isGiftCard: false,
    requiresSellingPlan: false,
    tracksInventory: true,
    hasOnlyDefaultVariant: () => variants().length === 1 && variants()[0].title === 'Default Title',
    hasOutOfStockVariants: () => variants().some((v) => availableOfItem(ctx.shop, v.inventoryItemId) <= 0),
    hasVariantsThatRequiresComponents: false,
    totalInventory: () => variants().reduce((sum, v) => sum + availableOfItem(ctx.shop, v.inventoryItemId), 0),
    seo: { __typename: 'SEO', title: null, description: null },
    priceRangeV2: () => ({
      __typename: 'ProductPriceRangeV2',
      minVariantPrice: money(prices().length ? Math.min(...prices()) : 0, ctx.shop.currencyCode),
      maxVariantPrice: money(prices().length ? Math.max(...prices()) : 0, ctx.shop.currencyCode),
    }),
    options: (args: { first?: number | null }) =>
      p.options.slice(0, args.first ?? undefined).map((o, i) => ({
        __typename: 'ProductOption',
        id: gid('ProductOption', p.id * 10 + i),
        name: o.name,
        position: i + 1,
        values: o.values,
        optionValues: o.values.map((value, j) => ({ __typename: 'ProductOptionValue', id: gid('ProductOptionValue', p.id * 1000 + i * 100 + j), name: value, hasVariants: true })),
      })),
    variants: (args: Args) => connection(ctx, variants(), args, (v) => variantView(ctx, v)),
    variantsCount: () => count(variants().length),
    // sortKey POSITION (the default) is the media list's order; other sort keys are not modelled.
    media: (args: Args) => connection(ctx, p.media, args, (m) => mediaImageView(p, m), (m) => p.media.indexOf(m)),
    mediaCount: () => count(p.media.length),
    featuredMedia: () => (p.media[0] ? mediaImageView(p, p.media[0]) : null),
    publishedOnPublication: (args: Args) => p.publicationIds.includes(parseGid(args.publicationId)?.id ?? -1),
    publishedOnCurrentPublication: () => p.publicationIds.length > 0,
    resourcePublicationsCount: () => count(p.publicationIds.length),
    availablePublicationsCount: () => count(ctx.shop.publications.length),
    ...metafieldAccessors(ctx, gid('Product', p.id)),
  };
}

export function publicationView(ctx: GqlContext, pub: PublicationRecord) {
  return {
    __typename: 'Publication',
    id: gid('Publication', pub.id),
    name: pub.name,
    autoPublish: false,
    supportsFuturePublishing: false,
    catalog: null,
    products: (args: Args) => connection(ctx, [...ctx.shop.products.values()].filter((p) => p.publicationIds.includes(pub.id)), args, (p) => productView(ctx, p)),
  };
}

export function addressView(addr: AddressRecord | null, id: number) {
  if (!addr) return null;
  const name = [addr.firstName, addr.lastName].filter(Boolean).join(' ');
  return {
    __typename: 'MailingAddress',
    id: gid('MailingAddress', id),
    firstName: addr.firstName ?? null,
    lastName: addr.lastName ?? null,
    name: name || null,
    company: addr.company ?? null,
    address1: addr.address1 ?? null,
    address2: addr.address2 ?? null,
    city: addr.city ?? null,
    provinceCode: addr.provinceCode ?? null,
    province: addr.provinceCode ?? null,
    countryCodeV2: addr.countryCode ?? null,
    country: addr.countryCode ?? null,
    zip: addr.zip ?? null,
    phone: addr.phone ?? null,
    latitude: null,
    longitude: null,
    coordinatesValidated: false,
    timeZone: null,
    formattedArea: [addr.city, addr.provinceCode, addr.countryCode].filter(Boolean).join(', ') || null,
    formatted: () => [name, addr.company, addr.address1, addr.address2, [addr.zip, addr.city].filter(Boolean).join(' '), addr.countryCode].filter((x) => x),
  };
}

export function customerView(ctx: GqlContext, c: CustomerRecord) {
  const orders = () => [...ctx.shop.orders.values()].filter((o) => o.customerId === c.id);
  return {
    __typename: 'Customer',
    id: gid('Customer', c.id),
    legacyResourceId: String(c.id),
    email: c.email,
    firstName: c.firstName,
    lastName: c.lastName,
    displayName: [c.firstName, c.lastName].filter(Boolean).join(' ') || c.email || '',
    phone: c.phone,
    note: c.note,
    tags: c.tags,
    state: 'DISABLED',
    verifiedEmail: true,
    taxExempt: false,
    taxExemptions: [],
    locale: 'en',
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    canDelete: true,
    dataSaleOptOut: false,
    lifetimeDuration: 'less than a minute',
    productSubscriberStatus: 'NEVER_SUBSCRIBED',
    defaultAddress: null,
    defaultEmailAddress: c.email ? { __typename: 'CustomerEmailAddress', emailAddress: c.email, marketingState: 'NOT_SUBSCRIBED' } : null,
    defaultPhoneNumber: null,
    numberOfOrders: String(orders().length),
    amountSpent: () => money(orders().reduce((sum, o) => sum + orderTotal(o), 0), ctx.shop.currencyCode),
    orders: (args: Args) => connection(ctx, orders(), args, (o) => orderView(ctx, o)),
    ...metafieldAccessors(ctx, gid('Customer', c.id)),
  };
}

export function orderTotal(o: OrderRecord) {
  return o.lineItems.reduce((sum, li) => sum + Number(li.price) * li.quantity, 0);
}

export function lineItemView(ctx: GqlContext, order: OrderRecord, li: LineItemRecord) {
  const variant = li.variantId ? ctx.shop.variants.get(li.variantId) : undefined;
  const product = li.productId ? ctx.shop.products.get(li.productId) : undefined;
  const fulfilled = () => [...ctx.shop.fulfillments.values()].filter((f) => f.orderId === order.id).flatMap((f) => f.lineItems).filter((x) => x.lineItemId === li.id).reduce((s, x) => s + x.quantity, 0);
  const cur = order.currencyCode;
  return {
    __typename: 'LineItem',
    id: gid('LineItem', li.id),
    title: li.title,
    name: li.variantTitle ? `${li.title} - ${li.variantTitle}` : li.title,
    sku: li.sku,
    variantTitle: li.variantTitle,
    vendor: li.vendor,
    quantity: li.quantity,
    currentQuantity: li.quantity,
    unfulfilledQuantity: () => li.quantity - fulfilled(),
    fulfillableQuantity: () => li.quantity - fulfilled(),
    nonFulfillableQuantity: 0,
    refundableQuantity: li.quantity,
    requiresShipping: true,
    restockable: true,
    taxable: true,
    isGiftCard: false,
    merchantEditable: true,
    customAttributes: [],
    discountAllocations: [],
    duties: [],
    taxLines: () => [],
    originalUnitPriceSet: moneyBag(li.price, cur),
    discountedUnitPriceSet: moneyBag(li.price, cur),
    discountedUnitPriceAfterAllDiscountsSet: moneyBag(li.price, cur),
    originalTotalSet: moneyBag(Number(li.price) * li.quantity, cur),
    discountedTotalSet: () => moneyBag(Number(li.price) * li.quantity, cur),
    priceAfterAllDiscountsBeforeTaxesSet: moneyBag(Number(li.price) * li.quantity, cur),
    totalDiscountSet: moneyBag(0, cur),
    unfulfilledDiscountedTotalSet: () => moneyBag(Number(li.price) * (li.quantity - fulfilled()), cur),
    unfulfilledOriginalTotalSet: () => moneyBag(Number(li.price) * (li.quantity - fulfilled()), cur),
    variant: () => (variant ? variantView(ctx, variant) : null),
    product: () => (product ? productView(ctx, product) : null),
  };
}

export function orderFulfillmentStatus(ctx: GqlContext, o: OrderRecord): string {
  const fos = [...ctx.shop.fulfillmentOrders.values()].filter((f) => f.orderId === o.id && f.status !== 'CANCELLED');
  const total = fos.flatMap((f) => f.lineItems).reduce((s, li) => s + li.totalQuantity, 0);
  const remaining = fos.flatMap((f) => f.lineItems).reduce((s, li) => s + li.remainingQuantity, 0);
  if (total === 0) return 'FULFILLED';
  if (remaining === total) return 'UNFULFILLED';
  if (remaining === 0) return 'FULFILLED';
  return 'PARTIALLY_FULFILLED';
}

export function orderView(ctx: GqlContext, o: OrderRecord) {
  const cur = o.currencyCode;
  const total = orderTotal(o);
  const customer = o.customerId ? ctx.shop.customers.get(o.customerId) : undefined;
  const fulfillmentOrders = () => [...ctx.shop.fulfillmentOrders.values()].filter((f) => f.orderId === o.id);
  const fulfillments = () => [...ctx.shop.fulfillments.values()].filter((f) => f.orderId === o.id);
  const quantity = o.lineItems.reduce((s, li) => s + li.quantity, 0);
  return {
    __typename: 'Order',
    id: gid('Order', o.id),
    legacyResourceId: String(o.id),
    name: o.name,
    number: o.number,
    email: o.email,
    phone: o.phone,
    note: o.note,
    tags: o.tags,
    poNumber: o.poNumber,
    sourceIdentifier: o.sourceIdentifier,
    sourceName: o.sourceName,
    registeredSourceUrl: o.sourceUrl,
    currencyCode: cur,
    presentmentCurrencyCode: cur,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    processedAt: o.processedAt,
    cancelledAt: o.cancelledAt,
    cancelReason: null,
    closedAt: o.closedAt,
    closed: o.closedAt !== null,
    confirmed: true,
    test: o.test,
    edited: false,
    taxExempt: false,
    taxesIncluded: false,
    dutiesIncluded: false,
    estimatedTaxes: false,
    requiresShipping: true,
    fulfillable: () => orderFulfillmentStatus(ctx, o) !== 'FULFILLED',
    displayFulfillmentStatus: () => orderFulfillmentStatus(ctx, o),
    displayFinancialStatus: o.financialStatus,
    fullyPaid: o.financialStatus === 'PAID',
    unpaid: o.financialStatus !== 'PAID',
    canMarkAsPaid: o.financialStatus !== 'PAID',
    canNotifyCustomer: Boolean(o.email),
    capturable: false,
    refundable: o.financialStatus === 'PAID',
    restockable: true,
    merchantEditable: true,
    merchantEditableErrors: [],
    hasTimelineComment: false,
    productNetwork: false,
    returnStatus: 'NO_RETURN',
    statusPageUrl: () => `https://${ctx.shop.domain}/${ctx.shop.id}/orders/${o.id}/authenticate`,
    customerAcceptsMarketing: false,
    billingAddressMatchesShippingAddress: JSON.stringify(o.billingAddress) === JSON.stringify(o.shippingAddress),
    paymentGatewayNames: [],
    customAttributes: [],
    discountCodes: [],
    discountCode: null,
    alerts: [],
    additionalFees: [],
    disputes: [],
    taxLines: [],
    currentTaxLines: [],
    subtotalLineItemsQuantity: quantity,
    currentSubtotalLineItemsQuantity: quantity,
    totalWeight: '0',
    currentTotalWeight: '0',
    totalPriceSet: moneyBag(total, cur),
    currentTotalPriceSet: moneyBag(total, cur),
    originalTotalPriceSet: moneyBag(total, cur),
    subtotalPriceSet: moneyBag(total, cur),
    currentSubtotalPriceSet: moneyBag(total, cur),
    totalTaxSet: moneyBag(0, cur),
    currentTotalTaxSet: moneyBag(0, cur),
    totalDiscountsSet: moneyBag(0, cur),
    currentTotalDiscountsSet: moneyBag(0, cur),
    cartDiscountAmountSet: null,
    currentCartDiscountAmountSet: moneyBag(0, cur),
    totalShippingPriceSet: moneyBag(0, cur),
    currentShippingPriceSet: moneyBag(0, cur),
    totalOutstandingSet: moneyBag(o.financialStatus === 'PAID' ? 0 : total, cur),
    totalReceivedSet: moneyBag(o.financialStatus === 'PAID' ? total : 0, cur),
    netPaymentSet: moneyBag(o.financialStatus === 'PAID' ? total : 0, cur),
    totalRefundedSet: moneyBag(0, cur),
    totalRefundedShippingSet: moneyBag(0, cur),
    totalCapturableSet: moneyBag(0, cur),
    totalTipReceivedSet: moneyBag(0, cur),
    refundDiscrepancySet: moneyBag(0, cur),
    shippingAddress: addressView(o.shippingAddress, o.id * 10 + 1),
    billingAddress: addressView(o.billingAddress, o.id * 10 + 2),
    displayAddress: addressView(o.shippingAddress ?? o.billingAddress, o.id * 10 + 3),
    customer: () => (customer ? customerView(ctx, customer) : null),
    lineItems: (args: Args) => connection(ctx, o.lineItems, args, (li) => lineItemView(ctx, o, li)),
    fulfillmentOrders: (args: Args) => connection(ctx, fulfillmentOrders(), args, (f) => fulfillmentOrderView(ctx, f)),
    fulfillments: (args: { first?: number | null }) => fulfillments().slice(0, args.first ?? undefined).map((f) => fulfillmentView(ctx, f)),
    fulfillmentsCount: () => count(fulfillments().length),
    refunds: () => [],
    transactions: () => [],
    ...metafieldAccessors(ctx, gid('Order', o.id)),
  };
}

export function fulfillmentOrderView(ctx: GqlContext, fo: FulfillmentOrderRecord) {
  const order = ctx.shop.orders.get(fo.orderId)!;
  const loc = ctx.shop.locations.find((l) => l.id === fo.locationId);
  return {
    __typename: 'FulfillmentOrder',
    id: gid('FulfillmentOrder', fo.id),
    orderId: gid('Order', fo.orderId),
    orderName: order.name,
    orderProcessedAt: order.processedAt,
    status: fo.status,
    requestStatus: 'UNSUBMITTED',
    createdAt: fo.createdAt,
    updatedAt: fo.updatedAt,
    fulfillAt: null,
    fulfillBy: null,
    fulfillmentHolds: [],
    supportedActions: fo.status === 'CLOSED' ? [] : [{ __typename: 'FulfillmentOrderSupportedAction', action: 'CREATE_FULFILLMENT', externalUrl: null }],
    assignedLocation: { __typename: 'FulfillmentOrderAssignedLocation', name: loc?.name ?? 'Shop location', countryCode: 'US', address1: null, address2: null, city: null, province: null, zip: null, phone: null, location: () => (loc ? locationView(ctx, loc) : null) },
    destination: order.shippingAddress ? { __typename: 'FulfillmentOrderDestination', id: gid('FulfillmentOrderDestination', fo.id), ...order.shippingAddress, countryCode: order.shippingAddress.countryCode ?? null, province: order.shippingAddress.provinceCode ?? null, email: order.email } : null,
    order: () => orderView(ctx, order),
    lineItems: (args: Args) =>
      connection(ctx, fo.lineItems, args, (foli) => {
        const li = order.lineItems.find((x) => x.id === foli.lineItemId)!;
        const variant = li.variantId ? ctx.shop.variants.get(li.variantId) : undefined;
        return {
          __typename: 'FulfillmentOrderLineItem',
          id: gid('FulfillmentOrderLineItem', foli.id),
          totalQuantity: foli.totalQuantity,
          remainingQuantity: foli.remainingQuantity,
          sku: li.sku,
          productTitle: li.title,
          variantTitle: li.variantTitle,
          vendor: li.vendor,
          requiresShipping: true,
          warnings: [],
          financialSummaries: [],
          inventoryItemId: variant ? gid('InventoryItem', variant.inventoryItemId) : null,
          lineItem: () => lineItemView(ctx, order, li),
          variant: () => (variant ? variantView(ctx, variant) : null),
        };
      }),
    fulfillments: (args: Args) => connection(ctx, [...ctx.shop.fulfillments.values()].filter((f) => f.fulfillmentOrderIds.includes(fo.id)), args, (f) => fulfillmentView(ctx, f)),
  };
}

export function fulfillmentView(ctx: GqlContext, f: FulfillmentRecord) {
  const order = ctx.shop.orders.get(f.orderId)!;
  const loc = ctx.shop.locations.find((l) => l.id === f.locationId);
  return {
    __typename: 'Fulfillment',
    id: gid('Fulfillment', f.id),
    legacyResourceId: String(f.id),
    name: f.name,
    status: f.status,
    displayStatus: 'FULFILLED',
    createdAt: f.createdAt,
    updatedAt: f.updatedAt,
    deliveredAt: null,
    inTransitAt: null,
    estimatedDeliveryAt: null,
    requiresShipping: true,
    totalQuantity: f.lineItems.reduce((s, li) => s + li.quantity, 0),
    service: null,
    originAddress: null,
    location: () => (loc ? locationView(ctx, loc) : null),
    order: () => orderView(ctx, order),
    trackingInfo: (args: { first?: number | null }) => f.tracking.slice(0, args.first ?? undefined).map((t) => ({ __typename: 'FulfillmentTrackingInfo', ...t })),
    fulfillmentLineItems: (args: Args) =>
      connection(ctx, f.lineItems, args, (fli) => {
        const li = order.lineItems.find((x) => x.id === fli.lineItemId)!;
        return {
          __typename: 'FulfillmentLineItem',
          id: gid('FulfillmentLineItem', fli.id),
          quantity: fli.quantity,
          lineItem: () => lineItemView(ctx, order, li),
          originalTotalSet: moneyBag(Number(li.price) * fli.quantity, order.currencyCode),
          discountedTotalSet: moneyBag(Number(li.price) * fli.quantity, order.currencyCode),
        };
      }),
    fulfillmentOrders: (args: Args) => connection(ctx, f.fulfillmentOrderIds.map((id) => ctx.shop.fulfillmentOrders.get(id)!).filter(Boolean), args, (fo) => fulfillmentOrderView(ctx, fo)),
    events: (args: Args) => connection(ctx, [], args, (x) => x),
  };
}

export function metafieldView(ctx: GqlContext, m: MetafieldRecord) {
  const owner = parseGid(m.ownerGid);
  return {
    __typename: 'Metafield',
    id: gid('Metafield', m.id),
    legacyResourceId: String(m.id),
    namespace: m.namespace,
    key: m.key,
    type: m.type,
    value: m.value,
    jsonValue: () => {
      try {
        return JSON.parse(m.value);
      } catch {
        return m.value;
      }
    },
    compareDigest: Buffer.from(`${m.id}:${m.updatedAt}:${m.value}`).toString('base64'),
    sizeInBytes: Buffer.byteLength(m.value),
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    ownerType: owner ? ownerTypeOf(owner.type) : 'SHOP',
    definition: null,
    reference: null,
    owner: () => nodeView(ctx, m.ownerGid),
  };
}

function ownerTypeOf(type: string): string {
  const map: Record<string, string> = { Product: 'PRODUCT', ProductVariant: 'PRODUCTVARIANT', Order: 'ORDER', Customer: 'CUSTOMER', Shop: 'SHOP', Location: 'LOCATION' };
  return map[type] ?? type.toUpperCase();
}

export function bulkOperationView(op: BulkOperationRecord) {
  return {
    __typename: 'BulkOperation',
    id: gid('BulkOperation', op.id),
    type: op.type,
    status: op.status,
    query: op.query,
    createdAt: op.createdAt,
    completedAt: op.completedAt,
    errorCode: op.errorCode,
    objectCount: String(op.objectCount),
    rootObjectCount: String(op.rootObjectCount),
    fileSize: op.fileSize === null ? null : String(op.fileSize),
    url: op.url,
    partialDataUrl: null,
  };
}

/** Any object by global id, as `node(id:)` answers (null when unknown). */
export function nodeView(ctx: GqlContext, id: unknown): unknown {
  const parsed = parseGid(id);
  if (!parsed) return null;
  const s = ctx.shop;
  const orNull = <T, V>(record: T | undefined, view: (r: T) => V) => (record ? view(record) : null);
  switch (parsed.type) {
    case 'Product':
      return orNull(s.products.get(parsed.id), (r) => productView(ctx, r));
    case 'ProductVariant':
      return orNull(s.variants.get(parsed.id), (r) => variantView(ctx, r));
    case 'InventoryItem':
      return orNull(s.inventoryItems.get(parsed.id), (r) => inventoryItemView(ctx, r));
    case 'InventoryLevel':
      return orNull(s.levels.get(levelKey(Number(parsed.params.get('inventory_item_id')), parsed.id)), (r) => inventoryLevelView(ctx, r));
    case 'Location':
      return orNull(
        s.locations.find((l) => l.id === parsed.id),
        (r) => locationView(ctx, r),
      );
    case 'Order':
      return orNull(s.orders.get(parsed.id), (r) => orderView(ctx, r));
    case 'Customer':
      return orNull(s.customers.get(parsed.id), (r) => customerView(ctx, r));
    case 'FulfillmentOrder':
      return orNull(s.fulfillmentOrders.get(parsed.id), (r) => fulfillmentOrderView(ctx, r));
    case 'Fulfillment':
      return orNull(s.fulfillments.get(parsed.id), (r) => fulfillmentView(ctx, r));
    case 'Metafield':
      return orNull(s.metafields.get(parsed.id), (r) => metafieldView(ctx, r));
    case 'BulkOperation':
      return orNull(s.bulkOperations.get(parsed.id), bulkOperationView);
    case 'Publication':
      return orNull(
        s.publications.find((p) => p.id === parsed.id),
        (r) => publicationView(ctx, r),
      );
    case 'Shop':
      return parsed.id === s.id ? shopView(ctx) : null;
    default:
      return null;
  }
}
