import { describe, expect, it } from 'vitest';
import { legacyId, problemOf } from './app-backend.ts';

describe('when an extension reads the id of the page’s resource', () => {
  it.each([
    ['gid://shopify/Order/5512345678', 'Order', '5512345678'],
    ['gid://shopify/Product/42', 'Product', '42'],
    ['gid://shopify/Product/42', 'Order', null],
    ['gid://shopify/Order/042', 'Order', null],
    ['gid://shopify/Order/', 'Order', null],
    ['gid://other/Order/5', 'Order', null],
    [undefined, 'Order', null],
  ] as const)('reads %s as a %s number: %s', (gid, type, id) => {
    expect(legacyId(gid, type)).toBe(id);
  });
});

describe('when the app answers with something other than success', () => {
  it.each([
    [400, { errors: { id: ['A Shopify order id is a number, like 5512345678'] } }, 'A Shopify order id is a number, like 5512345678'],
    [400, '<html>Bad Request</html>', 'Tandem could not answer (HTTP 400). Try again in a minute; if it goes on, see Activity in the Tandem app.'],
    [401, null, 'Shopify did not confirm your session with Tandem. Close this and open it again.'],
    [403, null, 'Shopify did not confirm your session with Tandem. Close this and open it again.'],
    [503, null, 'Tandem could not answer (HTTP 503). Try again in a minute; if it goes on, see Activity in the Tandem app.'],
    [0, null, 'Tandem could not be reached. Check your connection and try again.'],
  ])('words HTTP %s as one sentence to act on', (status, body, message) => {
    expect(problemOf(status, body)).toBe(message);
  });
});
