import { describe, expect, it } from 'vitest';
import { fetchThroughSimulators, simulatedUrl } from './vendor-hosts.ts';

const vendors = { shopify: 'http://127.0.0.1:4001/', xero: 'http://127.0.0.1:4002' };

describe('when a connector calls a vendor whose simulator is running', () => {
  it.each([
    ['https://acme.myshopify.com/admin/api/2026-10/graphql.json', 'http://127.0.0.1:4001/store/acme.myshopify.com/admin/api/2026-10/graphql.json'],
    ['https://acme.myshopify.com/admin/oauth/access_token?x=1', 'http://127.0.0.1:4001/store/acme.myshopify.com/admin/oauth/access_token?x=1'],
    ['https://api.xero.com/api.xro/2.0/Invoices?page=1', 'http://127.0.0.1:4002/api.xro/2.0/Invoices?page=1'],
    ['https://identity.xero.com/connect/token', 'http://127.0.0.1:4002/connect/token'],
  ])('sends %s to %s', (from, to) => {
    expect(simulatedUrl(vendors, from)).toBe(to);
  });

  it.each([
    'http://127.0.0.1:4001/_files/bulk/acme.myshopify.com/1.jsonl',
    'https://api.stripe.com/v1/customers',
    'https://shop.example.com/wp-json/wc/v3/products',
  ])('leaves %s alone', (url) => {
    expect(simulatedUrl(vendors, url)).toBe(url);
  });

  it('leaves Shopify hosts alone when no Shopify simulator is given', () => {
    expect(simulatedUrl({ xero: vendors.xero }, 'https://acme.myshopify.com/admin')).toBe('https://acme.myshopify.com/admin');
  });

  it('rewrites a Request with its method, headers and body', async () => {
    const seen: Request[] = [];
    const upstream = (async (input: RequestInfo | URL) => {
      seen.push(input as Request);
      return new Response('ok');
    }) as typeof fetch;
    const request = new Request('https://acme.myshopify.com/admin/api/2026-10/graphql.json', { method: 'POST', headers: { 'X-Shopify-Access-Token': 't' }, body: '{"query":"{shop{name}}"}' });
    await fetchThroughSimulators(vendors, upstream)(request);
    expect(seen[0]!.url).toBe('http://127.0.0.1:4001/store/acme.myshopify.com/admin/api/2026-10/graphql.json');
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.headers.get('X-Shopify-Access-Token')).toBe('t');
    expect(await seen[0]!.text()).toBe('{"query":"{shop{name}}"}');
  });
});
