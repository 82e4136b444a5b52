// Every GraphQL document the Shopify connector sends (Admin API 2026-10). documents.test.ts
// validates each one against the real schema, so a typo fails in CI, not in a merchant's shop.
// Page sizes keep each query's requested cost under Shopify's 1,000-point single-query cap
// (cost.ts prices them the way Shopify does; the test checks the cap).
import { gql } from 'graphql-request';

/** Shopify's per-connection page limit (shopify.dev/docs/api/usage/pagination-graphql). */
export const MAX_PAGE = 250;
export const PRODUCTS_PAGE = 8;
export const PRODUCT_VARIANTS_FIRST = 25;
/** Images read with the product; a product with more gets the rest page by page (ProductMediaAfter). */
export const PRODUCT_MEDIA_FIRST = 5;
export const MEDIA_PAGE = 50;
export const VARIANTS_PAGE = 100;
export const ORDERS_PAGE = 8;
export const ORDER_LINES_FIRST = 25;

const variantFields = gql`
  fragment TandemVariantFields on ProductVariant {
    id
    sku
    title
    price
    compareAtPrice
    barcode
    updatedAt
    inventoryQuantity
    selectedOptions {
      name
      value
    }
    inventoryItem {
      id
    }
    product {
      id
      title
    }
  }
`;

// Images only: other media (video, 3D models) have no place in a retailer's copy made from a URL.
const mediaFields = gql`
  fragment TandemMediaFields on Media {
    mediaContentType
    ... on MediaImage {
      image {
        url
        altText
      }
    }
  }
`;

const productFields = gql`
  fragment TandemProductFields on Product {
    id
    title
    descriptionHtml
    vendor
    productType
    tags
    updatedAt
    options {
      name
      values
    }
    externalReference: metafield(namespace: "tandem", key: "external_reference") {
      value
    }
    variants(first: ${PRODUCT_VARIANTS_FIRST}) {
      nodes {
        ...TandemVariantFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
    media(first: ${PRODUCT_MEDIA_FIRST}) {
      nodes {
        ...TandemMediaFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${variantFields}
  ${mediaFields}
`;

const orderFields = gql`
  fragment TandemOrderFields on Order {
    id
    name
    createdAt
    updatedAt
    cancelledAt
    currencyCode
    email
    tags
    sourceIdentifier
    totalPriceSet {
      shopMoney {
        amount
      }
    }
    customer {
      id
      email
    }
    shippingAddress {
      name
      company
      address1
      address2
      city
      province
      provinceCode
      zip
      country
      countryCodeV2
      phone
    }
    lineItems(first: ${ORDER_LINES_FIRST}) {
      nodes {
        ...TandemOrderLineFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  fragment TandemOrderLineFields on LineItem {
    id
    sku
    title
    quantity
    originalUnitPriceSet {
      shopMoney {
        amount
      }
    }
    variant {
      id
    }
  }
`;

const customerFields = gql`
  fragment TandemCustomerFields on Customer {
    id
    email
    firstName
    lastName
    phone
    tags
    defaultAddress {
      company
    }
  }
`;

const fulfillmentFields = gql`
  fragment TandemFulfillmentFields on Fulfillment {
    id
    createdAt
    trackingInfo(first: 5) {
      company
      number
      url
    }
    fulfillmentLineItems(first: 50) {
      nodes {
        quantity
        lineItem {
          id
          sku
        }
      }
    }
  }
`;

const userErrors = `
    userErrors {
      field
      message
      code
    }
`;

// fulfillmentCreate and customerCreate answer the plain UserError, which has no code.
const plainUserErrors = `
    userErrors {
      field
      message
    }
`;

// https://shopify.dev/docs/api/admin-graphql/2026-10/queries/location (no id = the primary location)
export const PrimaryLocation = gql`
  query TandemPrimaryLocation {
    location {
      id
    }
  }
`;

// https://shopify.dev/docs/api/admin-graphql/2026-10/queries/products
export const ChangedProducts = gql`
  query TandemChangedProducts($first: Int!, $after: String, $query: String) {
    products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes {
        ...TandemProductFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${productFields}
`;

