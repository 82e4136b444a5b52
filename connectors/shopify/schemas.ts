// Shopify Admin GraphQL payloads as the connector's documents select them, parsed at the edge.
import { z } from 'zod';

export const ShopifyPageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });

export const ShopifyUserError = z.object({
  field: z.array(z.string()).nullable().optional(),
  message: z.string(),
  code: z.string().nullable().optional(),
});
export type ShopifyUserError = z.infer<typeof ShopifyUserError>;

export const ShopifyVariant = z.object({
  id: z.string(),
  sku: z.string().nullable(),
  title: z.string(),
  price: z.string(),
  compareAtPrice: z.string().nullable(),
  barcode: z.string().nullable(),
  updatedAt: z.string(),
  inventoryQuantity: z.number().nullable(),
  selectedOptions: z.array(z.object({ name: z.string(), value: z.string() })),
  inventoryItem: z.object({ id: z.string() }).nullable(),
  product: z.object({ id: z.string(), title: z.string() }).optional(),
});
export type ShopifyVariant = z.infer<typeof ShopifyVariant>;

const variantPage = z.object({ nodes: z.array(ShopifyVariant), pageInfo: ShopifyPageInfo });

/** One product media node; `image` is absent for other media and null while Shopify processes an upload. */
export const ShopifyMedia = z.object({
  mediaContentType: z.string(),
  image: z.object({ url: z.string(), altText: z.string().nullable() }).nullable().optional(),
});
export type ShopifyMedia = z.infer<typeof ShopifyMedia>;

const mediaPage = z.object({ nodes: z.array(ShopifyMedia), pageInfo: ShopifyPageInfo });

export const ShopifyProduct = z.object({
  id: z.string(),
  title: z.string(),
  descriptionHtml: z.string(),
  vendor: z.string().nullable(),
  productType: z.string().nullable(),
  tags: z.array(z.string()),
  updatedAt: z.string(),
  options: z.array(z.object({ name: z.string(), values: z.array(z.string()) })),
  externalReference: z.object({ value: z.string() }).nullable().optional(),
  variants: variantPage,
  media: mediaPage,
});
export type ShopifyProduct = z.infer<typeof ShopifyProduct>;

const shopMoney = z.object({ shopMoney: z.object({ amount: z.string() }) });

export const ShopifyOrderLine = z.object({
  id: z.string(),
  sku: z.string().nullable(),
  title: z.string(),
  quantity: z.number().int(),
  originalUnitPriceSet: shopMoney,
  variant: z.object({ id: z.string() }).nullable(),
});

export const ShopifyAddress = z.object({
  name: z.string().nullable(),
  company: z.string().nullable(),
  address1: z.string().nullable(),
  address2: z.string().nullable(),
  city: z.string().nullable(),
  province: z.string().nullable(),
  provinceCode: z.string().nullable(),
  zip: z.string().nullable(),
  country: z.string().nullable(),
  countryCodeV2: z.string().nullable(),
  phone: z.string().nullable(),
});

const linePage = z.object({ nodes: z.array(ShopifyOrderLine), pageInfo: ShopifyPageInfo });

export const ShopifyOrder = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  cancelledAt: z.string().nullable(),
  currencyCode: z.string(),
  email: z.string().nullable(),
  tags: z.array(z.string()),
  sourceIdentifier: z.string().nullable(),
  totalPriceSet: shopMoney,
  customer: z.object({ id: z.string(), email: z.string().nullable() }).nullable(),
  shippingAddress: ShopifyAddress.nullable(),
  lineItems: linePage,
});
export type ShopifyOrder = z.infer<typeof ShopifyOrder>;

export const ShopifyCustomer = z.object({
  id: z.string(),
  email: z.string().nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  phone: z.string().nullable(),
  tags: z.array(z.string()),
  defaultAddress: z.object({ company: z.string().nullable() }).nullable(),
});
export type ShopifyCustomer = z.infer<typeof ShopifyCustomer>;

export const ShopifyFulfillment = z.object({
  id: z.string(),
  createdAt: z.string(),
  trackingInfo: z.array(z.object({ company: z.string().nullable(), number: z.string().nullable(), url: z.string().nullable() })),
  fulfillmentLineItems: z.object({
    nodes: z.array(z.object({ quantity: z.number().int(), lineItem: z.object({ id: z.string(), sku: z.string().nullable() }) })),
  }),
});
export type ShopifyFulfillment = z.infer<typeof ShopifyFulfillment>;

export const ShopifyCost = z.object({
  requestedQueryCost: z.number().nullable().optional(),
  actualQueryCost: z.number().nullable().optional(),
  throttleStatus: z.object({ maximumAvailable: z.number(), currentlyAvailable: z.number(), restoreRate: z.number() }),
});
export type ShopifyCost = z.infer<typeof ShopifyCost>;

