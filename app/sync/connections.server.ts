// From a Connection row to a live connector: decrypt the credentials, give the connector a store
// that re-encrypts rotated tokens under a row lock, and a rate-limit budget. The engine asks the
// registry for the platform's module by id; it never imports a concrete connector.
import type { StockLock } from './stock-context.server.ts';
import { z } from 'zod';
import { getConnector } from '../../connectors/index.ts';
import { unlimitedBudget, type Budget } from '../../connectors/sdk/budget.ts';
import { silentLogger, type Connector, type CredentialStore, type Credentials, type Logger } from '../../connectors/sdk/connector.ts';
import type { Db } from '../db.server.ts';
import type { Connection } from '../generated/prisma/client.ts';
import type { AlertMailer } from './alert-email.server.ts';
import type { CatalogPullLease } from './catalog-pull-lease.server.ts';
import { env } from '../env.server.ts';
import { secrets } from './crypto.server.ts';

/**
 * The roles a connection plays for its shop (Connection.purposes): where the catalog comes from or
 * goes to, the system of record forwarded orders are posted on to, the accounting system invoices
 * go to, and the Stripe account partners are billed through.
 */
export const ConnectionPurpose = z.enum(['catalog_source', 'catalog_target', 'system_of_record', 'accounting', 'billing']);
export type ConnectionPurpose = z.infer<typeof ConnectionPurpose>;

/** The shop's first ACTIVE connection serving `purpose`, or null. */
export async function connectionFor(db: Db, shopId: string, purpose: ConnectionPurpose): Promise<Connection | null> {
  return db.connection.findFirst({ where: { shopId, status: 'ACTIVE', purposes: { has: purpose } }, orderBy: { createdAt: 'asc' } });
}

/** What every engine function is given: tests pass their own database, clock and connectors. */
export interface SyncContext {
  db: Db;
  connectorFor(connection: Connection): Promise<Connector>;
  now(): Date;
  logger: Logger;
  /** Aborted when the worker shuts down: long runs stop between pages. */
  signal?: AbortSignal;
  /** Progress in a merchant's units, e.g. (120, 400, 'listings'). */
  progress?(done: number, total: number, phase: string): Promise<void>;
  /** Platform calls and cost points spent through this context's connectors (for SyncRun). */
  usage?: ApiUsage;
  /** Emails new WARNING and CRITICAL alerts when SMTP is configured; none: the admin only. */
  mailer?: AlertMailer;
  /**
   * Serialises work on the same supplier variants across workers (the oversell guard, order
   * forwarding); none: the process's own lock (stock-context.server.ts).
   */
  lock?: StockLock;
  /** One pull per catalog source at a time across workers (jobs layer); none: every sync pulls. */
  catalogPullLease?: CatalogPullLease;
}

export interface ApiUsage {
  calls: number;
  costPoints: number;
}

export interface SyncContextOptions {
  /** The jobs layer passes the connection's shared Redis budget; scripts and tests get none. */
  budgetFor?: (connection: Connection) => Budget;
  fetch?: typeof fetch;
  /**
   * Tests and the demo: where each platform's simulator listens, by connector id, for connections
   * whose config names no `baseUrlOverride` (the connection rows keep their production settings).
   */
  baseUrlOverrides?: Partial<Record<string, string>>;
  logger?: Logger;
  now?: () => Date;
  signal?: AbortSignal;
  progress?: SyncContext['progress'];
  mailer?: AlertMailer;
}

/** Non-secret settings every connection may carry besides the connector's own config. */
const CommonConfig = z.object({
  /** Points the connector at a simulator (tests, demo, benchmarks) instead of the vendor. */
  baseUrlOverride: z.url().optional(),
});

export function createSyncContext(db: Db, options: SyncContextOptions = {}): SyncContext {
  const logger = options.logger ?? silentLogger;
  const usage: ApiUsage = { calls: 0, costPoints: 0 };
  const budgetFor = (connection: Connection) => metered(options.budgetFor?.(connection) ?? unlimitedBudget, usage);
  return {
    db,
    now: options.now ?? (() => new Date()),
    logger,
    signal: options.signal,
    progress: options.progress,
    mailer: options.mailer,
    usage,
    connectorFor: (connection) => openConnector(db, connection, { ...options, logger, budgetFor }),
  };
}

/** Every call spends from the budget before it is sent, so counting spends counts calls. */
function metered(budget: Budget, usage: ApiUsage): Budget {
  return {
    ...budget,
    async spend(units = 1, opts) {
      const result = await budget.spend(units, opts);
      usage.calls++;
      usage.costPoints += units;
      return result;
    },
    async refund(units) {
      usage.costPoints -= units;
      await budget.refund(units);
    },
    observe: (state) => budget.observe(state),
    usage: () => budget.usage(),
    ...(budget.release ? { release: () => budget.release!() } : {}),
  };
}