// The rest of a product's variants when it has more than PRODUCT_VARIANTS_FIRST.
export const ProductVariantsAfter = gql`
  query TandemProductVariantsAfter($id: ID!, $after: String) {
    product(id: $id) {
      variants(first: ${VARIANTS_PAGE}, after: $after) {
        nodes {
          ...TandemVariantFields
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
  ${variantFields}
`;

// The rest of a product's images when it has more than PRODUCT_MEDIA_FIRST.
export const ProductMediaAfter = gql`
  query TandemProductMediaAfter($id: ID!, $after: String) {
    product(id: $id) {
      media(first: ${MEDIA_PAGE}, after: $after) {
        nodes {
          ...TandemMediaFields
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
  ${mediaFields}
`;

// https://shopify.dev/docs/api/admin-graphql/2026-10/queries/productVariants (also the SKU lookup)
export const ChangedVariants = gql`
  query TandemChangedVariants($first: Int!, $after: String, $query: String) {
    productVariants(first: $first, after: $after, query: $query, sortKey: ID) {
      nodes {
        ...TandemVariantFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${variantFields}
`;

// https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/productSet
export const ProductSet = gql`
  mutation TandemProductSet($input: ProductSetInput!, $identifier: ProductSetIdentifiers) {
    productSet(input: $input, identifier: $identifier, synchronous: true) {
      product {
        ...TandemProductFields
      }
      ${userErrors}
    }
  }
  ${productFields}
`;

// https://shopify.dev/docs/api/admin-graphql/2026-10/queries/nodes
export const InventoryLevels = gql`
  query TandemInventoryLevels($ids: [ID!]!, $locationId: ID!) {
    nodes(ids: $ids) {
      ... on InventoryItem {
        id
        variant {
          id
          sku
        }
        inventoryLevel(locationId: $locationId) {
          quantities(names: ["available"]) {
            name
            quantity
          }
        }
      }
    }
  }
`;

// https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/inventorySetQuantities
// The idempotency key is required since 2026-04; a repeated key returns the original result.
export const InventorySetQuantities = gql`
  mutation TandemInventorySetQuantities($input: InventorySetQuantitiesInput!, $key: String!) {
    inventorySetQuantities(input: $input) @idempotent(key: $key) {
      inventoryAdjustmentGroup {
        id
      }
      ${userErrors}
    }
  }
`;

// https://shopify.dev/docs/api/admin-graphql/2026-10/queries/orders
export const ChangedOrders = gql`
  query TandemChangedOrders($first: Int!, $after: String, $query: String) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes {
        ...TandemOrderFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${orderFields}
`;

export const OrderLinesAfter = gql`
  query TandemOrderLinesAfter($id: ID!, $after: String) {
    order(id: $id) {
      lineItems(first: ${VARIANTS_PAGE}, after: $after) {
        nodes {
          ...TandemOrderLineFields
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
  fragment TandemOrderLineFields on LineItem {
    id
    sku
    title
    quantity
    originalUnitPriceSet {
      shopMoney {
        amount
      }
    }
    variant {
      id
    }
  }
`;

// https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/orderCreate
export const OrderCreate = gql`
  mutation TandemOrderCreate($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
    orderCreate(order: $order, options: $options) {
      order {
        ...TandemOrderFields
      }
      ${userErrors}
    }
  }
  ${orderFields}
`;

// Fulfillments already made, and what is still open to fulfil (fulfillmentCreate works per fulfillment order).
export const OrderFulfillments = gql`
  query TandemOrderFulfillments($id: ID!) {
    order(id: $id) {
      id
      fulfillments(first: 50) {
        ...TandemFulfillmentFields
      }
      fulfillmentOrders(first: 5) {
        nodes {
          id
          status
          lineItems(first: 50) {
            nodes {
              id
              remainingQuantity
              lineItem {
                id
                sku
              }
            }
          }
        }
      }
    }
  }
  ${fulfillmentFields}
`;

// https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/fulfillmentCreate
export const FulfillmentCreate = gql`
  mutation TandemFulfillmentCreate($fulfillment: FulfillmentInput!) {
    fulfillmentCreate(fulfillment: $fulfillment) {
      fulfillment {
        ...TandemFulfillmentFields
      }
      ${plainUserErrors}
    }
  }
  ${fulfillmentFields}
`;

