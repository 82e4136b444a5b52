// The web app's SyncContext, for the few engine calls a merchant's click makes directly (publishing
// the products they approve). Its connectors spend from the same Redis rate-limit budgets as the
// workers, so a click and a running sync never overrun the platform's limit together.
import { getConnector } from '../../connectors/index.ts';
import type { Db } from '../db.server.ts';
import { createSyncContext, type SyncContext } from '../sync/connections.server.ts';
import { appQueues } from './app-queues.server.ts';
import { Budgets } from './budget.server.ts';

export function appSyncContext(db: Db): SyncContext {
  const { connection, prefix } = appQueues();
  const budgets = new Budgets({ connection, prefix });
  return createSyncContext(db, {
    budgetFor: (c) => {
      const { manifest } = getConnector(c.platform);
      return budgets.forConnection(c.id, manifest.rateLimit, manifest.id);
    },
  });
}
