// `npm run bench [-- --scale quick|full] [--only oversell,catalog,inventory,planning,fairness]`:
// runs the scenarios against the Shopify simulator (50 ms a call, Standard-plan cost limits), real
// PostgreSQL and Redis, each in a fresh schema and Redis prefix, and prints one table with each
// figure beside its lower bound. Progress goes to stderr, the table to stdout.
import { parseArgs } from 'node:util';
import { openBenchEnv, type BenchEnv } from './env.ts';
import { SCALES, type Scale } from './scale.ts';
import { renderTable, type BenchRow } from './table.ts';
import { runOversell } from './scenarios/oversell.ts';
import { runCatalog } from './scenarios/catalog.ts';
import { runInventory } from './scenarios/inventory.ts';
import { runPlanning } from './scenarios/planning.ts';
import { runFairness } from './scenarios/fairness.ts';

const LATENCY_MS = 50;
const ALL = ['oversell', 'catalog', 'inventory', 'planning', 'fairness'] as const;
type ScenarioName = (typeof ALL)[number];

function options(): { scale: Scale; only: Set<ScenarioName> } {
  const { values } = parseArgs({ options: { scale: { type: 'string', default: 'quick' }, only: { type: 'string' } } });
  const scale = SCALES[values.scale as Scale['name']];
  if (!scale) throw new Error(`--scale must be quick or full, not ${values.scale}`);
  const only = new Set((values.only?.split(',') ?? ALL) as ScenarioName[]);
  for (const name of only) if (!ALL.includes(name)) throw new Error(`--only takes ${ALL.join(', ')}; ${name} is none of them`);
  return { scale, only };
}

/** Runs one scenario in an environment of its own, closed (schema dropped, keys deleted) after. */
async function inFreshEnv(label: string, work: (env: BenchEnv) => Promise<BenchRow[]>): Promise<BenchRow[]> {
  const env = await openBenchEnv(label);
  try {
    return await work(env);
  } finally {
    await env.close();
  }
}

async function main() {
  const { scale, only } = options();
  const rows: BenchRow[] = [];
  const started = Date.now();
  const say = (text: string) => console.error(`[bench +${Math.round((Date.now() - started) / 1000)}s] ${text}`);
  say(`scale ${scale.name}, ${LATENCY_MS} ms per Shopify call, Standard plan`);
  const scenario = async (name: ScenarioName, title: string, work: (env: BenchEnv) => Promise<BenchRow[]>) => {
    if (!only.has(name)) return;
    say(title);
    const found = await inFreshEnv(name, work);
    for (const row of found) say(`  ${row.metric}: ${Math.round((row.value ?? 0) * 100) / 100} ${row.unit}`);
    rows.push(...found);
  };

  await scenario('oversell', '1 oversell', async (env) => (await runOversell(env, scale, LATENCY_MS)).rows);
  for (const variants of scale.catalogVariants) {
    await scenario('catalog', `2 catalog, ${variants} variants`, async (env) => {
      env.startWorkers(['catalog.sync']);
      return runCatalog(env, variants, LATENCY_MS);
    });
  }
  await scenario('inventory', `3 hourly inventory, ${scale.inventorySkus} SKUs`, (env) => runInventory(env, scale.inventorySkus, LATENCY_MS));
  await scenario('planning', `4 planning, ${scale.planningListings} listings`, (env) => runPlanning(env, scale.planningListings));
  await scenario('fairness', `5 fairness, ${scale.fairnessVariants} variants`, (env) => runFairness(env, scale.fairnessVariants, scale.oversellRuns, LATENCY_MS));

  const skipped = scale.name === 'quick' ? ' Quick scale: the 100,000-variant catalog sync and fairness at 100,000 are not run (`--scale full` runs them).' : '';
  console.log(`\nTandem bench — scale ${scale.name}, ${LATENCY_MS} ms per Shopify call, Standard plan (2,000 points, 100/s), ${Math.round((Date.now() - started) / 1000)} s.${skipped}\n`);
  console.log(renderTable(rows));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
