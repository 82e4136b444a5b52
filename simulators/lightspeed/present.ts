// X-Series 2026-07 response shapes (lightspeed-*-api-openapi.yml): lists are `{ data, version:
// { min, max } }` paged by `after` (exclusive) / `before` and `page_size`, ascending by version.
import type { LsCustomer, LsFulfillment, LsInventory, LsProduct, LsRetailer, LsSale, LsStockAdjustment } from './state.ts';

export function versionPage<T extends { version: number }>(items: T[], query: { after?: unknown; before?: unknown; page_size?: unknown }, defaultSize = 1000, maxSize = 5000) {
  const after = query.after === undefined ? 0 : Number(query.after);
  const before = query.before === undefined ? Infinity : Number(query.before);
  const size = Math.min(Math.max(Number(query.page_size ?? defaultSize) || defaultSize, 1), maxSize);
  const page = items
    .filter((i) => i.version > after && i.version < before)
    .sort((a, b) => a.version - b.version)
    .slice(0, size);
  return {
    data: page,
    version: { min: page.length ? page[0].version : null, max: page.length ? page[page.length - 1].version : null },
  };
}

/** Tax-inclusive price at the simulator's single 15% tax rate. */
export const TAX_RATE = 0.15;
const round = (n: number) => Math.round(n * 100000) / 100000;

export function presentProduct(retailer: LsRetailer, p: LsProduct) {
  const family = retailer.products.filter((x) => x.variant_parent_id === p.id && !x.deleted_at);
  return {
    id: p.id,
    name: p.name,
    handle: p.handle,
    sku: p.sku,
    variant_parent_id: p.variant_parent_id,
    variant_name: p.variant_name,
    variant_options: p.variant_options,
    variant_count: p.variant_parent_id ? null : family.length,
    has_variants: !p.variant_parent_id && family.length > 0,
    family_id: p.variant_parent_id ?? p.id,
    price_excluding_tax: p.price_excluding_tax,
    price_including_tax: round(p.price_excluding_tax * (1 + TAX_RATE)),
    supply_price: p.supply_price,
    active: p.active,
    is_active: p.active,
    is_composite: false,
    has_inventory: true,
    source: 'USER',
    attributes: [],
    categories: [],
    customizations: [],
    images: [],
    skuImages: [],
    tag_ids: [],
    product_codes: [],
    product_suppliers: [],
    packaging: { breaks_into: [], made_from: [] },
    brand: null,
    supplier: null,
    type: null,
    version: p.version,
    created_at: p.created_at,
    updated_at: p.updated_at,
    deleted_at: p.deleted_at,
  };
}

export function presentInventory(i: LsInventory) {
  return {
    id: i.id,
    product_id: i.product_id,
    outlet_id: i.outlet_id,
    current_inventory_level: i.current_inventory_level,
    reorder_point: i.reorder_point,
    reorder_amount: i.reorder_amount,
    average_cost: i.average_cost,
    quantity_to_procure: 0,
    version: i.version,
    deleted_at: null,
  };
}

export function presentAdjustment(a: LsStockAdjustment) {
  return { ...a };
}

export function presentSale(s: LsSale) {
  const totalPrice = s.line_items.reduce((sum, l) => sum + l.price * l.quantity, 0);
  const totalTax = s.line_items.reduce((sum, l) => sum + l.tax * l.quantity, 0);
  return {
    id: s.id,
    version: s.version,
    _metadata: { version: s.version },
    source: { id: s.source_id ?? '', outlet_id: s.outlet_id, register_id: s.register_id, author: { id: s.user_id } },
    customer_id: s.customer_id ?? undefined,
    invoice_number: s.invoice_number,
    receipt_number: s.receipt_number,
    short_code: s.short_code,
    note: s.note,
    state: s.state,
    date: s.date,
    created_at: s.created_at,
    updated_at: s.updated_at,
    attributes: [],
    adjustments: [],
    ecom_custom_charges: [],
    external_applications: [],
    payments: [],
    taxes: [],
    totals: { total_price: totalPrice, total_tax: totalTax, total_payment: totalPrice + totalTax, total_to_pay: 0 },
    line_items: s.line_items.map((l, index) => ({
      id: l.id,
      product: { id: l.product_id },
      quantity: l.quantity,
      note: l.note,
      status: 'CONFIRMED',
      _metadata: { sequence: index, is_price_override: false },
      pricing: { price: l.price, total: l.price * l.quantity, cost: 0, cost_total: 0, discount: 0, discount_total: 0, loyalty_amount: 0, loyalty_amount_total: 0 },
      tax: { id: l.tax_id, amount: l.tax, total: l.tax * l.quantity },
      promotions: [],
      surcharges: [],
    })),
  };
}

export function presentFulfillment(f: LsFulfillment) {
  return {
    id: f.id,
    sale_id: f.sale_id,
    outlet_id: f.outlet_id,
    type: f.type,
    state: f.state,
    note: f.note,
    shipping_address_id: null,
    user_ids: [],
    version: f.version,
    created_at: f.created_at,
    updated_at: f.updated_at,
    line_items: f.line_items.map((l) => ({
      sale_line_item_id: l.sale_line_item_id,
      product_id: l.product_id,
      quantity: String(l.quantity),
      picked_quantity: String(l.fulfilled),
      packed_quantity: String(l.fulfilled),
      fulfilled_quantity: String(l.fulfilled),
    })),
  };
}

export function presentCustomer(c: LsCustomer) {
  return {
    id: c.id,
    customer_code: c.customer_code,
    name: [c.first_name, c.last_name].filter(Boolean).join(' ') || null,
    first_name: c.first_name,
    last_name: c.last_name,
    email: c.email,
    phone: c.phone,
    mobile: null,
    company_name: c.company_name,
    balance: 0,
    loyalty_balance: 0,
    year_to_date: 0,
    do_not_email: false,
    enable_loyalty: false,
    version: c.version,
    created_at: c.created_at,
    updated_at: c.updated_at,
    deleted_at: c.deleted_at,
  };
}

/**
 * Outlets and registers (lightspeed-outlets-api-openapi.yml `Outlet`, lightspeed-registers-api-openapi.yml
 * `Register`). They hold no state the simulator changes, so their versions are their positions.
 */
export function presentOutlet(retailer: LsRetailer, o: LsRetailer['outlets'][number], version: number) {
  return {
    id: o.id,
    name: o.name,
    default_tax_id: retailer.taxId,
    currency: 'USD',
    currency_symbol: '$',
    display_prices: 'exclusive',
    time_zone: 'UTC',
    attributes: [],
    physical_address_1: null,
    physical_city: null,
    physical_country_id: null,
    deleted_at: null,
    version,
  };
}

export function presentRegister(retailer: LsRetailer, r: LsRetailer['registers'][number], version: number) {
  return {
    id: r.id,
    name: r.name,
    outlet_id: r.outlet_id,
    invoice_prefix: '',
    invoice_suffix: '',
    invoice_sequence: retailer.sales.filter((s) => s.register_id === r.id).length,
    is_open: true,
    ask_for_note_on_save: 0,
    ask_for_user_on_sale: false,
    email_receipt: false,
    print_receipt: true,
    print_note_on_receipt: false,
    show_discounts_on_receipts: true,
    button_layout_id: null,
    register_open_time: null,
    register_close_time: null,
    deleted_at: null,
    version,
  };
}
