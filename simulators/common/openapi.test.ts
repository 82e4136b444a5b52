import { describe, expect, it } from 'vitest';
import { contractsPresent, missingContractsMessage, responseValidator } from './openapi.ts';

const FILE = 'bigcommerce/catalog/products_catalog.v3.yml';
const describeContract = contractsPresent(FILE) ? describe : describe.skip;

describeContract(contractsPresent(FILE) ? 'when checking a response against a vendor OpenAPI file' : missingContractsMessage(FILE), () => {
  const validator = responseValidator(FILE);

  it('accepts a body of the documented shape', () => {
    const check = validator.check('GET', '/catalog/products/{product_id}', 200, { data: { id: 1, name: 'Mug', price: 8 }, meta: {} });
    expect(check).toEqual({ valid: true, errors: [], message: '' });
  });

  it('names the field whose type differs from the document', () => {
    const check = validator.check('GET', '/catalog/products', 200, { data: [{ id: 'one' }], meta: {} });
    expect(check.valid).toBe(false);
    expect(check.message).toBe('/data/0/id must be integer {"type":"integer"}');
  });

  it('reads x-nullable as nullable', () => {
    const check = responseValidator('bigcommerce/catalog/product-variants_catalog.v3.yml').check('GET', '/catalog/variants', 200, {
      data: [{ id: 1, sale_price: null }],
    });
    expect(check.message).toBe('');
  });

  it('throws for an operation or status the document lacks', () => {
    expect(() => validator.check('PATCH', '/catalog/products', 200, {})).toThrow(/has no operation PATCH \/catalog\/products/);
    expect(() => validator.check('GET', '/catalog/products', 418, {})).toThrow(/documents no 418 response/);
  });
});
