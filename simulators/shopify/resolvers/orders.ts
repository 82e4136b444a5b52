// orderCreate (external reference via sourceIdentifier, tags, metafields) and fulfillmentCreate.
import { nowIso, type GqlContext } from '../context.ts';
import { orderPayload } from '../payloads.ts';
import { findOrCreateCustomerRecord, upsertCustomerRecord } from '../customers.ts';
import { idOf } from '../ids.ts';
import { createFulfillment, createOrder, FulfillmentRefused, type FulfillmentRequest, type NewLineItem } from '../orders.ts';
import type { AddressRecord } from '../state.ts';
import { availableOfItem } from './inventory-math.ts';
import { upsertMetafields, type MetafieldWrite } from './metafields.ts';
import { userError, type UserErrorShape } from './user-errors.ts';
import { fulfillmentView, orderView } from './views.ts';

interface OrderCreateInput {
  lineItems?: { variantId?: string | null; quantity: number; title?: string | null; sku?: string | null; priceSet?: { shopMoney?: { amount: string } | null } | null; variantTitle?: string | null; vendor?: string | null }[] | null;
  email?: string | null;
  phone?: string | null;
  note?: string | null;
  tags?: string[] | null;
  currency?: string | null;
  shippingAddress?: AddressRecord | null;
  billingAddress?: AddressRecord | null;
  sourceIdentifier?: string | null;
  sourceName?: string | null;
  sourceUrl?: string | null;
  poNumber?: string | null;
  financialStatus?: string | null;
  test?: boolean | null;
  metafields?: { namespace?: string | null; key?: string | null; type?: string | null; value?: string | null }[] | null;
  customer?: { toAssociate?: { id?: string | null; email?: string | null } | null; toUpsert?: { id?: string | null; email?: string | null; firstName?: string | null; lastName?: string | null; phone?: string | null; note?: string | null; tags?: string[] | null } | null } | null;
}

function orderCreate(ctx: GqlContext, args: { order: OrderCreateInput; options?: { inventoryBehaviour?: string | null } | null }) {
  const input = args.order;
  const errors: UserErrorShape[] = [];
  const lineItems: NewLineItem[] = [];
  for (const [i, li] of (input.lineItems ?? []).entries()) {
    if (li.variantId) {
      const variantId = idOf('ProductVariant', li.variantId);
      if (!variantId || !ctx.shop.variants.has(variantId)) {
        errors.push(userError(['order', 'lineItems', i, 'variantId'], 'Variant does not exist', 'INVALID'));
        continue;
      }
      lineItems.push({ variantId, quantity: li.quantity, price: li.priceSet?.shopMoney?.amount });
    } else {
      if (!li.title) errors.push(userError(['order', 'lineItems', i, 'title'], 'Title must be provided for custom line items', 'INVALID'));
      lineItems.push({ quantity: li.quantity, title: li.title, sku: li.sku, price: li.priceSet?.shopMoney?.amount, variantTitle: li.variantTitle, vendor: li.vendor });
    }
    if (li.quantity <= 0) errors.push(userError(['order', 'lineItems', i, 'quantity'], 'Quantity must be greater than 0', 'INVALID'));
  }
  if (!lineItems.length && !errors.length) errors.push(userError(['order', 'lineItems'], 'Line items must have at least one line item', 'INVALID'));
  const behaviour = args.options?.inventoryBehaviour ?? 'BYPASS';
  if (behaviour === 'DECREMENT_OBEYING_POLICY') {
    for (const li of lineItems) {
      const v = li.variantId ? ctx.shop.variants.get(li.variantId) : undefined;
      if (!v || v.inventoryPolicy === 'CONTINUE') continue;
      const available = availableOfItem(ctx.shop, v.inventoryItemId);
      if (available < li.quantity) errors.push(userError(['options', 'inventoryBehaviour'], `Unable to reserve inventory for ${v.sku ?? v.title}: not enough stock.`, 'INVENTORY_CLAIM_FAILED'));
    }
  }
  if (errors.length) return { order: null, userErrors: errors };
  let customerId: number | null = null;
  if (input.customer?.toAssociate) {
    const c = input.customer.toAssociate.id ? ctx.shop.customers.get(idOf('Customer', input.customer.toAssociate.id) ?? -1) : [...ctx.shop.customers.values()].find((x) => x.email === input.customer!.toAssociate!.email);
    if (!c) return { order: null, userErrors: [userError(['order', 'customer', 'toAssociate'], 'Customer does not exist', 'INVALID')] };
    customerId = c.id;
  } else if (input.customer?.toUpsert) {
    const c = upsertCustomerRecord(ctx.sim, ctx.shop, input.customer.toUpsert);
    if (!c) return { order: null, userErrors: [userError(['order', 'customer', 'toUpsert', 'id'], 'Customer does not exist', 'INVALID')] };
    customerId = c.id;
  } else if (input.email) {
    customerId = findOrCreateCustomerRecord(ctx.sim, ctx.shop, { email: input.email }).id;
  }
  const order = createOrder(ctx.sim, ctx.shop, {
    lineItems,
    email: input.email,
    phone: input.phone,
    note: input.note,
    tags: input.tags ?? [],
    currencyCode: input.currency,
    shippingAddress: input.shippingAddress,
    billingAddress: input.billingAddress,
    customerId,
    sourceIdentifier: input.sourceIdentifier,
    sourceName: input.sourceName,
    sourceUrl: input.sourceUrl,
    poNumber: input.poNumber,
    financialStatus: input.financialStatus === 'PENDING' ? 'PENDING' : input.financialStatus === 'AUTHORIZED' ? 'AUTHORIZED' : 'PAID',
    test: input.test ?? false,
    inventory: behaviour === 'BYPASS' ? 'bypass' : 'commit',
  });
  if (input.metafields?.length) {
    const writes: MetafieldWrite[] = input.metafields.map((m) => ({ ownerId: `gid://shopify/Order/${order.id}`, namespace: m.namespace ?? undefined, key: m.key ?? '', type: m.type ?? 'single_line_text_field', value: m.value ?? '' }));
    upsertMetafields(ctx, writes);
  }
  return { order: orderView(ctx, order), userErrors: [] };
}