// https://shopify.dev/docs/api/admin-graphql/2026-10/queries/customers
export const FindCustomers = gql`
  query TandemFindCustomers($query: String!) {
    customers(first: 5, query: $query) {
      nodes {
        ...TandemCustomerFields
      }
    }
  }
  ${customerFields}
`;

// https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/customerCreate
export const CustomerCreate = gql`
  mutation TandemCustomerCreate($input: CustomerInput!) {
    customerCreate(input: $input) {
      customer {
        ...TandemCustomerFields
      }
      ${plainUserErrors}
    }
  }
  ${customerFields}
`;

// https://shopify.dev/docs/api/usage/bulk-operations/queries
export const BulkOperationRunQuery = gql`
  mutation TandemBulkOperationRunQuery($query: String!) {
    bulkOperationRunQuery(query: $query) {
      bulkOperation {
        id
        status
      }
      ${userErrors}
    }
  }
`;

export const BulkOperationStatus = gql`
  query TandemBulkOperationStatus($id: ID!) {
    bulkOperation(id: $id) {
      id
      status
      errorCode
      url
      partialDataUrl
      objectCount
    }
  }
`;

/**
 * The catalog export run as a bulk operation (no page sizes: bulk queries stream everything).
 * Children arrive as their own JSONL lines with `__parentId`.
 */
export const BulkCatalog = gql`
  {
    products {
      edges {
        node {
          id
          title
          descriptionHtml
          vendor
          productType
          tags
          updatedAt
          options {
            name
            values
          }
          externalReference: metafield(namespace: "tandem", key: "external_reference") {
            value
          }
          variants {
            edges {
              node {
                id
                sku
                title
                price
                compareAtPrice
                barcode
                updatedAt
                inventoryQuantity
                selectedOptions {
                  name
                  value
                }
                inventoryItem {
                  id
                }
              }
            }
          }
          media {
            edges {
              node {
                id
                mediaContentType
                ... on MediaImage {
                  image {
                    url
                    altText
                  }
                }
              }
            }
          }
        }
      }
    }
  }
`;


// Inventory item ids for variants the engine knows only by variant id.
export const VariantInventoryItems = gql`
  query TandemVariantInventoryItems($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on ProductVariant {
        id
        sku
        inventoryItem {
          id
        }
      }
    }
  }
`;

/**
 * Every inventory item's available stock at one location, as a bulk operation: how a Partial push
 * over a large catalog finds what changed without a `nodes` call per 100 items. Bulk queries take
 * no variables, so `bulkInventoryQuery` writes the location into this placeholder.
 */
export const BulkInventory = gql`
  {
    inventoryItems {
      edges {
        node {
          id
          variant {
            id
          }
          inventoryLevel(locationId: "gid://shopify/Location/0") {
            quantities(names: ["available"]) {
              name
              quantity
            }
          }
        }
      }
    }
  }
`;

export function bulkInventoryQuery(locationId: string): string {
  return BulkInventory.replace('"gid://shopify/Location/0"', JSON.stringify(locationId));
}

// The product carrying Tandem's reference, before creating it (retry-safe create).
export const ProductsByQuery = gql`
  query TandemProductsByQuery($query: String!) {
    products(first: 2, query: $query) {
      nodes {
        ...TandemProductFields
      }
    }
  }
  ${productFields}
`;

export const OrdersByQuery = gql`
  query TandemOrdersByQuery($query: String!) {
    orders(first: 2, query: $query) {
      nodes {
        ...TandemOrderFields
      }
    }
  }
  ${orderFields}
`;

/** Every operation document, for the schema validation test. */
export const allDocuments = {
  PrimaryLocation,
  ChangedProducts,
  ProductVariantsAfter,
  ProductMediaAfter,
  ChangedVariants,
  ProductSet,
  InventoryLevels,
  InventorySetQuantities,
  ChangedOrders,
  OrderLinesAfter,
  OrderCreate,
  OrderFulfillments,
  FulfillmentCreate,
  FindCustomers,
  CustomerCreate,
  BulkOperationRunQuery,
  BulkOperationStatus,
  BulkCatalog,
  BulkInventory,
  VariantInventoryItems,
  ProductsByQuery,
  OrdersByQuery,
};
