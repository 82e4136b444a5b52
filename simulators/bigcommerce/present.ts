// BigCommerce's JSON shapes (products_catalog.v3.yml, product-variants_catalog.v3.yml,
// inventory.v3.yml, orders.v2.oas2.yml, webhooks.v3.yml): v3 wraps in { data, meta }, v2 answers
// bare objects/arrays with money as decimal strings and dates as RFC 2822.
import {
  productStock,
  variantStock,
  type BcCustomer,
  type BcHook,
  type BcLocation,
  type BcOrder,
  type BcProduct,
  type BcShipment,
  type BcStore,
  type BcVariant,
} from './state.ts';

/** v3 dates: ISO 8601 with a +00:00 offset, as in the spec's examples. */
export const isoDate = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, '+00:00');

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** v2 dates: RFC 2822 in UTC ("Tue, 20 Nov 2012 00:00:00 +0000"). */
export function rfc2822(d: Date): string {
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** v2 money: decimal strings with four places ("10.0000"). */
export const money = (n: number) => n.toFixed(4);

export function presentVariant(product: BcProduct, variant: BcVariant) {
  const price = variant.price ?? product.price;
  return {
    id: variant.id,
    product_id: product.id,
    sku: variant.sku,
    sku_id: variant.id,
    price: variant.price,
    calculated_price: price,
    sale_price: null,
    retail_price: null,
    cost_price: 0,
    weight: null,
    calculated_weight: product.weight,
    inventory_level: variantStock(variant),
    inventory_warning_level: 0,
    purchasing_disabled: false,
    purchasing_disabled_message: '',
    image_url: '',
    upc: '',
    mpn: '',
    gtin: '',
    bin_picking_number: '',
    is_free_shipping: false,
    fixed_cost_shipping_price: null,
    option_values: variant.option_values,
  };
}

export function presentProduct(product: BcProduct, include: string[] = []) {
  const body: Record<string, unknown> = {
    id: product.id,
    name: product.name,
    type: product.type,
    sku: product.sku,
    weight: product.weight,
    width: 0,
    depth: 0,
    height: 0,
    price: product.price,
    cost_price: 0,
    retail_price: 0,
    sale_price: 0,
    calculated_price: product.price,
    map_price: 0,
    tax_class_id: 0,
    categories: [],
    brand_id: 0,
    inventory_level: productStock(product),
    inventory_warning_level: 0,
    inventory_tracking: product.inventory_tracking,
    is_visible: product.is_visible,
    is_featured: false,
    availability: 'available',
    condition: 'New',
    upc: '',
    mpn: '',
    gtin: '',
    base_variant_id: product.variants[0]?.id,
    custom_url: { url: `/${product.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}/`, is_customized: false },
    date_created: isoDate(product.date_created),
    date_modified: isoDate(product.date_modified),
  };
  if (include.includes('variants')) body.variants = product.variants.map((v) => presentVariant(product, v));
  return body;
}

export function presentLocation(location: BcLocation) {
  return {
    id: location.id,
    code: location.code,
    label: location.label,
    description: '',
    managed_by_external_source: false,
    type_id: 'PHYSICAL',
    enabled: location.enabled,
    storefront_visibility: true,
    time_zone: 'Etc/UTC',
    created_at: isoDate(location.created_at),
    updated_at: isoDate(location.created_at),
  };
}

export function presentInventoryItem(store: BcStore, product: BcProduct, variant: BcVariant, locationIds?: number[]) {
  const locations = store.locations.filter((l) => !locationIds || locationIds.includes(l.id));
  return {
    identity: { sku: variant.sku, variant_id: variant.id, product_id: product.id, sku_id: variant.id },
    locations: locations.map((l) => {
      const onHand = variantStock(variant, l.id);
      return {
        location_id: l.id,
        location_code: l.code,
        location_name: l.label,
        available_to_sell: onHand,
        total_inventory_onhand: onHand,
        location_enabled: l.enabled,
        settings: { safety_stock: 0, is_in_stock: onHand > 0, warning_level: 0, bin_picking_number: '' },
      };
    }),
  };
}

const STATUS_NAMES: Record<number, string> = {
  0: 'Incomplete',
  1: 'Pending',
  2: 'Shipped',
  3: 'Partially Shipped',
  5: 'Cancelled',
  7: 'Awaiting Payment',
  9: 'Awaiting Shipment',
  10: 'Completed',
  11: 'Awaiting Fulfillment',
};

const orderTotal = (order: BcOrder) => order.lines.reduce((sum, l) => sum + l.price * l.quantity, 0);

export function presentOrder(baseUrl: string, order: BcOrder) {
  const total = money(orderTotal(order));
  const items = order.lines.reduce((sum, l) => sum + l.quantity, 0);
  const shipped = order.lines.reduce((sum, l) => sum + l.quantity_shipped, 0);
  return {
    id: order.id,
    customer_id: order.customer_id,
    date_created: rfc2822(order.date_created),
    date_modified: rfc2822(order.date_modified),
    date_shipped: shipped > 0 && shipped >= items ? rfc2822(order.date_modified) : '',
    status_id: order.status_id,
    status: STATUS_NAMES[order.status_id] ?? 'Pending',
    subtotal_ex_tax: total,
    subtotal_inc_tax: total,
    subtotal_tax: money(0),
    base_shipping_cost: money(0),
    shipping_cost_ex_tax: money(0),
    shipping_cost_inc_tax: money(0),
    shipping_cost_tax: money(0),
    total_ex_tax: total,
    total_inc_tax: total,
    total_tax: money(0),
    items_total: items,
    items_shipped: shipped,
    payment_method: 'Manual',
    payment_status: 'captured',
    refunded_amount: money(0),
    discount_amount: money(0),
    coupon_discount: money(0),
    currency_code: 'USD',
    default_currency_code: 'USD',
    is_deleted: false,
    is_email_opt_in: false,
    order_is_digital: false,
    staff_notes: order.staff_notes,
    customer_message: order.customer_message,
    channel_id: 1,
    external_id: null,
    external_source: order.external_source,
    external_order_id: order.external_order_id,
    order_source: 'external',
    billing_address: { ...order.billing_address, form_fields: [] },
    products: { url: `${baseUrl}/v2/orders/${order.id}/products`, resource: `/orders/${order.id}/products` },
    shipping_addresses: {
      url: `${baseUrl}/v2/orders/${order.id}/shipping_addresses`,
      resource: `/orders/${order.id}/shipping_addresses`,
    },
    coupons: { url: `${baseUrl}/v2/orders/${order.id}/coupons`, resource: `/orders/${order.id}/coupons` },
  };
}

export function presentOrderProduct(order: BcOrder, line: BcOrder['lines'][number]) {
  return {
    id: line.id,
    order_id: order.id,
    product_id: line.product_id,
    variant_id: line.variant_id,
    order_address_id: order.shipping_address.id,
    name: line.name,
    name_customer: line.name,
    name_merchant: line.name,
    sku: line.sku,
    type: 'physical',
    base_price: money(line.price),
    price_ex_tax: money(line.price),
    price_inc_tax: money(line.price),
    price_tax: money(0),
    base_total: money(line.price * line.quantity),
    total_ex_tax: money(line.price * line.quantity),
    total_inc_tax: money(line.price * line.quantity),
    total_tax: money(0),
    quantity: line.quantity,
    quantity_shipped: line.quantity_shipped,
    is_refunded: false,
    quantity_refunded: 0,
    refund_amount: money(0),
    applied_discounts: [],
    product_options: [],
    configurable_fields: [],
  };
}

export function presentShippingAddress(order: BcOrder) {
  const items = order.lines.reduce((sum, l) => sum + l.quantity, 0);
  const shipped = order.lines.reduce((sum, l) => sum + l.quantity_shipped, 0);
  const { id, ...address } = order.shipping_address;
  return {
    id,
    order_id: order.id,
    ...address,
    items_total: items,
    items_shipped: shipped,
    shipping_method: 'Flat rate',
    base_cost: money(0),
    cost_ex_tax: money(0),
    cost_inc_tax: money(0),
    cost_tax: money(0),
    form_fields: [],
  };
}

export function presentShipment(order: BcOrder, shipment: BcShipment) {
  const { id: _id, ...shippingAddress } = order.shipping_address;
  return {
    id: shipment.id,
    order_id: shipment.order_id,
    customer_id: order.customer_id,
    order_address_id: shipment.order_address_id,
    date_created: rfc2822(shipment.date_created),
    tracking_number: shipment.tracking_number,
    merchant_shipping_cost: money(0),
    shipping_method: shipment.shipping_method,
    shipping_provider: shipment.shipping_provider,
    tracking_carrier: shipment.tracking_carrier,
    tracking_link: shipment.tracking_link,
    generated_tracking_link: shipment.tracking_link,
    shipping_provider_display_name: shipment.shipping_provider || shipment.tracking_carrier,
    comments: shipment.comments,
    billing_address: order.billing_address,
    shipping_address: shippingAddress,
    items: shipment.items,
  };
}

export function presentCustomer(customer: BcCustomer) {
  return {
    id: customer.id,
    email: customer.email,
    first_name: customer.first_name,
    last_name: customer.last_name,
    company: customer.company,
    phone: '',
    customer_group_id: 0,
    notes: '',
    tax_exempt_category: '',
    accepts_product_review_abandoned_cart_emails: false,
    channel_ids: [1],
    date_created: isoDate(customer.date_created),
    date_modified: isoDate(customer.date_modified),
  };
}

export function presentHook(store: BcStore, hook: BcHook) {
  return {
    id: hook.id,
    client_id: hook.client_id,
    store_hash: store.hash,
    scope: hook.scope,
    destination: hook.destination,
    is_active: hook.is_active,
    headers: hook.headers,
    created_at: hook.created_at,
    updated_at: hook.updated_at,
  };
}

/** v3 list meta (`metaCollection_Full`): page links are query strings, as BigCommerce sends them. */
export function paginate<T>(items: T[], query: Record<string, unknown>, defaultLimit = 50, maxLimit = 250) {
  const limit = Math.min(Math.max(Number(query.limit ?? defaultLimit) || defaultLimit, 1), maxLimit);
  const page = Math.max(Number(query.page ?? 1) || 1, 1);
  const totalPages = Math.max(Math.ceil(items.length / limit), 1);
  const slice = items.slice((page - 1) * limit, page * limit);
  const link = (p: number) => `?page=${p}&limit=${limit}`;
  const links: Record<string, string> = { current: link(page) };
  if (page > 1) links.previous = link(page - 1);
  if (page < totalPages) links.next = link(page + 1);
  return {
    data: slice,
    meta: {
      pagination: {
        total: items.length,
        count: slice.length,
        per_page: limit,
        current_page: page,
        total_pages: totalPages,
        links,
      },
    },
  };
}