/** Builds the connector for one connection (one read of its credentials; no platform call). */
export async function openConnector(db: Db, connection: Connection, options: SyncContextOptions = {}): Promise<Connector> {
  const module = getConnector(connection.platform);
  const raw = (connection.config ?? {}) as Record<string, unknown>;
  const common = CommonConfig.parse(raw);
  const config = module.manifest.configSchema.parse(raw);
  return module.create(config, {
    budget: options.budgetFor?.(connection) ?? unlimitedBudget,
    credentials: await loadedCredentials(connectionCredentials(db, connection.id)),
    fetch: options.fetch,
    baseUrlOverride: common.baseUrlOverride ?? options.baseUrlOverrides?.[connection.platform],
    logger: options.logger ?? silentLogger,
  });
}

/**
 * A connector reads its credentials once, when it is built, and afterwards only through `update`
 * (a token refresh, which re-reads them under the row lock). So a platform call made inside an open
 * transaction (an order forwarded under its row lock) needs no second database connection: on
 * PostgreSQL that would hold two pool connections per job, and embedded PGlite, which has one,
 * would wait for itself. A token another worker rotated meanwhile is picked up by the refresh.
 */
async function loadedCredentials(store: CredentialStore): Promise<CredentialStore> {
  let current = await store.get();
  return {
    async get() {
      return { ...current };
    },
    async update(change) {
      current = await store.update(change);
      return { ...current };
    },
  };
}

/**
 * What the shop's own Shopify connection stores instead of tokens: the id of the app's offline
 * session, which holds them. Shopify rotates the refresh token on every use, so the app (which
 * refreshes the session when a merchant opens it) and the engine must share one copy.
 */
export const SessionBackedCredentials = z.object({ offlineSession: z.string().min(1) });

// A token refresh is one HTTP call: give it time, but not forever.
const REFRESH_TRANSACTION = { timeout: 60_000, maxWait: 30_000 };

/**
 * Credentials stored encrypted on the Connection row. `update` locks the row (SELECT … FOR UPDATE)
 * so two workers refreshing a rotating token run one after the other, the second seeing the first's.
 * A connection that points at the app's offline session reads and rotates that session's tokens.
 */
export function connectionCredentials(db: Db, connectionId: string): CredentialStore {
  const stored = async () => {
    const row = await db.connection.findUniqueOrThrow({ where: { id: connectionId }, select: { credentials: true } });
    return secrets().decryptJson<Credentials>(row.credentials);
  };
  return {
    async get() {
      const credentials = await stored();
      const session = SessionBackedCredentials.safeParse(credentials);
      return session.success ? offlineSessionCredentials(db, session.data.offlineSession).get() : credentials;
    },
    async update(change) {
      const session = SessionBackedCredentials.safeParse(await stored());
      if (session.success) return offlineSessionCredentials(db, session.data.offlineSession).update(change);
      return db.$transaction(async (tx) => {
        const rows = await tx.$queryRaw<{ credentials: string }[]>`SELECT "credentials" FROM "Connection" WHERE "id" = ${connectionId} FOR UPDATE`;
        if (!rows[0]) throw new Error(`Connection ${connectionId} no longer exists`);
        const next = await change(secrets().decryptJson<Credentials>(rows[0].credentials));
        await tx.connection.update({ where: { id: connectionId }, data: { credentials: secrets().encryptJson(next) } });
        return next;
      }, REFRESH_TRANSACTION);
    },
  };
}

interface SessionTokens {
  accessToken: string;
  refreshToken: string | null;
  expires: Date | null;
}

/**
 * The tokens of the app's offline session (the Session row, encrypted as session-storage.server.ts
 * stores them), with the app's secret that a refresh needs. No session (uninstalled) = no token,
 * which the connector reports as auth_expired.
 */
function offlineSessionCredentials(db: Db, sessionId: string): CredentialStore {
  const box = secrets();
  const toCredentials = (row: SessionTokens | undefined | null): Credentials => {
    const accessToken = row ? box.decrypt(row.accessToken) : '';
    if (!row || !accessToken) return {};
    return {
      accessToken,
      ...(row.refreshToken ? { refreshToken: box.decrypt(row.refreshToken) } : {}),
      ...(row.expires ? { expiresAt: row.expires.toISOString() } : {}),
      apiSecret: env().SHOPIFY_API_SECRET,
    };
  };
  return {
    async get() {
      return toCredentials(await db.session.findUnique({ where: { id: sessionId }, select: { accessToken: true, refreshToken: true, expires: true } }));
    },
    async update(change) {
      return db.$transaction(async (tx) => {
        const rows = await tx.$queryRaw<SessionTokens[]>`SELECT "accessToken", "refreshToken", "expires" FROM "Session" WHERE "id" = ${sessionId} FOR UPDATE`;
        if (!rows[0]) throw new Error(`The offline session ${sessionId} no longer exists; open Tandem in the Shopify admin to reconnect.`);
        const next = await change(toCredentials(rows[0]));
        await tx.session.update({
          where: { id: sessionId },
          data: {
            accessToken: box.encrypt(next.accessToken ?? ''),
            refreshToken: next.refreshToken ? box.encrypt(next.refreshToken) : null,
            expires: next.expiresAt ? new Date(next.expiresAt) : null,
          },
        });
        return next;
      }, REFRESH_TRANSACTION);
    },
  };
}

/** Encrypts credentials for a new or reconnected Connection row. */
export function sealCredentials(credentials: Credentials): string {
  return secrets().encryptJson(credentials);
}