function fulfillmentCreateMutation(ctx: GqlContext, args: { fulfillment: { lineItemsByFulfillmentOrder: { fulfillmentOrderId: string; fulfillmentOrderLineItems?: { id: string; quantity: number }[] | null }[]; trackingInfo?: FulfillmentRequest['trackingInfo'] } }) {
  const request: FulfillmentRequest = {
    lineItemsByFulfillmentOrder: args.fulfillment.lineItemsByFulfillmentOrder.map((g) => ({
      fulfillmentOrderId: idOf('FulfillmentOrder', g.fulfillmentOrderId) ?? -1,
      fulfillmentOrderLineItems: g.fulfillmentOrderLineItems?.map((li) => ({ id: idOf('FulfillmentOrderLineItem', li.id) ?? -1, quantity: li.quantity })) ?? null,
    })),
    trackingInfo: args.fulfillment.trackingInfo,
  };
  if (!request.lineItemsByFulfillmentOrder.length) return { fulfillment: null, userErrors: [userError(['fulfillment', 'lineItemsByFulfillmentOrder'], 'Line items by fulfillment order must not be empty.')] };
  try {
    const f = createFulfillment(ctx.sim, ctx.shop, request);
    return { fulfillment: fulfillmentView(ctx, f), userErrors: [] };
  } catch (err) {
    if (err instanceof FulfillmentRefused) return { fulfillment: null, userErrors: [userError(err.field, err.message)] };
    throw err;
  }
}

interface OrderUpdateInput {
  id: string;
  email?: string | null;
  phone?: string | null;
  note?: string | null;
  poNumber?: string | null;
  tags?: string[] | null;
  shippingAddress?: AddressRecord | null;
  metafields?: { namespace?: string | null; key?: string | null; type?: string | null; value?: string | null }[] | null;
}

function orderUpdate(ctx: GqlContext, args: { input: OrderUpdateInput }) {
  const input = args.input;
  const order = ctx.shop.orders.get(idOf('Order', input.id) ?? -1);
  if (!order) return { order: null, userErrors: [userError(['id'], 'Order does not exist')] };
  if (input.email !== undefined) order.email = input.email;
  if (input.phone !== undefined) order.phone = input.phone;
  if (input.note !== undefined) order.note = input.note;
  if (input.poNumber !== undefined) order.poNumber = input.poNumber;
  // tags and shippingAddress overwrite the existing ones (schema, OrderInput).
  if (input.tags) order.tags = [...input.tags];
  if (input.shippingAddress) order.shippingAddress = { ...input.shippingAddress };
  if (input.metafields?.length) {
    upsertMetafields(
      ctx,
      input.metafields.map((m) => ({ ownerId: `gid://shopify/Order/${order.id}`, namespace: m.namespace ?? undefined, key: m.key ?? '', type: m.type ?? 'single_line_text_field', value: m.value ?? '' })),
    );
  }
  order.updatedAt = nowIso(ctx.sim);
  ctx.sim.webhooks.emit(ctx.shop, 'orders/updated', orderPayload(ctx.shop, order));
  return { order: orderView(ctx, order), userErrors: [] };
}

export function orderMutations(ctx: GqlContext) {
  return {
    orderUpdate: (args: { input: OrderUpdateInput }) => orderUpdate(ctx, args),
    orderCreate: (args: Parameters<typeof orderCreate>[1]) => orderCreate(ctx, args),
    fulfillmentCreate: (args: Parameters<typeof fulfillmentCreateMutation>[1]) => fulfillmentCreateMutation(ctx, args),
  };
}
