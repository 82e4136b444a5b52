// REST-shaped webhook payloads (contracts/shopify/webhooks/*.json): snake_case, numeric ids plus
// `admin_graphql_api_id`, money as strings. Only the fields the simulator has data for are filled.
import { gid, inventoryLevelGid } from './ids.ts';
import { availableOfItem } from './resolvers/inventory-math.ts';
import type { AddressRecord, BulkOperationRecord, CustomerRecord, FulfillmentRecord, InventoryLevelRecord, OrderRecord, ProductRecord, ShopRecord } from './state.ts';

const money = (n: number) => n.toFixed(2);
const moneySet = (n: number, currency: string) => ({ shop_money: { amount: money(n), currency_code: currency }, presentment_money: { amount: money(n), currency_code: currency } });

function address(a: AddressRecord | null) {
  if (!a) return null;
  return {
    first_name: a.firstName ?? null,
    last_name: a.lastName ?? null,
    name: [a.firstName, a.lastName].filter(Boolean).join(' ') || null,
    company: a.company ?? null,
    address1: a.address1 ?? null,
    address2: a.address2 ?? null,
    city: a.city ?? null,
    province: a.provinceCode ?? null,
    province_code: a.provinceCode ?? null,
    country: a.countryCode ?? null,
    country_code: a.countryCode ?? null,
    zip: a.zip ?? null,
    phone: a.phone ?? null,
    latitude: null,
    longitude: null,
  };
}

export function customerPayload(c: CustomerRecord) {
  return {
    id: c.id,
    email: c.email,
    first_name: c.firstName,
    last_name: c.lastName,
    phone: c.phone,
    note: c.note,
    tags: c.tags.join(', '),
    state: 'disabled',
    verified_email: true,
    tax_exempt: false,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    admin_graphql_api_id: gid('Customer', c.id),
  };
}

/** The customer embedded in an order: as customers/create sends it, less the tags (orders-create.json). */
function orderCustomerPayload(c: CustomerRecord) {
  const full: Partial<ReturnType<typeof customerPayload>> = customerPayload(c);
  delete full.tags;
  return full;
}

export function orderPayload(shop: ShopRecord, o: OrderRecord) {
  const total = o.lineItems.reduce((s, li) => s + Number(li.price) * li.quantity, 0);
  const fulfillments = [...shop.fulfillments.values()].filter((f) => f.orderId === o.id);
  const fulfilledOf = (lineItemId: number) => fulfillments.flatMap((f) => f.lineItems).filter((x) => x.lineItemId === lineItemId).reduce((s, x) => s + x.quantity, 0);
  const allFulfilled = o.lineItems.every((li) => fulfilledOf(li.id) >= li.quantity);
  const anyFulfilled = o.lineItems.some((li) => fulfilledOf(li.id) > 0);
  const customer = o.customerId ? shop.customers.get(o.customerId) : undefined;
  const c = o.currencyCode;
  return {
    id: o.id,
    admin_graphql_api_id: gid('Order', o.id),
    app_id: null,
    cancelled_at: o.cancelledAt,
    cancel_reason: null,
    closed_at: o.closedAt,
    confirmed: true,
    contact_email: o.email,
    created_at: o.createdAt,
    currency: c,
    presentment_currency: c,
    current_subtotal_price: money(total),
    current_total_price: money(total),
    current_total_tax: '0.00',
    current_total_discounts: '0.00',
    email: o.email,
    financial_status: o.financialStatus.toLowerCase(),
    fulfillment_status: allFulfilled ? 'fulfilled' : anyFulfilled ? 'partial' : null,
    name: o.name,
    note: o.note,
    number: o.number - 1000,
    order_number: o.number,
    phone: o.phone,
    po_number: o.poNumber,
    processed_at: o.processedAt,
    source_identifier: o.sourceIdentifier,
    source_name: o.sourceName ?? 'web',
    source_url: o.sourceUrl,
    subtotal_price: money(total),
    subtotal_price_set: moneySet(total, c),
    tags: o.tags.join(', '),
    test: o.test,
    total_price: money(total),
    total_price_set: moneySet(total, c),
    total_tax: '0.00',
    total_discounts: '0.00',
    total_line_items_price: money(total),
    updated_at: o.updatedAt,
    billing_address: address(o.billingAddress),
    shipping_address: address(o.shippingAddress),
    customer: customer ? orderCustomerPayload(customer) : null,
    line_items: o.lineItems.map((li) => ({
      id: li.id,
      admin_graphql_api_id: gid('LineItem', li.id),
      current_quantity: li.quantity,
      fulfillable_quantity: li.quantity - fulfilledOf(li.id),
      fulfillment_status: fulfilledOf(li.id) >= li.quantity ? 'fulfilled' : fulfilledOf(li.id) > 0 ? 'partial' : null,
      name: li.variantTitle ? `${li.title} - ${li.variantTitle}` : li.title,
      price: money(Number(li.price)),
      price_set: moneySet(Number(li.price), c),
      product_exists: li.productId !== null,
      product_id: li.productId,
      quantity: li.quantity,
      requires_shipping: true,
      sku: li.sku,
      taxable: true,
      title: li.title,
      variant_id: li.variantId,
      variant_title: li.variantTitle,
      vendor: li.vendor,
      tax_lines: [],
      discount_allocations: [],
    })),
    fulfillments: fulfillments.map((f) => fulfillmentPayload(shop, f)),
    refunds: [],
    shipping_lines: [],
  };
}

