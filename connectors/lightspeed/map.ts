// X-Series shapes ↔ Tandem's. In X-Series every variant is a product row pointing at its family
// (`variant_parent_id`, `family_id`); stock lives in inventory records per outlet.
import type { CustomerInput, OrderCreateInput, Sku, TandemCustomer, TandemOrder, TandemProduct, TandemVariant } from '../sdk/types.ts';
import type { LightspeedCustomer, LightspeedProduct, LightspeedSale } from './schemas.ts';

/** Written into a sale's note; the reference itself goes in invoice_number, which search can find. */
const NOTE_PREFIX = 'Tandem order ';

const money = (n: number) => String(Math.round(n * 100_000) / 100_000);

export function toTandemVariant(row: LightspeedProduct, available: number | null = null): TandemVariant {
  return {
    externalId: row.id,
    productExternalId: row.family_id ?? row.variant_parent_id ?? row.id,
    sku: row.sku ? (row.sku as Sku) : null,
    title: row.variant_name || row.name,
    productTitle: row.name,
    selectedOptions: (row.variant_options ?? []).map((o) => ({ name: o.name, value: o.value })),
    price: money(row.price_excluding_tax),
    compareAtPrice: null,
    barcode: null,
    inventoryItemId: row.id,
    available,
    updatedAt: new Date(row.updated_at),
  };
}

/**
 * Groups a page of variant rows into products. A family whose variants changed on different pages
 * appears on each of those pages with the variants of that page (the engine upserts by id).
 */
export function toTandemProducts(rows: LightspeedProduct[]): TandemProduct[] {
  const families = new Map<string, LightspeedProduct[]>();
  for (const row of rows) {
    const familyId = row.family_id ?? row.variant_parent_id ?? row.id;
    families.set(familyId, [...(families.get(familyId) ?? []), row]);
  }
  return [...families.entries()].map(([familyId, members]) => {
    const variants = members.map((m) => toTandemVariant(m));
    const optionNames = [...new Set(variants.flatMap((v) => v.selectedOptions.map((o) => o.name)))];
    return {
      externalId: familyId,
      title: members[0].name,
      description: '',
      vendor: null,
      productType: null,
      tags: [],
      images: [],
      options: optionNames.map((name) => ({ name, values: [...new Set(variants.flatMap((v) => v.selectedOptions.filter((o) => o.name === name).map((o) => o.value)))] })),
      variants,
      externalReference: null,
      updatedAt: new Date(Math.max(...members.map((m) => Date.parse(m.updated_at)))),
    };
  });
}

export function toTandemOrder(sale: LightspeedSale, skuOf: (productId: string) => Sku | null, currency: string): TandemOrder {
  const totals = sale.totals ?? { total_price: 0, total_tax: 0 };
  return {
    externalId: sale.id,
    name: `#${sale.invoice_number}`,
    createdAt: new Date(sale.created_at),
    updatedAt: new Date(sale.updated_at),
    cancelledAt: sale.state === 'voided' ? new Date(sale.updated_at) : null,
    currency,
    totalPrice: money(totals.total_price + totals.total_tax),
    lineItems: sale.line_items.map((line) => ({
      externalId: line.id,
      sku: skuOf(line.product.id),
      title: '',
      quantity: line.quantity,
      price: money(line.pricing?.price ?? 0),
      variantExternalId: line.product.id,
    })),
    shippingAddress: null,
    customer: { email: null, accountId: sale.customer_id ?? null },
    tags: [],
    externalReference: referenceOf(sale),
  };
}

export function referenceOf(sale: Pick<LightspeedSale, 'note' | 'invoice_number'>): string | null {
  return sale.note?.startsWith(NOTE_PREFIX) ? sale.invoice_number : null;
}

export function saleNote(input: Pick<OrderCreateInput, 'externalReference' | 'note' | 'poNumber'>): string {
  return [`${NOTE_PREFIX}${input.externalReference}`, input.poNumber ? `PO ${input.poNumber}` : null, input.note].filter(Boolean).join('\n');
}

export function toTandemCustomer(c: LightspeedCustomer): TandemCustomer {
  return {
    externalId: c.id,
    email: c.email || null,
    accountId: c.customer_code || null,
    firstName: c.first_name || null,
    lastName: c.last_name || null,
    company: c.company_name || null,
    phone: c.phone || null,
  };
}

export function toLightspeedCustomer(input: CustomerInput) {
  return {
    first_name: input.firstName,
    last_name: input.lastName,
    email: input.email,
    phone: input.phone,
    company_name: input.company,
    // customer_code is the store's account number for the customer: Tandem's partner account id.
    ...(input.accountId ? { customer_code: input.accountId } : {}),
  };
}
