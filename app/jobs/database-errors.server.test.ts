import { describe, expect, it } from 'vitest';
import { isDatabaseConnectionLost } from './database-errors.server.ts';

describe('when a job fails on a database error', () => {
  it.each([
    // What Prisma's pg adapter threw in the chaos suite after pg_terminate_backend.
    ['the backend was terminated', new Error('Invalid `ctx.db.listing.findFirst()` invocation:\n\nDatabase error. Code: `57P01`. Message: `terminating connection due to administrator command`'), true],
    ['pg lost the socket', new Error('Connection terminated unexpectedly'), true],
    ['Prisma cannot reach the server', Object.assign(new Error("Can't reach database server"), { code: 'P1001' }), true],
    ['a unique violation', Object.assign(new Error('Unique constraint failed on the fields: (`eventId`)'), { code: 'P2002' }), false],
    ['a vendor’s 503', new Error('Shopify answered 503'), false],
  ])('%s → connection lost: %s', (_case, err, lost) => {
    expect(isDatabaseConnectionLost(err)).toBe(lost);
  });
});
