// Seeding, inspection and fault injection for tests and the demo. The same operations back the
// HTTP control API (control-routes.ts) and the object returned by startShopifySimulator.
import type { DeliveryFaults } from '../common/webhooks.ts';
import { addLocation, bucketOf, createShop, seedProduct, setPlan, variantsBySku, type SeedProduct, type ShopInput } from './catalog.ts';
import type { Sim } from './context.ts';
import { gid, idOf } from './ids.ts';
import { issueOfflineToken, mintSessionToken, revokeTokens } from './oauth.ts';
import { cancelOrder, createFulfillment, createOrder, FulfillmentRefused } from './orders.ts';
import { shopPayload } from './payloads.ts';
import { levelsOfItem, quantityOf } from './resolvers/inventory-math.ts';
import { findOrCreateCustomerRecord } from './customers.ts';
import { API_VERSION } from './schema.ts';
import { resetState, type AddressRecord, type AppConfig, type BucketConfig, type OrderRecord, type PlanName, type ProductRecord, type ShopRecord, type WebhookSubscription } from './state.ts';

export class UnknownShop extends Error {
  constructor(readonly domain: string) {
    super(`No shop ${domain} in the Shopify simulator: create it first (POST /_control/shops).`);
  }
}

export class UnknownSku extends Error {
  constructor(
    readonly domain: string,
    readonly sku: string,
  ) {
    super(`No variant with SKU ${sku} in ${domain}.`);
  }
}

export class UnknownOrder extends Error {
  constructor(
    readonly domain: string,
    readonly order: string,
  ) {
    super(`No order ${order} in ${domain}.`);
  }
}

/** Tracking the merchant types when marking an order fulfilled in the admin. */
export interface ShipmentTracking {
  company?: string;
  number?: string;
  url?: string;
}

export interface StorefrontOrder {
  lineItems: { sku: string; quantity: number }[];
  email?: string;
  shippingAddress?: AddressRecord;
  tags?: string[];
  note?: string;
}

export interface InventoryRow {
  sku: string | null;
  variantId: string;
  inventoryItemId: string;
  locationId: string;
  locationName: string;
  available: number;
  committed: number;
  onHand: number;
}

export class ShopifyControl {
  constructor(private readonly sim: Sim) {}

  shop(domain: string): ShopRecord {
    const shop = this.sim.state.shops.get(domain);
    if (!shop) throw new UnknownShop(domain);
    return shop;
  }

  // App (the shopify.app.toml equivalent)
  app(): AppConfig {
    return this.sim.state.app;
  }

  configureApp(patch: Partial<AppConfig>): AppConfig {
    Object.assign(this.sim.state.app, patch);
    if (patch.webhooks) this.sim.state.app.webhooks = [...patch.webhooks];
    return this.sim.state.app;
  }

  setWebhookSubscriptions(subscriptions: (WebhookSubscription | { topics: string[]; uri: string })[]): WebhookSubscription[] {
    this.sim.state.app.webhooks = subscriptions.flatMap((s) => ('topics' in s ? s.topics.map((topic) => ({ topic, uri: s.uri })) : [s]));
    return this.sim.state.app.webhooks;
  }

  // Shops
  createShop(input: ShopInput) {
    return this.shopSummary(createShop(this.sim, input));
  }

  listShops() {
    return [...this.sim.state.shops.values()].map((s) => this.shopSummary(s));
  }

  shopSummary(shop: ShopRecord) {
    return {
      domain: shop.domain,
      id: gid('Shop', shop.id),
      name: shop.name,
      plan: shop.plan,
      ianaTimezone: shop.ianaTimezone,
      currencyCode: shop.currencyCode,
      installed: shop.installed,
      bucket: bucketOf(this.sim, shop).status(this.sim.clock.nowMs()),
      locations: shop.locations.map((l) => ({ id: gid('Location', l.id), name: l.name, isActive: l.isActive })),
      publications: shop.publications.map((p) => ({ id: gid('Publication', p.id), name: p.name })),
      graphqlUrl: `${this.sim.baseUrl()}/store/${shop.domain}/admin/api/${API_VERSION}/graphql.json`,
    };
  }

  setPlan(domain: string, plan?: PlanName, bucket?: Partial<BucketConfig>) {
    setPlan(this.sim, this.shop(domain), plan, bucket);
    return this.shopSummary(this.shop(domain));
  }

  addLocation(domain: string, name: string) {
    const loc = addLocation(this.sim, this.shop(domain), name);
    return { id: gid('Location', loc.id), name: loc.name };
  }

