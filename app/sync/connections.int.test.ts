import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { connectionCredentials, sealCredentials } from './connections.server.ts';

let database: TestDatabase;
let connectionId: string;

beforeAll(async () => {
  database = await createTestDatabase('connections');
  const shop = await database.db.shop.create({ data: { domain: 'xero-user.myshopify.com' } });
  const connection = await database.db.connection.create({
    data: { shopId: shop.id, platform: 'xero', externalAccount: 'tenant-1', credentials: sealCredentials({ accessToken: 'a0', refreshToken: '0' }) },
  });
  connectionId = connection.id;
});
afterAll(() => database.drop());

describe('when two workers rotate one connection’s refresh token at once', () => {
  it('runs the updates one after the other, each seeing the previous one’s token', async () => {
    // Two stores, as two worker processes would hold; each rotation takes a moment (an HTTP call).
    const stores = [connectionCredentials(database.db, connectionId), connectionCredentials(database.db, connectionId)];
    const seen: string[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        stores[i % 2]!.update(async (current) => {
          seen.push(current.refreshToken!);
          await new Promise((resolve) => setTimeout(resolve, 20));
          const next = String(Number(current.refreshToken) + 1);
          return { ...current, accessToken: `a${next}`, refreshToken: next };
        }),
      ),
    );

    expect(seen.sort()).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(await stores[0]!.get()).toEqual({ accessToken: 'a6', refreshToken: '6' });
  });

  it('stores the credentials encrypted, never as plain text', async () => {
    const row = await database.db.connection.findUniqueOrThrow({ where: { id: connectionId } });
    expect(row.credentials).toMatch(/^v1:/);
    expect(row.credentials).not.toContain('refreshToken');
  });
});
