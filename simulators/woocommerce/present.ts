// WooCommerce REST v3 shapes, field by field from the reference (wp-api-v3_products.md,
// _product-variations.md, _orders.md, _order-notes.md, _customers.md, _webhooks.md): money as
// strings, dates as "2017-03-22T16:28:02" in the site's time zone plus a *_gmt twin (the site runs
// on UTC here, so both agree).
import type { WooCustomer, WooNote, WooOrder, WooProduct, WooSite, WooWebhook } from './state.ts';

export const wpDate = (d: Date | null) => (d ? d.toISOString().slice(0, 19) : null);
export const price = (n: number) => n.toFixed(2);

function stockStatus(p: WooProduct): 'instock' | 'outofstock' | 'onbackorder' {
  if (!p.manage_stock || p.stock_quantity === null) return 'instock';
  if (p.stock_quantity > 0) return 'instock';
  return p.backorders === 'no' ? 'outofstock' : 'onbackorder';
}

const links = (base: string, path: string, collection: string) => ({
  self: [{ href: `${base}${path}` }],
  collection: [{ href: `${base}${collection}` }],
});

export function presentProduct(base: string, site: WooSite, p: WooProduct) {
  const current = p.sale_price || p.regular_price;
  return {
    id: p.id,
    name: p.name,
    slug: p.slug,
    permalink: `${site.source}product/${p.slug}/`,
    date_created: wpDate(p.date_created),
    date_created_gmt: wpDate(p.date_created),
    date_modified: wpDate(p.date_modified),
    date_modified_gmt: wpDate(p.date_modified),
    type: p.type,
    status: p.status,
    featured: false,
    catalog_visibility: 'visible',
    description: '',
    short_description: '',
    sku: p.sku,
    price: current,
    regular_price: p.regular_price,
    sale_price: p.sale_price,
    on_sale: Boolean(p.sale_price),
    purchasable: current !== '',
    total_sales: 0,
    virtual: false,
    downloadable: false,
    tax_status: 'taxable',
    tax_class: '',
    manage_stock: p.manage_stock,
    stock_quantity: p.stock_quantity,
    stock_status: stockStatus(p),
    backorders: p.backorders,
    backorders_allowed: p.backorders !== 'no',
    backordered: false,
    weight: '',
    dimensions: { length: '', width: '', height: '' },
    parent_id: p.parent_id,
    categories: [],
    tags: [],
    images: [],
    attributes: p.attributes,
    default_attributes: [],
    variations: site.products.filter((v) => v.type === 'variation' && v.parent_id === p.id).map((v) => v.id),
    meta_data: p.meta_data,
    _links: links(base, `/products/${p.id}`, '/products'),
  };
}

export function presentVariation(base: string, site: WooSite, v: WooProduct) {
  const current = v.sale_price || v.regular_price;
  return {
    id: v.id,
    date_created: wpDate(v.date_created),
    date_created_gmt: wpDate(v.date_created),
    date_modified: wpDate(v.date_modified),
    date_modified_gmt: wpDate(v.date_modified),
    description: '',
    permalink: `${site.source}product/${v.slug}/`,
    sku: v.sku,
    price: current,
    regular_price: v.regular_price,
    sale_price: v.sale_price,
    on_sale: Boolean(v.sale_price),
    status: v.status,
    purchasable: current !== '',
    virtual: false,
    downloadable: false,
    tax_status: 'taxable',
    tax_class: '',
    manage_stock: v.manage_stock,
    stock_quantity: v.stock_quantity,
    stock_status: stockStatus(v),
    backorders: v.backorders,
    backorders_allowed: v.backorders !== 'no',
    backordered: false,
    weight: '',
    dimensions: { length: '', width: '', height: '' },
    image: null,
    attributes: v.attributes.map(({ id, name, option }) => ({ id, name, option: option ?? '' })),
    menu_order: 0,
    meta_data: v.meta_data,
    _links: {
      ...links(base, `/products/${v.parent_id}/variations/${v.id}`, `/products/${v.parent_id}/variations`),
      up: [{ href: `${base}/products/${v.parent_id}` }],
    },
  };
}