  uninstall(domain: string) {
    const shop = this.shop(domain);
    revokeTokens(this.sim, shop);
    this.sim.webhooks.emit(shop, 'app/uninstalled', shopPayload(shop));
    shop.installed = false;
  }

  // Auth
  issueToken(domain: string, options: { expiring?: boolean; scope?: string } = {}) {
    return issueOfflineToken(this.sim, this.shop(domain), options) as { access_token: string; scope: string; expires_in?: number; refresh_token?: string };
  }

  sessionToken(domain: string, sub = '1', overrides: Record<string, unknown> = {}) {
    return mintSessionToken(this.sim, domain, sub, overrides);
  }

  // Catalog and stock
  seedProducts(domain: string, products: SeedProduct[]) {
    const shop = this.shop(domain);
    return products.map((p) => this.productSummary(shop, seedProduct(this.sim, shop, p)));
  }

  products(domain: string) {
    const shop = this.shop(domain);
    return [...shop.products.values()].map((p) => this.productSummary(shop, p));
  }

  private productSummary(shop: ShopRecord, p: ProductRecord) {
    return {
      id: gid('Product', p.id),
      title: p.title,
      handle: p.handle,
      status: p.status,
      tags: p.tags,
      descriptionHtml: p.descriptionHtml,
      options: p.options.map((o) => ({ name: o.name, values: [...o.values] })),
      images: p.media.map((m) => ({ url: m.url, altText: m.altText })),
      publishedOn: p.publicationIds.map((id) => gid('Publication', id)),
      updatedAt: p.updatedAt,
      variants: p.variantIds.map((id) => {
        const v = shop.variants.get(id)!;
        return { id: gid('ProductVariant', v.id), sku: v.sku, title: v.title, price: v.price, inventoryItemId: gid('InventoryItem', v.inventoryItemId), available: this.levelsOf(shop, v.inventoryItemId).reduce((s, l) => s + l.available, 0) };
      }),
    };
  }

  private levelsOf(shop: ShopRecord, itemId: number) {
    return levelsOfItem(shop, itemId);
  }

  inventoryBySku(domain: string, sku: string): InventoryRow[] {
    const shop = this.shop(domain);
    return variantsBySku(shop, sku).flatMap((v) =>
      this.levelsOf(shop, v.inventoryItemId).map((l) => ({
        sku: v.sku,
        variantId: gid('ProductVariant', v.id),
        inventoryItemId: gid('InventoryItem', v.inventoryItemId),
        locationId: gid('Location', l.locationId),
        locationName: shop.locations.find((x) => x.id === l.locationId)?.name ?? '',
        available: quantityOf(l, 'available'),
        committed: quantityOf(l, 'committed'),
        onHand: quantityOf(l, 'on_hand'),
      })),
    );
  }

  inventory(domain: string): InventoryRow[] {
    const shop = this.shop(domain);
    const skus = [...new Set([...shop.variants.values()].map((v) => v.sku).filter((s): s is string => Boolean(s)))];
    return skus.flatMap((sku) => this.inventoryBySku(domain, sku));
  }

  // Orders
  /** A customer checks out in the storefront: stock is committed and orders/create fires. */
  placeOrder(domain: string, order: StorefrontOrder) {
    const shop = this.shop(domain);
    const lineItems = order.lineItems.map((li) => {
      const variant = variantsBySku(shop, li.sku)[0];
      if (!variant) throw new UnknownSku(domain, li.sku);
      return { variantId: variant.id, quantity: li.quantity };
    });
    const customerId = order.email ? findOrCreateCustomerRecord(this.sim, shop, { email: order.email }).id : null;
    const created = createOrder(this.sim, shop, {
      lineItems,
      email: order.email,
      shippingAddress: order.shippingAddress,
      tags: order.tags,
      note: order.note,
      customerId,
      sourceName: 'web',
      inventory: 'commit',
    });
    return this.orderSummary(shop, created);
  }

  /** The merchant cancels an order in the admin, restocking it; orders/updated fires. */
  cancelOrder(domain: string, order: string) {
    const shop = this.shop(domain);
    const id = idOf('Order', order) ?? (/^\d+$/.test(order) ? Number(order) : null);
    const record = id === null ? undefined : shop.orders.get(id);
    if (!record) throw new UnknownOrder(domain, order);
    return this.orderSummary(shop, cancelOrder(this.sim, shop, record));
  }

  orders(domain: string) {
    const shop = this.shop(domain);
    return [...shop.orders.values()].map((o) => this.orderSummary(shop, o));
  }

