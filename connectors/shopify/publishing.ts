// Publishing an approved draft and price-only writes (ProductWriter.publishProduct and
// updateVariantPrices). publishing.test.ts validates these documents against the 2026-10 schema.
import { gql } from 'graphql-request';
import { z } from 'zod';
import type { VariantPriceWrite } from '../sdk/capabilities.ts';
import { NotFound } from '../sdk/errors.ts';
import type { ShopifyClient } from './client.ts';
import { ShopifyUserError } from './schemas.ts';

/** Shopify names the web storefront's publication "Online Store" (Publication.name, Catalog.title). */
export const ONLINE_STORE = 'Online Store';

// https://shopify.dev/docs/api/admin-graphql/2026-10/queries/publications
export const Publications = gql`
  query TandemPublications {
    publications(first: 50) {
      nodes {
        id
        name
        catalog {
          title
        }
      }
    }
  }
`;

// https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/productUpdate
export const ProductActivate = gql`
  mutation TandemProductActivate($product: ProductUpdateInput!) {
    productUpdate(product: $product) {
      product {
        id
        status
      }
      userErrors {
        field
        message
      }
    }
  }
`;

// https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/publishablePublish
export const PublishablePublish = gql`
  mutation TandemPublishablePublish($id: ID!, $input: [PublicationInput!]!) {
    publishablePublish(id: $id, input: $input) {
      userErrors {
        field
        message
      }
    }
  }
`;

// https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/productVariantsBulkUpdate
export const VariantPricesUpdate = gql`
  mutation TandemVariantPricesUpdate($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
    productVariantsBulkUpdate(productId: $productId, variants: $variants) {
      productVariants {
        id
        price
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export const publishingDocuments = { Publications, ProductActivate, PublishablePublish, VariantPricesUpdate };

const PublicationsData = z.object({
  publications: z.object({ nodes: z.array(z.object({ id: z.string(), name: z.string().nullish(), catalog: z.object({ title: z.string() }).nullish() })) }),
});
const ProductActivateData = z.object({
  productUpdate: z.object({ product: z.object({ id: z.string(), status: z.string() }).nullable(), userErrors: z.array(ShopifyUserError) }).nullable(),
});
const PublishablePublishData = z.object({ publishablePublish: z.object({ userErrors: z.array(ShopifyUserError) }).nullable() });
const VariantPricesUpdateData = z.object({ productVariantsBulkUpdate: z.object({ userErrors: z.array(ShopifyUserError) }).nullable() });

/** Variables for productVariantsBulkUpdate: price and compare-at only, so stock and options stay. */
export function toVariantPriceInputs(prices: VariantPriceWrite[]) {
  return prices.map((p) => ({ id: p.variantExternalId, price: p.price, compareAtPrice: p.compareAtPrice }));
}

export class Publishing {
  private onlineStore: Promise<string> | undefined;

  constructor(private readonly client: ShopifyClient) {}

  /** Sets the draft ACTIVE, then publishes it to the Online Store (ACTIVE alone is not visible). */
  async publishProduct(externalId: string): Promise<void> {
    const doing = `publishing product ${externalId}`;
    const activated = await this.client.request(ProductActivate, { product: { id: externalId, status: 'ACTIVE' } }, ProductActivateData, { doing, retrySafe: true });
    this.client.assertNoUserErrors(activated.productUpdate?.userErrors, 'TandemProductActivate', doing);
    if (!activated.productUpdate?.product) throw NotFound(`Shopify product ${externalId} does not exist`, { connectorId: 'shopify' });
    const publicationId = await this.onlineStorePublication();
    const published = await this.client.request(PublishablePublish, { id: externalId, input: [{ publicationId }] }, PublishablePublishData, { doing, retrySafe: true });
    this.client.assertNoUserErrors(published.publishablePublish?.userErrors, 'TandemPublishablePublish', doing);
  }

  /** One productVariantsBulkUpdate per product (the mutation takes a single productId). */
  async updateVariantPrices(prices: VariantPriceWrite[]): Promise<void> {
    const byProduct = new Map<string, VariantPriceWrite[]>();
    for (const p of prices) byProduct.set(p.productExternalId, [...(byProduct.get(p.productExternalId) ?? []), p]);
    for (const [productId, writes] of byProduct) {
      const doing = `updating ${writes.length} variant price(s) of product ${productId}`;
      // Setting a price twice gives the same result, so a retry after a timeout is safe.
      const data = await this.client.request(VariantPricesUpdate, { productId, variants: toVariantPriceInputs(writes) }, VariantPricesUpdateData, { doing, retrySafe: true });
      this.client.assertNoUserErrors(data.productVariantsBulkUpdate?.userErrors, 'TandemVariantPricesUpdate', doing);
    }
  }

  private onlineStorePublication(): Promise<string> {
    this.onlineStore ??= (async () => {
      const data = await this.client.request(Publications, {}, PublicationsData);
      const found = data.publications.nodes.find((p) => p.catalog?.title === ONLINE_STORE || p.name === ONLINE_STORE);
      if (!found) {
        throw NotFound(`Shop ${this.client.shop} has no "${ONLINE_STORE}" sales channel`, {
          connectorId: 'shopify',
          merchantMessage: `Tandem could not find the Online Store sales channel in ${this.client.shop}. Add the Online Store channel in Shopify, then approve again.`,
        });
      }
      return found.id;
    })().catch((err: unknown) => {
      this.onlineStore = undefined;
      throw err;
    });
    return this.onlineStore;
  }
}
