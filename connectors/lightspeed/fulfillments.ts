// Shipments of forwarded sales. X-Series records dispatch as fulfillments of a sale (2026-07
// Fulfillments API, `GET /fulfillments?sale_id=`): line items with fulfilled quantities and a state,
// and no carrier or tracking number (the API has no such fields), so the retailer gets the shipment
// without tracking. A fulfillment is reported once FULFILLED, when its quantities are final: the
// engine keys shipments by id and decides their lines once. A sale the store closed without any
// fulfillment record (stores that do not use fulfilment) counts as one shipment of every line.
import type { FulfillmentLine, Sku, TandemFulfillment } from '../sdk/types.ts';
import type { LightspeedClient } from './client.ts';
import type { Sales } from './sales.ts';
import { LightspeedFulfillmentPage, type LightspeedFulfillment } from './schemas.ts';

/** The endpoint's maximum page size. */
const PAGE_SIZE = 100;

export async function listFulfillments(ls: LightspeedClient, sales: Sales, saleId: string): Promise<TandemFulfillment[]> {
  const records: LightspeedFulfillment[] = [];
  for (let page = 1; ; page++) {
    // GET /api/2026-07/fulfillments?sale_id=…&page_number=…&page_size=… (pages end short)
    const { data } = await ls.request({ path: '2026-07/fulfillments', query: { sale_id: saleId, page_number: page, page_size: PAGE_SIZE } }, LightspeedFulfillmentPage);
    records.push(...data.data.filter((f) => f.sale_id === saleId));
    if (data.data.length < PAGE_SIZE) break;
  }
  if (records.length === 0) return closedSaleAsShipment(sales, saleId);

  const done = records.filter((f) => f.state === 'FULFILLED');
  const skuOf = await sales.skusOf(done.flatMap((f) => f.line_items.map((l) => l.product_id)));
  return done.map((f) => ({
    externalId: f.id,
    orderExternalId: saleId,
    createdAt: new Date(f.updated_at),
    lines: f.line_items.flatMap((l): FulfillmentLine[] => {
      const quantity = Number(l.fulfilled_quantity);
      return quantity > 0 ? [{ sku: skuOf(l.product_id), quantity, lineExternalId: l.sale_line_item_id }] : [];
    }),
    carrier: null,
    trackingNumber: null,
    trackingUrl: null,
  }));
}

async function closedSaleAsShipment(sales: Sales, saleId: string): Promise<TandemFulfillment[]> {
  const sale = await sales.sale(saleId);
  if (!sale || sale.state !== 'closed') return [];
  const skuOf = await sales.skusOf(sale.line_items.map((l) => l.product.id));
  return [
    {
      externalId: `sale-${sale.id}`,
      orderExternalId: sale.id,
      createdAt: new Date(sale.updated_at),
      lines: sale.line_items.filter((l) => l.quantity > 0).map((l) => ({ sku: skuOf(l.product.id) as Sku | null, quantity: l.quantity, lineExternalId: l.id })),
      carrier: null,
      trackingNumber: null,
      trackingUrl: null,
    },
  ];
}
