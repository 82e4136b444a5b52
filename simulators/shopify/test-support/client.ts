// A minimal Admin GraphQL client for the simulator's own tests.
import type { ShopifySimulator } from '../index.ts';

export interface GqlResponse<T = Record<string, unknown>> {
  status: number;
  body: {
    data?: T;
    errors?: { message: string; extensions?: Record<string, unknown>; locations?: unknown }[] | string;
    extensions?: { cost: { requestedQueryCost: number; actualQueryCost: number | null; throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } } };
  };
}

export function adminClient(sim: ShopifySimulator, shop: string, token: string) {
  return async function gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GqlResponse<T>> {
    const res = await fetch(sim.graphqlUrl(shop), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': token },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as GqlResponse<T>['body'] };
  };
}
