// A partnership's pricing rule turns the supplier's wholesale price into the retailer's price.
// Money is handled in integer cents from decimal strings, so 19.99 × 1.5 never becomes 29.984999.
import { z } from 'zod';

export const PricingRule = z
  .object({
    /** Retail = wholesale × (1 + markupPercent / 100). 100 doubles the price (keystone). */
    markupPercent: z.number().min(-100).max(10_000).default(0),
    /** Added after the markup, in the shop's currency (e.g. handling per unit). */
    fixedAdd: z.number().min(0).max(1_000_000).default(0),
    /**
     * none: keep cents; whole: nearest whole unit; x.99 / x.95: charm price at or above the
     * marked-up price; nearest-0.05: round to 5 cents (CHF-style cash rounding).
     */
    rounding: z.enum(['none', 'whole', 'x.99', 'x.95', 'nearest-0.05']).default('none'),
  })
  .strict();

export type PricingRule = z.infer<typeof PricingRule>;

const DECIMAL = /^-?\d+(\.\d{1,})?$/;

export function toCents(decimal: string): number {
  if (!DECIMAL.test(decimal)) throw new Error(`Not a decimal price: "${decimal}"`);
  const negative = decimal.startsWith('-');
  const [whole, frac = ''] = decimal.replace('-', '').split('.');
  // Half-up on the third decimal, as Shopify rounds money inputs.
  const cents = Number(whole) * 100 + Number((frac + '00').slice(0, 2)) + (Number(frac[2] ?? '0') >= 5 ? 1 : 0);
  return negative ? -cents : cents;
}

export function fromCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function round(cents: number, rounding: PricingRule['rounding']): number {
  switch (rounding) {
    case 'none':
      return cents;
    case 'whole':
      return Math.round(cents / 100) * 100;
    case 'nearest-0.05':
      return Math.round(cents / 5) * 5;
    case 'x.99':
    case 'x.95': {
      const ending = rounding === 'x.99' ? 99 : 95;
      const candidate = Math.floor(cents / 100) * 100 + ending;
      return candidate >= cents ? candidate : candidate + 100;
    }
  }
}

/** The price a retailer lists a supplier variant at, as a decimal string. */
export function retailPrice(wholesale: string, rule: PricingRule): string {
  const base = toCents(wholesale);
  // Basis points keep the markup exact for up to two decimals of percent.
  const marked = Math.round((base * (10_000 + Math.round(rule.markupPercent * 100))) / 10_000);
  const withFixed = marked + Math.round(rule.fixedAdd * 100);
  return fromCents(Math.max(0, round(withFixed, rule.rounding)));
}

/** Reads a stored rule (Partnership.pricingRule JSON), applying defaults. */
export function parsePricingRule(json: unknown): PricingRule {
  return PricingRule.parse(json ?? {});
}
