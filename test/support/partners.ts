// A supplier and a retailer, each a Shopify shop in one in-process simulator, connected to Tandem
// and partnered: the starting point of every catalog-sync test (and of the benches' shops).
import type { Db } from '../../app/db.server.ts';
import { sealCredentials } from '../../app/sync/connections.server.ts';
import type { ShopifySimulator, SeedProduct } from '../../simulators/shopify/index.ts';
import { addVariant, removeVariant, setProductImages, touchProduct } from '../../simulators/shopify/catalog.ts';
import { idOf } from '../../simulators/shopify/ids.ts';

type SimulatorPlan = NonNullable<Parameters<ShopifySimulator['createShop']>[0]['plan']>;

export interface PartnersOptions {
  supplierDomain?: string;
  retailerDomain?: string;
  forceOverwrite?: boolean;
  pricingRule?: Record<string, unknown>;
}

export interface Partners {
  supplierShopId: string;
  retailerShopId: string;
  supplierConnectionId: string;
  retailerConnectionId: string;
  partnershipId: string;
  supplierDomain: string;
  retailerDomain: string;
}

/**
 * A simulator shop (created if absent) installed in Tandem: its Shop row and its store Connection.
 * `plan` sets the shop's Shopify plan (its cost limits) when the shop is new; the benches use it.
 */
export async function connectShopifyStore(db: Db, sim: ShopifySimulator, domain: string, role: 'SUPPLIER' | 'RETAILER', plan?: SimulatorPlan) {
  sim.createShop({ domain, ...(plan ? { plan } : {}) });
  const token = sim.issueToken(domain).access_token;
  const shop = await db.shop.create({ data: { domain, role } });
  const connection = await db.connection.create({
    data: {
      shopId: shop.id,
      platform: 'shopify',
      externalAccount: domain,
      credentials: sealCredentials({ accessToken: token }),
      config: { shop: domain, baseUrlOverride: sim.url },
      purposes: [role === 'SUPPLIER' ? 'catalog_source' : 'catalog_target'],
    },
  });
  return { shop, connection };
}

/** Creates both simulator shops (if absent), their Shop and Connection rows, and an ACTIVE partnership. */
export async function createPartners(db: Db, sim: ShopifySimulator, options: PartnersOptions = {}): Promise<Partners> {
  const supplierDomain = options.supplierDomain ?? 'supplier.myshopify.com';
  const retailerDomain = options.retailerDomain ?? 'retailer.myshopify.com';
  const shops = await Promise.all([connectShopifyStore(db, sim, supplierDomain, 'SUPPLIER'), connectShopifyStore(db, sim, retailerDomain, 'RETAILER')]);
  const [supplier, retailer] = shops as [(typeof shops)[number], (typeof shops)[number]];
  const partnership = await db.partnership.create({
    data: {
      supplierShopId: supplier.shop.id,
      retailerShopId: retailer.shop.id,
      invitedByShopId: supplier.shop.id,
      status: 'ACTIVE',
      acceptedAt: new Date(),
      forceOverwrite: options.forceOverwrite ?? false,
      pricingRule: (options.pricingRule ?? { markupPercent: 100 }) as object,
      sourceConnectionId: supplier.connection.id,
      targetConnectionId: retailer.connection.id,
    },
  });
  return {
    supplierShopId: supplier.shop.id,
    retailerShopId: retailer.shop.id,
    supplierConnectionId: supplier.connection.id,
    retailerConnectionId: retailer.connection.id,
    partnershipId: partnership.id,
    supplierDomain,
    retailerDomain,
  };
}

/** A product with one variant per SKU (options "Size"), priced at `price` wholesale. */
export function productWith(title: string, skus: string[], price = '10.00', extra: Partial<SeedProduct> = {}): SeedProduct {
  return {
    title,
    descriptionHtml: `<p>${title}</p>`,
    options: [{ name: 'Size', values: skus.map((_, i) => `S${i + 1}`) }],
    variants: skus.map((sku, i) => ({ sku, price, available: 5, title: `S${i + 1}`, selectedOptions: [{ name: 'Size', value: `S${i + 1}` }] })),
    ...extra,
  };
}

export interface ProductEdit {
  title?: string;
  description?: string;
  /** The product's whole image list, by URL. */
  images?: { url: string; altText?: string | null }[];
  /** Option values renamed, on the product and on its variants: `{ S1: 'Small' }`. */
  optionValues?: Record<string, string>;
  price?: string;
  skus?: Record<string, string>;
}

/** The merchant edits a product in their Shopify admin (updatedAt moves, as Shopify stamps it). */
export function editProduct(sim: ShopifySimulator, domain: string, productGid: string, change: ProductEdit) {
  const shop = sim.shop(domain);
  const product = shop.products.get(idOf('Product', productGid) ?? -1);
  if (!product) throw new Error(`No product ${productGid} in ${domain}`);
  if (change.title !== undefined) product.title = change.title;
  if (change.description !== undefined) product.descriptionHtml = change.description;
  if (change.images !== undefined) setProductImages(sim.sim, product, change.images);
  const renamed = change.optionValues;
  if (renamed) {
    product.options = product.options.map((o) => ({ name: o.name, values: o.values.map((v) => renamed[v] ?? v) }));
    for (const id of product.variantIds) {
      const variant = shop.variants.get(id)!;
      variant.selectedOptions = variant.selectedOptions.map((o) => ({ name: o.name, value: renamed[o.value] ?? o.value }));
      variant.title = variant.selectedOptions.map((o) => o.value).join(' / ');
      variant.updatedAt = new Date(sim.clock.nowMs()).toISOString();
    }
  }
  if (change.price !== undefined) {
    for (const id of product.variantIds) {
      const variant = shop.variants.get(id)!;
      variant.price = change.price;
      variant.updatedAt = new Date(sim.clock.nowMs()).toISOString();
    }
  }
  for (const id of product.variantIds) {
    const variant = shop.variants.get(id)!;
    const renamed = variant.sku ? change.skus?.[variant.sku] : undefined;
    if (renamed) {
      variant.sku = renamed;
      variant.updatedAt = new Date(sim.clock.nowMs()).toISOString();
    }
  }
  touchProduct(sim.sim, shop, product);
}

/** The merchant deletes a product in their Shopify admin. */
export function deleteProduct(sim: ShopifySimulator, domain: string, productGid: string) {
  const shop = sim.shop(domain);
  const product = shop.products.get(idOf('Product', productGid) ?? -1);
  if (!product) throw new Error(`No product ${productGid} in ${domain}`);
  for (const id of [...product.variantIds]) removeVariant(shop, product, id);
  shop.products.delete(product.id);
}

/** The merchant adds a variant (option "Size" = `size`) to an existing product. */
export function addVariantTo(sim: ShopifySimulator, domain: string, productGid: string, variant: { sku: string; size: string; price: string }) {
  const shop = sim.shop(domain);
  const product = shop.products.get(idOf('Product', productGid) ?? -1);
  if (!product) throw new Error(`No product ${productGid} in ${domain}`);
  addVariant(sim.sim, shop, product, { sku: variant.sku, price: variant.price, title: variant.size, selectedOptions: [{ name: 'Size', value: variant.size }] });
  touchProduct(sim.sim, shop, product);
}
