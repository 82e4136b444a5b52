// The engine's entry point for every job: each queue of DESIGN.md's table mapped to the app/sync
// function that does the work, with a SyncContext whose connectors spend from the shared Redis
// budgets and whose alerts are emailed when SMTP is configured.
import type { Stripe } from 'stripe';
import { getConnector } from '../../connectors/index.ts';
import type { Connection } from '../generated/prisma/client.ts';
import type { Db } from '../db.server.ts';
import { createSyncContext, type SyncContextOptions } from '../sync/connections.server.ts';
import { pushPricesToPartner, sourceConnectionOf, syncCatalogToPartner } from '../sync/listings.server.ts';
import { pushInventory } from '../sync/inventory-push.server.ts';
import { protectAgainstOversell } from '../sync/oversell.server.ts';
import { sweepOldest } from '../sync/sweep.server.ts';
import { pullRetailerOrders } from '../sync/orders.server.ts';
import { pushFulfillments } from '../sync/fulfillments.server.ts';
import { billPartnershipsForDay } from '../sync/billing.server.ts';
import { postDueInvoices, postInvoice } from '../sync/invoices.server.ts';
import { alertMailerFromEnv, type AlertMailer } from '../sync/alert-email.server.ts';
import type { StockLock } from '../sync/stock-context.server.ts';
import { pullSourceCatalog, type CatalogPullLease } from '../sync/catalog-pull-lease.server.ts';
import type { Budgets } from './budget.server.ts';
import type { JobHandlers } from './definitions.server.ts';
import type { JobContext, JobResult } from './job-definition.server.ts';

export interface HandlerDeps {
  budgets: Budgets;
  /** Serialises stock moves per variant across every worker (oversell, pushes, sweeps). */
  stockLock?: StockLock;
  /** Tests and the demo: reach the Stripe simulator instead of api.stripe.com. */
  stripeFor?: (secretKey: string) => Stripe;
  /** Extra context options (e.g. a fetch for simulators). */
  context?: Omit<SyncContextOptions, 'budgetFor' | 'progress' | 'signal'>;
  /** Alert emails; default: SMTP_URL's mailer, none when it is unset. */
  mailer?: AlertMailer;
  /** One pull per catalog source at a time across every worker; none: each sync pulls on its own. */
  catalogPullLease?: CatalogPullLease;
}