// --- Operation results ---

export const PrimaryLocationData = z.object({ location: z.object({ id: z.string() }).nullable() });

export const ChangedProductsData = z.object({ products: z.object({ nodes: z.array(ShopifyProduct), pageInfo: ShopifyPageInfo }) });
export const ProductVariantsAfterData = z.object({ product: z.object({ variants: variantPage }).nullable() });
export const ProductMediaAfterData = z.object({ product: z.object({ media: mediaPage }).nullable() });
export const ChangedVariantsData = z.object({ productVariants: variantPage });
export const ProductSetData = z.object({
  productSet: z.object({ product: ShopifyProduct.nullable(), userErrors: z.array(ShopifyUserError) }).nullable(),
});

export const InventoryLevelsData = z.object({
  nodes: z.array(
    z
      .object({
        id: z.string().optional(),
        variant: z.object({ id: z.string(), sku: z.string().nullable() }).nullable().optional(),
        inventoryLevel: z.object({ quantities: z.array(z.object({ name: z.string(), quantity: z.number() })) }).nullable().optional(),
      })
      .nullable(),
  ),
});
export const InventorySetData = z.object({
  inventorySetQuantities: z.object({ inventoryAdjustmentGroup: z.object({ id: z.string() }).nullable(), userErrors: z.array(ShopifyUserError) }).nullable(),
});

export const ChangedOrdersData = z.object({ orders: z.object({ nodes: z.array(ShopifyOrder), pageInfo: ShopifyPageInfo }) });
export const OrderLinesAfterData = z.object({ order: z.object({ lineItems: linePage }).nullable() });
export const OrderCreateData = z.object({
  orderCreate: z.object({ order: ShopifyOrder.nullable(), userErrors: z.array(ShopifyUserError) }).nullable(),
});

export const OrderFulfillmentsData = z.object({
  order: z
    .object({
      id: z.string(),
      fulfillments: z.array(ShopifyFulfillment),
      fulfillmentOrders: z.object({
        nodes: z.array(
          z.object({
            id: z.string(),
            status: z.string(),
            lineItems: z.object({
              nodes: z.array(z.object({ id: z.string(), remainingQuantity: z.number().int(), lineItem: z.object({ id: z.string(), sku: z.string().nullable() }) })),
            }),
          }),
        ),
      }),
    })
    .nullable(),
});
export const FulfillmentCreateData = z.object({
  fulfillmentCreate: z.object({ fulfillment: ShopifyFulfillment.nullable(), userErrors: z.array(ShopifyUserError) }).nullable(),
});

export const FindCustomersData = z.object({ customers: z.object({ nodes: z.array(ShopifyCustomer) }) });
export const CustomerCreateData = z.object({
  customerCreate: z.object({ customer: ShopifyCustomer.nullable(), userErrors: z.array(ShopifyUserError) }).nullable(),
});

export const BulkRunData = z.object({
  bulkOperationRunQuery: z
    .object({ bulkOperation: z.object({ id: z.string(), status: z.string() }).nullable(), userErrors: z.array(ShopifyUserError) })
    .nullable(),
});
export const BulkStatusData = z.object({
  bulkOperation: z
    .object({
      id: z.string(),
      status: z.string(),
      errorCode: z.string().nullable(),
      url: z.string().nullable(),
      partialDataUrl: z.string().nullable(),
      objectCount: z.union([z.string(), z.number()]).nullable(),
    })
    .nullable(),
});

/** The webhook payload fields Tandem reads (ids may exceed 2^53: read them from the raw body). */
export const ShopifyWebhookPayload = z.looseObject({
  admin_graphql_api_id: z.string().optional(),
  status: z.string().optional(),
  available: z.number().nullable().optional(),
});

export const VariantInventoryItemsData = z.object({
  nodes: z.array(
    z.object({ id: z.string().optional(), sku: z.string().nullable().optional(), inventoryItem: z.object({ id: z.string() }).nullable().optional() }).nullable(),
  ),
});
export const ProductsByQueryData = z.object({ products: z.object({ nodes: z.array(ShopifyProduct) }) });
export const OrdersByQueryData = z.object({ orders: z.object({ nodes: z.array(ShopifyOrder) }) });

/** One line of the stock export (BulkInventory): an inventory item, its variant and its level at the location. */
export const BulkInventoryRow = z.object({
  id: z.string(),
  variant: z.object({ id: z.string() }).nullish(),
  inventoryLevel: z.object({ quantities: z.array(z.object({ name: z.string(), quantity: z.number().int() })) }).nullish(),
});
