import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/support/db.ts';
import { useDatabase } from './db.server.ts';
import { loader } from './routes/healthz.tsx';
import { checkHealth } from './health.server.ts';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase('health');
  useDatabase(t.db);
});
afterAll(async () => {
  await t.drop();
});

describe('when the database and Redis are reachable', () => {
  it('answers /healthz with 200 and both up', async () => {
    const response = await loader();

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, db: 'up', redis: 'up' });
  });
});

describe('when Redis is unreachable', () => {
  it('reports it down and the whole not ok', async () => {
    const health = await checkHealth(async () => t.db, 'redis://127.0.0.1:1', 1000);

    expect(health).toEqual({ ok: false, db: 'up', redis: 'down' });
  });
});