export function engineHandlers(deps: HandlerDeps): JobHandlers {
  const budgetFor = (connection: Connection) => {
    const { manifest } = getConnector(connection.platform);
    return deps.budgets.forConnection(connection.id, manifest.rateLimit, manifest.id);
  };
  const mailer = deps.mailer ?? alertMailerFromEnv();
  const contextOf = (job: JobContext) => ({
    ...createSyncContext(job.db, { mailer, ...deps.context, budgetFor, signal: job.signal, progress: (done, total, phase) => job.progress(done, total, phase) }),
    lock: deps.stockLock,
    catalogPullLease: deps.catalogPullLease,
  });
  type Ctx = ReturnType<typeof contextOf>;
  /**
   * Runs a job with its own context and reports the platform requests it made: every connector
   * of the context spends through the metered budget, so each SyncRun shows its API calls, however
   * many engine functions the job called (nightly: a pull, then catalog and stock per partner).
   */
  const metered =
    <P>(work: (p: P, ctx: Ctx, job: JobContext) => Promise<JobResult>) =>
    async (p: P, job: JobContext): Promise<JobResult> => {
      const ctx = contextOf(job);
      const result = await work(p, ctx, job);
      return { ...result, apiCalls: ctx.usage!.calls, costPoints: ctx.usage!.costPoints };
    };

  /** Partnerships in which the shop supplies, and that are live. */
  const supplying = (db: Db, shopId: string) => db.partnership.findMany({ where: { supplierShopId: shopId, status: 'ACTIVE' }, select: { id: true } });

  return {
    'catalog.sync': metered(async (p, ctx, job) => {
      const result = await syncCatalogToPartner(ctx, p.partnershipId, {
        mode: p.mode,
        trigger: p.trigger,
        syncRunId: job.job.syncRunId,
        sourceVariantIds: p.variantIds,
        sourceProductIds: p.productIds,
        freshSince: new Date(job.job.dueAt),
      });
      if (!result.chosenVariantIds) return { counts: result.counts, errors: result.errors };
      // "Sync to partners now" on chosen products: their price went with the catalog sync; their
      // stock goes now too, instead of at the next hourly inventory push.
      const stock = await pushInventory(ctx, p.partnershipId, { mode: p.mode, trigger: p.trigger, syncRunId: job.job.syncRunId, sourceVariantIds: result.chosenVariantIds });
      return { counts: { ...result.counts, ...stock.counts }, errors: [...result.errors, ...stock.errors] };
    }),
    // Price and quantity (DESIGN's job table): prices the supplier changed, then stock.
    'inventory.push': metered(async (p, ctx, job) => {
      const prices = await pushPricesToPartner(ctx, p.partnershipId, { mode: p.mode, sourceVariantIds: p.variantIds, freshSince: new Date(job.job.dueAt) });
      const r = await pushInventory(ctx, p.partnershipId, { mode: p.mode, trigger: p.trigger, syncRunId: job.job.syncRunId, sourceVariantIds: p.variantIds });
      return { counts: { ...prices.counts, ...r.counts }, errors: [...prices.errors, ...r.errors] };
    }),
    oversell: metered(async (p, ctx) => {
      const r = await protectAgainstOversell(ctx, {
        shopDomain: p.shopDomain,
        order: { externalId: p.orderId, lineItems: p.lines, tags: p.tags, externalReference: p.externalReference },
      });
      return { counts: { variants: r.variants, partnersUpdated: r.partnersUpdated, supplierWrites: r.supplierWrites }, errors: r.errors.map((message) => ({ message })) };
    }),
    'sweep.oldest': metered(async (p, ctx, job) => {
      const total: JobResult = { counts: {}, errors: [] };
      for (const { id } of await supplying(job.db, p.shopId)) {
        const r = await sweepOldest(ctx, id, p.limit);
        merge(total, r.counts, r.skipped ? [{ subject: `Partnership ${id}`, message: r.skipped }] : []);
      }
      return total;
    }),
    'nightly.full': metered(async (p, ctx, job) => {
      const total: JobResult = { counts: {}, errors: [] };
      // One full pull per catalog source, then each partnership plans from the stored catalog.
      const pulled = new Set<string>();
      for (const { id } of await supplying(job.db, p.shopId)) {
        const source = await sourceConnectionOf(job.db, await job.db.partnership.findUniqueOrThrow({ where: { id } }));
        if (!pulled.has(source.id)) {
          await pullSourceCatalog(ctx, source.id, { mode: 'FULL', freshSince: new Date(job.job.dueAt) });
          pulled.add(source.id);
        }
        const catalog = await syncCatalogToPartner(ctx, id, { mode: 'FULL', trigger: 'nightly', pull: false });
        merge(total, catalog.counts, catalog.errors);
        const stock = await pushInventory(ctx, id, { mode: 'FULL', trigger: 'nightly' });
        merge(total, stock.counts, stock.errors);
      }
      return total;
    }),
    'orders.pull': metered(async (p, ctx) => ({ counts: numeric(await pullRetailerOrders(ctx, p.partnershipId)) })),
    'fulfillments.push': metered(async (p, ctx) => ({ counts: numeric(await pushFulfillments(ctx, p.partnershipId)) })),
    'invoices.post': metered(async (p, ctx) => {
      if ('invoiceId' in p) {
        const r = await postInvoice(ctx, p.invoiceId);
        return { counts: { [r.outcome]: 1 } };
      }
      return { counts: numeric(await postDueInvoices(ctx)) };
    }),
    'billing.daily': async (_p, job) => {
      // Each supplier is billed for its previous local day as of when the run was due.
      const r = await billPartnershipsForDay({ db: job.db, stripeFor: deps.stripeFor, mailer }, { now: new Date(job.job.dueAt) });
      return { counts: r.counts, errors: r.errors };
    },
  };
}

/** The numeric fields of an engine result, as SyncRun counts. */
function numeric(result: object): Record<string, number> {
  return Object.fromEntries(Object.entries(result).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
}

function merge(total: JobResult, counts: object, errors: { subject?: string; message: string }[] | string[]) {
  for (const [k, v] of Object.entries(counts)) if (typeof v === 'number') total.counts![k] = (total.counts![k] ?? 0) + v;
  for (const e of errors) total.errors!.push(typeof e === 'string' ? { message: e } : e);
}
