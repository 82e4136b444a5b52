// What the stock engine (inventory push, oversell guard, sweep) needs from its caller: the
// database, a way to turn a Connection row into a connector, and a per-variant lock. The engine
// never imports a concrete connector: `registryConnectors` asks the registry by platform id.
import type { InventoryReader, InventoryWriter } from '../../connectors/sdk/capabilities.ts';
import { requireCapability, type Connector, type ConnectorDeps, type Credentials } from '../../connectors/sdk/connector.ts';
import type { ConnectorRegistry } from '../../connectors/sdk/registry.ts';
import type { Db } from '../db.server.ts';
import type { VariantRef } from '../../connectors/sdk/types.ts';
import type { Connection, Listing, SourceVariant } from '../generated/prisma/client.ts';
import type { SecretBox } from './crypto.server.ts';

/**
 * Serialises work on the same supplier variants: two oversell jobs for one variant must not push
 * their counts to partners out of order (the older count landing last would resurrect stock).
 * Keys are taken in sorted order, so two jobs over overlapping variants cannot deadlock.
 */
export type StockLock = <T>(keys: string[], work: () => Promise<T>) => Promise<T>;

export interface StockContext {
  db: Db;
  /** A connector for a Connection row, credentials decrypted (see `registryConnectors`). */
  connectorFor(connection: Connection): Connector | Promise<Connector>;
  /** Defaults to `processStockLock` (one process). Workers on several hosts need a shared lock. */
  lock?: StockLock;
  /** Checked between phases: an aborted job stops at the next phase boundary. */
  signal?: AbortSignal;
  /** Called after each phase commits (tests use it to kill a job between phases). */
  afterPhase?(phase: string): void | Promise<void>;
  now?(): Date;
}

/** A lock held in this process's memory: enough when one worker process handles a shop's jobs. */
export function inMemoryStockLock(): StockLock {
  const tails = new Map<string, Promise<void>>();
  return async (keys, work) => {
    const releases: Array<() => void> = [];
    try {
      for (const key of [...new Set(keys)].sort()) {
        const previous = tails.get(key) ?? Promise.resolve();
        let release!: () => void;
        const mine = new Promise<void>((resolve) => (release = resolve));
        const tail = previous.then(() => mine);
        tails.set(key, tail);
        releases.push(() => {
          release();
          if (tails.get(key) === tail) tails.delete(key);
        });
        await previous;
      }
      return await work();
    } finally {
      for (const release of releases) release();
    }
  };
}

/** The process-wide lock used when a context brings none. */
export const processStockLock: StockLock = inMemoryStockLock();

export async function phaseDone(ctx: StockContext, phase: string): Promise<void> {
  await ctx.afterPhase?.(phase);
  ctx.signal?.throwIfAborted();
}

export interface RegistryConnectorOptions {
  registry: Pick<ConnectorRegistry, 'getConnector'>;
  box: SecretBox;
  db: Db;
  /** Budget, logger, fetch and simulator URL for a connection. */
  deps(connection: Connection): Omit<ConnectorDeps, 'credentials'>;
}

/**
 * Builds connectors from the registry: the module named by `connection.platform`, its config
 * parsed by the manifest's schema, and credentials decrypted from the row (a refreshed token is
 * encrypted and written back).
 */
export function registryConnectors(options: RegistryConnectorOptions): (connection: Connection) => Connector {
  return (connection) => {
    const module = options.registry.getConnector(connection.platform);
    const config = module.manifest.configSchema.parse(connection.config ?? {});
    const read = async (): Promise<Credentials> => {
      const row = await options.db.connection.findUniqueOrThrow({ where: { id: connection.id }, select: { credentials: true } });
      return options.box.decryptJson<Credentials>(row.credentials);
    };
    return module.create(config, {
      ...options.deps(connection),
      credentials: {
        get: read,
        async update(change) {
          const next = await change(await read());
          await options.db.connection.update({ where: { id: connection.id }, data: { credentials: options.box.encryptJson(next) } });
          return next;
        },
      },
    });
  };
}

/**
 * The connection where a partner's listings live: the retailer shop's own store (the connection
 * whose account is the shop's domain), else its oldest active connection.
 */
export async function partnerConnection(db: Db, retailerShopId: string): Promise<Connection | null> {
  const shop = await db.shop.findUnique({ where: { id: retailerShopId }, select: { domain: true } });
  if (!shop) return null;
  const own = await db.connection.findFirst({ where: { shopId: retailerShopId, externalAccount: shop.domain, status: 'ACTIVE' } });
  return own ?? db.connection.findFirst({ where: { shopId: retailerShopId, status: 'ACTIVE' }, orderBy: { createdAt: 'asc' } });
}

export type StockConnector = InventoryReader & InventoryWriter;

/** The connection's stock methods, or `capability_missing` naming what the connector lacks. */
export async function stockConnector(ctx: StockContext, connection: Connection): Promise<StockConnector> {
  const connector = await ctx.connectorFor(connection);
  const reader = requireCapability(connector, 'inventory.read');
  const writer = requireCapability(connector, 'inventory.write');
  return { readInventory: (refs) => reader.readInventory(refs), writeInventory: (writes) => writer.writeInventory(writes) };
}

/** How a supplier variant is addressed on its own platform. */
export function supplierRef(v: Pick<SourceVariant, 'externalVariantId' | 'inventoryItemId' | 'sku'>): VariantRef {
  return { variantId: v.externalVariantId, inventoryItemId: v.inventoryItemId, sku: v.sku as VariantRef['sku'] };
}

/** How a listing is addressed at the partner. */
export function partnerRef(l: Pick<Listing, 'partnerVariantId' | 'partnerInventoryItemId' | 'partnerSku'>): VariantRef {
  return { variantId: l.partnerVariantId!, inventoryItemId: l.partnerInventoryItemId, sku: l.partnerSku as VariantRef['sku'] };
}

