import { describe, expect, it } from 'vitest';
import { addDays, amountForDay, BillingTerms, chargeIdempotencyKey, localDayBounds, localDayOf, previousLocalDay, toMinorUnits } from './billing.server.ts';

describe('when the billed day is worked out in the supplier time zone', () => {
  it.each([
    { zone: 'UTC', day: '2026-11-22', start: '2026-11-22T00:00:00.000Z', end: '2026-11-23T00:00:00.000Z' },
    { zone: 'America/New_York', day: '2026-11-22', start: '2026-11-22T05:00:00.000Z', end: '2026-11-23T05:00:00.000Z' },
    { zone: 'Asia/Tokyo', day: '2026-11-22', start: '2026-11-21T15:00:00.000Z', end: '2026-11-22T15:00:00.000Z' },
    { zone: 'Asia/Kolkata', day: '2026-11-22', start: '2026-11-21T18:30:00.000Z', end: '2026-11-22T18:30:00.000Z' },
    // DST starts 2026-03-08 in New York: a 23-hour day; ends 2026-11-01: a 25-hour day.
    { zone: 'America/New_York', day: '2026-03-08', start: '2026-03-08T05:00:00.000Z', end: '2026-03-09T04:00:00.000Z' },
    { zone: 'America/New_York', day: '2026-11-01', start: '2026-11-01T04:00:00.000Z', end: '2026-11-02T05:00:00.000Z' },
    { zone: 'Australia/Sydney', day: '2026-10-04', start: '2026-10-03T14:00:00.000Z', end: '2026-10-04T13:00:00.000Z' },
  ])('spans $start to $end for $day in $zone', ({ zone, day, start, end }) => {
    const bounds = localDayBounds(day, zone);

    expect(bounds.start.toISOString()).toBe(start);
    expect(bounds.end.toISOString()).toBe(end);
  });

  it.each([
    { now: '2026-11-23T00:15:00Z', zone: 'UTC', day: '2026-11-22' },
    { now: '2026-11-23T00:15:00Z', zone: 'America/Los_Angeles', day: '2026-11-21' },
    { now: '2026-11-23T00:15:00Z', zone: 'Asia/Tokyo', day: '2026-11-22' },
    { now: '2026-01-01T03:00:00Z', zone: 'Europe/Paris', day: '2025-12-31' },
  ])('bills $day when the job runs at $now for a supplier in $zone', ({ now, zone, day }) => {
    expect(previousLocalDay(new Date(now), zone)).toBe(day);
  });

  it('names the local date of an instant and steps over month ends', () => {
    expect(localDayOf(new Date('2026-11-22T23:30:00Z'), 'Europe/Berlin')).toBe('2026-11-23');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('refuses a day that is not YYYY-MM-DD', () => {
    expect(() => localDayBounds('22/11/2026', 'UTC')).toThrow('Billing day must be YYYY-MM-DD, got "22/11/2026".');
  });
});

describe('when the day amount is computed', () => {
  it.each([
    { total: '19.99', currency: 'USD', minor: 1999 },
    { total: '20', currency: 'USD', minor: 2000 },
    { total: '0.5', currency: 'EUR', minor: 50 },
    { total: '1500.00', currency: 'JPY', minor: 1500 },
    { total: '0.005', currency: 'USD', minor: 1 },
  ])('turns $total $currency into $minor minor units', ({ total, currency, minor }) => {
    expect(toMinorUnits(total, currency)).toBe(minor);
  });

  it('sums the orders in the charge currency and adds the fee, rounded half up', () => {
    const terms = BillingTerms.parse({ feePercent: 2.5, currency: 'usd' });
    const due = amountForDay(
      [
        { wholesaleAmount: '100.00', currency: 'USD' },
        { wholesaleAmount: '20.10', currency: 'USD' },
        { wholesaleAmount: '50.00', currency: 'CAD' },
      ],
      terms,
    );

    // 12010 + 2.5% (300.25 -> 300) = 12310
    expect(due).toEqual({ amountMinor: 12310, currency: 'USD', orderCount: 2, otherCurrencyOrders: 1 });
  });

  it('bills in the first order currency when the terms name none, and charges nothing for no orders', () => {
    const terms = BillingTerms.parse({});

    expect(amountForDay([{ wholesaleAmount: '7.00', currency: 'EUR' }], terms)).toEqual({ amountMinor: 700, currency: 'EUR', orderCount: 1, otherCurrencyOrders: 0 });
    expect(amountForDay([], terms)).toEqual({ amountMinor: 0, currency: 'USD', orderCount: 0, otherCurrencyOrders: 0 });
    expect(terms.method).toBe('payment_intent');
  });

  it('keys a charge by partnership and day', () => {
    expect(chargeIdempotencyKey('p_123', '2026-11-22')).toBe('tandem-charge-p_123-2026-11-22');
  });
});