export function fulfillmentPayload(shop: ShopRecord, f: FulfillmentRecord) {
  const order = shop.orders.get(f.orderId)!;
  const first = f.tracking[0];
  return {
    id: f.id,
    admin_graphql_api_id: gid('Fulfillment', f.id),
    order_id: f.orderId,
    status: 'success',
    created_at: f.createdAt,
    updated_at: f.updatedAt,
    service: 'manual',
    shipment_status: null,
    location_id: f.locationId,
    email: order.email,
    destination: address(order.shippingAddress),
    name: f.name,
    tracking_company: first?.company ?? null,
    tracking_number: first?.number ?? null,
    tracking_numbers: f.tracking.map((t) => t.number).filter(Boolean),
    tracking_url: first?.url ?? null,
    tracking_urls: f.tracking.map((t) => t.url).filter(Boolean),
    line_items: f.lineItems.map((fli) => {
      const li = order.lineItems.find((x) => x.id === fli.lineItemId)!;
      return {
        id: li.id,
        admin_graphql_api_id: gid('LineItem', li.id),
        variant_id: li.variantId,
        product_id: li.productId,
        title: li.title,
        variant_title: li.variantTitle,
        sku: li.sku,
        quantity: fli.quantity,
        price: money(Number(li.price)),
        vendor: li.vendor,
        requires_shipping: true,
      };
    }),
  };
}

export function productPayload(shop: ShopRecord, p: ProductRecord) {
  const variants = p.variantIds.map((id) => shop.variants.get(id)!).filter(Boolean);
  return {
    id: p.id,
    admin_graphql_api_id: gid('Product', p.id),
    title: p.title,
    body_html: p.descriptionHtml,
    handle: p.handle,
    product_type: p.productType,
    vendor: p.vendor,
    status: p.status.toLowerCase(),
    tags: p.tags.join(', '),
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    published_at: p.publishedAt,
    published_scope: 'web',
    template_suffix: null,
    variants: variants.map((v) => {
      const available = availableOfItem(shop, v.inventoryItemId);
      return {
        id: v.id,
        admin_graphql_api_id: gid('ProductVariant', v.id),
        product_id: p.id,
        title: v.title,
        sku: v.sku,
        barcode: v.barcode,
        price: Number(v.price).toFixed(2),
        compare_at_price: v.compareAtPrice,
        position: v.position,
        inventory_policy: v.inventoryPolicy.toLowerCase(),
        inventory_item_id: v.inventoryItemId,
        inventory_quantity: available,
        option1: v.selectedOptions[0]?.value ?? null,
        option2: v.selectedOptions[1]?.value ?? null,
        option3: v.selectedOptions[2]?.value ?? null,
        taxable: v.taxable,
        created_at: v.createdAt,
        updated_at: v.updatedAt,
      };
    }),
    options: p.options.map((o, i) => ({ name: o.name, position: i + 1, values: o.values })),
    images: [],
    image: null,
    media: [],
    variant_gids: variants.map((v) => ({ admin_graphql_api_id: gid('ProductVariant', v.id), updated_at: v.updatedAt })),
  };
}

export function inventoryLevelPayload(level: InventoryLevelRecord) {
  return {
    inventory_item_id: level.itemId,
    location_id: level.locationId,
    available: level.available,
    updated_at: level.updatedAt,
    admin_graphql_api_id: inventoryLevelGid(level.locationId, level.itemId),
  };
}

export function bulkFinishPayload(op: BulkOperationRecord) {
  return {
    admin_graphql_api_id: gid('BulkOperation', op.id),
    completed_at: op.completedAt,
    created_at: op.createdAt,
    error_code: op.errorCode ? op.errorCode.toLowerCase() : null,
    status: op.status.toLowerCase(),
    type: op.type.toLowerCase(),
  };
}

export function shopPayload(shop: ShopRecord) {
  return {
    id: shop.id,
    name: shop.name,
    email: shop.email,
    domain: shop.domain,
    myshopify_domain: shop.domain,
    currency: shop.currencyCode,
    iana_timezone: shop.ianaTimezone,
    plan_display_name: shop.plan === 'Plus' ? 'Shopify Plus' : shop.plan,
    plan_name: shop.plan.toLowerCase(),
    primary_location_id: shop.locations[0]?.id ?? null,
    created_at: null,
    updated_at: null,
  };
}
