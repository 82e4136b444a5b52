// Tandem's own database going away mid-job (a failover, a restart, an idle connection killed by a
// proxy or pg_terminate_backend) is not the merchant's problem to read about in Prisma's words: the
// job layer records it as `unavailable` with a plain message and retries on fresh connections.

/**
 * SQLSTATE class 08 (connection exception) and 57P01-57P03 (admin shutdown, crash shutdown, cannot
 * connect now), as PostgreSQL reports them (docs: errcodes-appendix); Prisma's P1001 (can't reach),
 * P1017 (server closed the connection) and P2024 (pool timeout).
 */
const LOST = /\b(57P0[123]|08\d{3}|P1001|P1017|P2024)\b|Connection terminated unexpectedly|ECONNRESET|ECONNREFUSED/;

/** True when `err` says the database connection was lost, not that a query was wrong. */
export function isDatabaseConnectionLost(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return (typeof code === 'string' && LOST.test(code)) || LOST.test(err.message);
}

export const DATABASE_LOST_MESSAGE = 'Tandem lost its database connection during the run; it is tried again automatically.';
