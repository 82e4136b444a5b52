// GET /healthz: 200 {ok:true, db:'up', redis:'up'} when healthy, 503 with the same shape when not.
import { database } from '../db.server.ts';
import { env } from '../env.server.ts';
import { checkHealth } from '../health.server.ts';

export const loader = async () => {
  const health = await checkHealth(database, env().REDIS_URL);
  return Response.json(health, { status: health.ok ? 200 : 503, headers: { 'Cache-Control': 'no-store' } });
};