export function presentOrder(base: string, o: WooOrder) {
  const total = o.line_items.reduce((sum, l) => sum + l.price * l.quantity, 0);
  return {
    id: o.id,
    parent_id: 0,
    number: String(o.id),
    order_key: o.order_key,
    created_via: o.created_via,
    version: '9.4.0',
    status: o.status,
    currency: o.currency,
    date_created: wpDate(o.date_created),
    date_created_gmt: wpDate(o.date_created),
    date_modified: wpDate(o.date_modified),
    date_modified_gmt: wpDate(o.date_modified),
    discount_total: '0.00',
    discount_tax: '0.00',
    shipping_total: '0.00',
    shipping_tax: '0.00',
    cart_tax: '0.00',
    total: price(total),
    total_tax: '0.00',
    prices_include_tax: false,
    customer_id: o.customer_id,
    customer_ip_address: '',
    customer_user_agent: '',
    customer_note: o.customer_note,
    billing: o.billing,
    shipping: o.shipping,
    payment_method: o.payment_method,
    payment_method_title: o.payment_method_title,
    transaction_id: o.transaction_id,
    date_paid: wpDate(o.date_paid),
    date_paid_gmt: wpDate(o.date_paid),
    date_completed: wpDate(o.date_completed),
    date_completed_gmt: wpDate(o.date_completed),
    cart_hash: '',
    meta_data: o.meta_data,
    line_items: o.line_items.map((l) => ({
      id: l.id,
      name: l.name,
      product_id: l.product_id,
      variation_id: l.variation_id,
      quantity: l.quantity,
      tax_class: '',
      subtotal: price(l.price * l.quantity),
      subtotal_tax: '0.00',
      total: price(l.price * l.quantity),
      total_tax: '0.00',
      taxes: [],
      meta_data: l.meta_data,
      sku: l.sku,
      price: l.price,
    })),
    tax_lines: [],
    shipping_lines: [],
    fee_lines: [],
    coupon_lines: [],
    refunds: [],
    _links: links(base, `/orders/${o.id}`, '/orders'),
  };
}

export function presentNote(base: string, orderId: number, n: WooNote) {
  return {
    id: n.id,
    author: n.author,
    date_created: wpDate(n.date_created),
    date_created_gmt: wpDate(n.date_created),
    note: n.note,
    customer_note: n.customer_note,
    added_by_user: n.added_by_user,
    _links: {
      ...links(base, `/orders/${orderId}/notes/${n.id}`, `/orders/${orderId}/notes`),
      up: [{ href: `${base}/orders/${orderId}` }],
    },
  };
}

export function presentCustomer(base: string, c: WooCustomer) {
  return {
    id: c.id,
    date_created: wpDate(c.date_created),
    date_created_gmt: wpDate(c.date_created),
    date_modified: wpDate(c.date_modified),
    date_modified_gmt: wpDate(c.date_modified),
    email: c.email,
    first_name: c.first_name,
    last_name: c.last_name,
    role: 'customer',
    username: c.username,
    billing: c.billing,
    shipping: c.shipping,
    is_paying_customer: false,
    avatar_url: '',
    meta_data: [],
    _links: links(base, `/customers/${c.id}`, '/customers'),
  };
}

export function presentWebhook(base: string, w: WooWebhook) {
  const [resource, event] = w.topic.split('.');
  return {
    id: w.id,
    name: w.name,
    status: w.status,
    topic: w.topic,
    resource,
    event,
    hooks: [`woocommerce_${event === 'created' ? 'new' : event === 'updated' ? 'update' : 'delete'}_${resource}`],
    delivery_url: w.delivery_url,
    date_created: wpDate(w.date_created),
    date_created_gmt: wpDate(w.date_created),
    date_modified: wpDate(w.date_modified),
    date_modified_gmt: wpDate(w.date_modified),
    _links: links(base, `/webhooks/${w.id}`, '/webhooks'),
  };
}
