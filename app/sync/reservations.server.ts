// Reservations: the units an order took out of a supplier variant's stock, one row per
// (order, variant). The unique row is the oversell guard's intent record:
//   quantity 0, HELD   claimed: this delivery started, stock not yet netted out
//   quantity n, HELD   netted: the n units are out of the supplier's count (never net them again)
//   CONSUMED           the forwarded supplier order used the hold (it must not decrement again)
//   RELEASED           the order was cancelled before forwarding
import type { Db, Prisma } from '../db.server.ts';
import type { Reservation } from '../generated/prisma/client.ts';

/** `${shopDomain}/${orderId}`: the shop where the order was placed and the platform's order id. */
export function orderKeyOf(shopDomain: string, orderExternalId: string): string {
  return `${shopDomain}/${orderExternalId}`;
}

/**
 * Claims one reservation per variant in ONE transaction. Rows that already exist belong to an
 * earlier delivery of the same order and are returned unchanged in `existing`.
 */
export async function claimReservations(db: Db, orderKey: string, sourceVariantIds: string[]): Promise<{ claimed: Reservation[]; existing: Reservation[] }> {
  // A batch transaction (no interactive session): cheap under load, still one transaction.
  const [claimed, all] = await db.$transaction([
    db.reservation.createManyAndReturn({
      data: sourceVariantIds.map((sourceVariantId) => ({ orderKey, sourceVariantId, quantity: 0, state: 'HELD' as const })),
      skipDuplicates: true,
    }),
    db.reservation.findMany({ where: { orderKey, sourceVariantId: { in: sourceVariantIds } } }),
  ]);
  const mine = new Set(claimed.map((r) => r.id));
  return { claimed, existing: all.filter((r) => !mine.has(r.id)) };
}

export async function reservationsOf(db: Db, orderKey: string): Promise<Reservation[]> {
  return db.reservation.findMany({ where: { orderKey } });
}

/** A claimed reservation whose units are not yet netted out of the supplier's stock. */
export function isPending(reservation: Pick<Reservation, 'quantity' | 'state'>): boolean {
  return reservation.state === 'HELD' && reservation.quantity === 0;
}

export interface HeldUnits {
  sourceVariantId: string;
  quantity: number;
}

/**
 * Consumed by order forwarding: marks the order's held units CONSUMED and returns every unit
 * the order already took out of supplier stock (also those consumed by an earlier attempt), so the
 * forwarded supplier order is created without decrementing stock a second time. A variant absent
 * from the answer was never netted: the supplier order must take its stock normally.
 */
export async function consumeReservation(tx: Prisma.TransactionClient, orderKey: string): Promise<HeldUnits[]> {
  // Runs in the forwarding transaction, so a forward that rolls back leaves the units held.
  await tx.reservation.updateMany({ where: { orderKey, state: 'HELD', quantity: { gt: 0 } }, data: { state: 'CONSUMED' } });
  const rows = await tx.reservation.findMany({ where: { orderKey, state: 'CONSUMED' }, orderBy: { sourceVariantId: 'asc' } });
  return rows.map((r) => ({ sourceVariantId: r.sourceVariantId, quantity: r.quantity }));
}

/** The order was cancelled before it was forwarded: its holds no longer count. */
export async function releaseReservation(db: Db, orderKey: string): Promise<number> {
  const { count } = await db.reservation.updateMany({ where: { orderKey, state: 'HELD' }, data: { state: 'RELEASED' } });
  return count;
}
