// Property: whatever the order of events — orders at the supplier and at several retailers,
// webhooks delivered twice or three times, late, reordered, two at once, and workers killed
// between phases and retried — every shop ends showing the supplier's starting stock minus the
// units sold, and no shop is ever pushed below zero.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protectAgainstOversell, type OversellInput, type OversellPhase } from '../app/sync/oversell.server.ts';
import { redisStockLock } from '../app/sync/stock-lock.server.ts';
import { SUPPLIER, startStockNetwork, type StockNetwork } from '../app/sync/stock-network.test-support.ts';
import { deletePrefix, testRedis, uniquePrefix } from './support/redis.ts';

const STOCK = { MUG: 12, CAP: 4 } as const;
type Sku = keyof typeof STOCK;
const RETAILERS = 3;
const PHASES: OversellPhase[] = ['resolve', 'claim', 'read', 'net', 'push'];

const order = fc.record({
  /** 0 = the supplier, 1..RETAILERS = a retailer. */
  shop: fc.integer({ min: 0, max: RETAILERS }),
  lines: fc.record({ MUG: fc.integer({ min: 0, max: 3 }), CAP: fc.integer({ min: 0, max: 2 }) }).filter((l) => l.MUG + l.CAP > 0),
  /** How many times orders/create is delivered. */
  deliveries: fc.array(
    fc.record({
      /** Where in the timeline the delivery lands, after the order was placed. */
      delay: fc.double({ min: 0, max: 1, noNaN: true }),
      killedAfter: fc.option(fc.constantFrom(...PHASES), { freq: 3 }),
      /** Processed at the same time as the next delivery in the timeline. */
      concurrent: fc.boolean(),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

type Step = { at: number; kind: 'place'; index: number } | { at: number; kind: 'deliver'; index: number; killedAfter: OversellPhase | null; concurrent: boolean };

let net: StockNetwork;
const redis = testRedis();
const prefix = `{${uniquePrefix('oversell-property')}}:`;
beforeAll(async () => {
  net = await startStockNetwork('oversell_property');
}, 30_000);
afterAll(async () => {
  await net.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

describe('when orders and their webhooks interleave at random', () => {
  it('every shop ends at the supplier stock minus units sold, never below zero', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(order, { minLength: 2, maxLength: 5 }), async (orders) => {
        await net.reset({ retailers: RETAILERS, stock: { ...STOCK } });
        // The lock workers share in production.
        net.ctx.lock = redisStockLock(redis, { prefix });
        const shops = [SUPPLIER, ...net.retailers];

        const steps: Step[] = orders.flatMap((o, index) => [
          { at: index, kind: 'place' as const, index },
          ...o.deliveries.map((d) => ({ at: index + 0.5 + d.delay * (orders.length - index), kind: 'deliver' as const, index, killedAfter: d.killedAfter, concurrent: d.concurrent })),
        ]);
        steps.sort((a, b) => a.at - b.at);

        const inputs: OversellInput[] = [];
        const retries: number[] = [];
        const deliver = async (index: number, killedAfter: OversellPhase | null) => {
          const ctx = killedAfter
            ? { ...net.ctx, afterPhase: (phase: string) => { if (phase === killedAfter) throw new Error(`worker killed after ${phase}`); } }
            : net.ctx;
          try {
            await protectAgainstOversell(ctx, inputs[index]!);
          } catch (err) {
            if (!killedAfter || !String(err).includes('worker killed')) throw err;
            retries.push(index);
          }
        };

        for (let i = 0; i < steps.length; i++) {
          const step = steps[i]!;
          if (step.kind === 'place') {
            const o = orders[step.index]!;
            inputs[step.index] = net.order(shops[o.shop]!, Object.fromEntries(Object.entries(o.lines).filter(([, q]) => q > 0)));
            continue;
          }
          const next = steps[i + 1];
          if (step.concurrent && next?.kind === 'deliver') {
            await Promise.all([deliver(step.index, step.killedAfter), deliver(next.index, next.killedAfter)]);
            i++;
          } else {
            await deliver(step.index, step.killedAfter);
          }
        }
        // The queue retries every killed job; a retry may itself be a duplicate by now.
        for (const index of retries) await protectAgainstOversell(net.ctx, inputs[index]!);

        for (const sku of Object.keys(STOCK) as Sku[]) {
          const sold = orders.reduce((sum, o) => sum + o.lines[sku], 0);
          const counts = shops.map((shop) => net.available(shop, sku));
          if (sold <= STOCK[sku]) {
            expect({ sku, counts }).toEqual({ sku, counts: shops.map(() => STOCK[sku] - sold) });
          } else {
            // Oversold: partners show nothing to sell; only the supplier's own storefront can take
            // its platform below zero, never Tandem.
            expect({ sku, retailers: counts.slice(1) }).toEqual({ sku, retailers: net.retailers.map(() => Math.max(0, counts[0]!)) });
            expect(counts[0]!).toBeLessThanOrEqual(0);
          }
        }
      }),
      { numRuns: 12, endOnFailure: true },
    );
  }, 120_000);
});
