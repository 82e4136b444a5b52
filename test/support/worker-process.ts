// `npm run worker` as a real OS process (app/jobs/worker.ts under tsx), pointed at a test's schema
// and Redis key prefix, for the reliability suite: it can be SIGKILLed mid-job and started again,
// and everything it prints is kept (the secrets-in-logs check reads it).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface WorkerProcessOptions {
  /** The test's PostgreSQL URL; the schema goes in as `?schema=` (postgresOptionsOf). */
  databaseUrl: string;
  schema: string;
  redisUrl: string;
  redisPrefix: string;
  /** WORKER_LOCK_MS: how soon a killed worker's job is found stalled (default 3 s here, 30 s in production). */
  lockMs?: number;
  /** More environment (TANDEM_ENCRYPTION_KEY, LOG_LEVEL...). */
  env?: Record<string, string>;
}

export interface WorkerProcess {
  readonly pid: number;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves once the worker printed that its queues run (rejects if it exits first). */
  ready: Promise<void>;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Applied to the pg URL so a test can find (and terminate) exactly its own processes' connections. */
export function withApplicationName(url: string, name: string) {
  const u = new URL(url);
  u.searchParams.set('application_name', name);
  return u.toString();
}

export function startWorkerProcess(options: WorkerProcessOptions): WorkerProcess {
  const url = new URL(options.databaseUrl);
  url.searchParams.set('schema', options.schema);
  const { TANDEM_ENCRYPTION_KEY: _key, DATABASE_URL: _url, ...inherited } = process.env;
  // node --import tsx, not the tsx CLI: the CLI runs the script in a child of its own, which a
  // SIGKILL of the CLI would leave running.
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'app/jobs/worker.ts'], {
    cwd: root,
    env: {
      ...inherited,
      NODE_ENV: 'test',
      DATABASE_URL: url.toString(),
      REDIS_URL: options.redisUrl,
      REDIS_PREFIX: options.redisPrefix,
      WORKER_LOCK_MS: String(options.lockMs ?? 3_000),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Tandem worker running')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(({ code, signal }) => reject(new Error(`worker exited (${code ?? signal}) before it ran:\n${out}`)));
  });
  ready.catch(() => {});
  return {
    pid: child.pid!,
    output: () => out,
    ready,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
