import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../db.server.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { retailPriceSql } from './partial-plan.server.ts';
import { PricingRule, retailPrice } from './pricing.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('partial_plan');
});
afterAll(() => database.drop());

const rules = [
  { markupPercent: 0 },
  { markupPercent: 100 },
  { markupPercent: 33.33, rounding: 'none' },
  { markupPercent: 50, rounding: 'x.99' },
  { markupPercent: 50, rounding: 'x.95' },
  { markupPercent: 40, fixedAdd: 1.25, rounding: 'whole' },
  { markupPercent: 12.5, rounding: 'nearest-0.05' },
  { markupPercent: -100 },
  { markupPercent: -20, fixedAdd: 0.5, rounding: 'x.99' },
];
const wholesales = ['0.00', '0.01', '0.99', '1.00', '7.50', '9.99', '12.345', '19.99', '100.00', '1234.56', '99999.99'];

describe('when the Partial planner prices listings in SQL', () => {
  it.each(rules.flatMap((rule) => wholesales.map((w) => [JSON.stringify(rule), w, rule] as const)))('agrees with retailPrice for rule %s and wholesale %s', async (_label, wholesale, raw) => {
    const rule = PricingRule.parse(raw);
    const [row] = await database.db.$queryRaw<Array<{ price: unknown }>>`SELECT ${retailPriceSql(rule, Prisma.sql`${wholesale}::numeric(12,2)`)} AS "price"`;
    // numeric(12,2) stores the wholesale price rounded to cents, as SourceVariant.price does.
    const stored = new Prisma.Decimal(wholesale).toFixed(2);
    expect(new Prisma.Decimal(String(row!.price)).toFixed(2)).toBe(retailPrice(stored, rule));
  });

  it('keeps a missing compare-at price missing', async () => {
    const [row] = await database.db.$queryRaw<Array<{ price: unknown }>>`SELECT ${retailPriceSql(PricingRule.parse({ markupPercent: 100 }), Prisma.sql`NULL::numeric(12,2)`)} AS "price"`;
    expect(row!.price).toBeNull();
  });
});
