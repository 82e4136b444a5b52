import { describe, expect, it } from 'vitest';
import { parsePricingRule, retailPrice, toCents } from './pricing.ts';

describe('when a partnership has a pricing rule', () => {
  it.each([
    ['10.00', { markupPercent: 100 }, '20.00'],
    ['19.99', { markupPercent: 50 }, '29.99'],
    ['19.99', { markupPercent: 50, rounding: 'whole' }, '30.00'],
    ['12.10', { markupPercent: 100, rounding: 'x.99' }, '24.99'],
    ['12.00', { markupPercent: 100, rounding: 'x.99' }, '24.99'],
    ['12.50', { markupPercent: 100, rounding: 'x.95' }, '25.95'],
    ['10.01', { markupPercent: 0, rounding: 'nearest-0.05' }, '10.00'],
    ['10.03', { markupPercent: 0, rounding: 'nearest-0.05' }, '10.05'],
    ['8.00', { markupPercent: 25, fixedAdd: 1.5 }, '11.50'],
    ['0.10', { markupPercent: 33.33 }, '0.13'],
  ] as const)('prices %s with %o at %s', (wholesale, rule, expected) => {
    expect(retailPrice(wholesale, parsePricingRule(rule))).toBe(expected);
  });

  it('keeps the wholesale price when the rule is empty', () => {
    expect(retailPrice('42.42', parsePricingRule({}))).toBe('42.42');
  });

  it('never prices below zero', () => {
    expect(retailPrice('5.00', parsePricingRule({ markupPercent: -100 }))).toBe('0.00');
  });

  it('rejects an unknown rounding with the field named', () => {
    expect(() => parsePricingRule({ rounding: 'x.49' })).toThrow(/rounding/);
  });

  it('rejects a price that is not a decimal', () => {
    expect(() => toCents('12,50')).toThrow('Not a decimal price: "12,50"');
  });
});