  private orderSummary(shop: ShopRecord, o: OrderRecord) {
    const fulfillments = [...shop.fulfillments.values()].filter((f) => f.orderId === o.id);
    const fulfilled = (lineItemId: number) => fulfillments.flatMap((f) => f.lineItems).filter((x) => x.lineItemId === lineItemId).reduce((s, x) => s + x.quantity, 0);
    return {
      id: gid('Order', o.id),
      name: o.name,
      email: o.email,
      tags: o.tags,
      sourceIdentifier: o.sourceIdentifier,
      sourceName: o.sourceName,
      createdAt: o.createdAt,
      updatedAt: o.updatedAt,
      cancelledAt: o.cancelledAt,
      shippingAddress: o.shippingAddress,
      metafields: [...shop.metafields.values()].filter((m) => m.ownerGid === gid('Order', o.id)).map((m) => ({ namespace: m.namespace, key: m.key, type: m.type, value: m.value })),
      lineItems: o.lineItems.map((li) => ({ id: gid('LineItem', li.id), sku: li.sku, quantity: li.quantity, fulfilled: fulfilled(li.id) })),
      fulfillmentOrders: [...shop.fulfillmentOrders.values()].filter((f) => f.orderId === o.id).map((f) => ({ id: gid('FulfillmentOrder', f.id), status: f.status, lineItems: f.lineItems.map((li) => ({ id: gid('FulfillmentOrderLineItem', li.id), totalQuantity: li.totalQuantity, remainingQuantity: li.remainingQuantity })) })),
      fulfillments: fulfillments.map((f) => ({ id: gid('Fulfillment', f.id), name: f.name, tracking: f.tracking, lineItems: f.lineItems.map((x) => ({ lineItemId: gid('LineItem', x.lineItemId), quantity: x.quantity })) })),
    };
  }

  /**
   * The merchant marks an order fulfilled in the Shopify admin: every line still open, with the
   * tracking given. Fires fulfillments/create and orders/updated like the Admin API's
   * fulfillmentCreate. `order` is the order's gid or its numeric id.
   */
  shipOrder(domain: string, order: string, tracking: ShipmentTracking = {}) {
    const shop = this.shop(domain);
    const id = idOf('Order', order) ?? (/^\d+$/.test(order) ? Number(order) : null);
    const record = id === null ? undefined : shop.orders.get(id);
    if (!record) throw new UnknownOrder(domain, order);
    const open = [...shop.fulfillmentOrders.values()].filter((fo) => fo.orderId === record.id && fo.status !== 'CLOSED' && fo.status !== 'CANCELLED' && fo.lineItems.some((l) => l.remainingQuantity > 0));
    if (open.length === 0) throw new FulfillmentRefused(`Order ${record.name} has nothing left to fulfil.`, ['order']);
    const created = createFulfillment(this.sim, shop, { lineItemsByFulfillmentOrder: open.map((fo) => ({ fulfillmentOrderId: fo.id })), trackingInfo: tracking });
    return this.fulfillments(domain).find((f) => f.id === gid('Fulfillment', created.id))!;
  }

  fulfillments(domain: string) {
    return this.orders(domain).flatMap((o) => o.fulfillments.map((f) => ({ ...f, orderId: o.id, orderName: o.name })));
  }

  // API calls
  calls(domain: string) {
    const log = this.shop(domain).calls;
    const byRootField: Record<string, number> = {};
    for (const c of log) for (const f of c.rootFields) byRootField[f] = (byRootField[f] ?? 0) + 1;
    return {
      log,
      counts: {
        total: log.length,
        throttled: log.filter((c) => c.throttled).length,
        unauthorized: log.filter((c) => c.status === 401).length,
        costCharged: log.reduce((s, c) => s + (c.actualQueryCost ?? 0), 0),
        byRootField,
      },
    };
  }

  // Webhook delivery
  setDeliveryFaults(faults: Partial<DeliveryFaults>) {
    Object.assign(this.sim.webhooks.sender.faults, faults);
    return this.sim.webhooks.sender.faults;
  }

  deliveries() {
    return this.sim.webhooks.sender.log;
  }

  drainWebhooks() {
    return this.sim.webhooks.sender.drain();
  }

  reset() {
    for (const t of this.sim.timers) clearTimeout(t);
    this.sim.timers.clear();
    resetState(this.sim.state, this.sim.initialApp);
    this.sim.buckets.clear();
    this.sim.webhooks.sender.reset();
  }
}
