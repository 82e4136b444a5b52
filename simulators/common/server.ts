// The part every simulator shares: an express app with raw-body capture (signatures are computed
// over the exact bytes), per-request latency, the fault and lost-response middleware, the /_control
// API for latency/faults/lost-responses/clock, and start/stop on a free local port.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type Express, type Request } from 'express';
import { FaultBook, sleep, type VendorErrorBody } from './faults.ts';
import { LostResponses } from './lost-response.ts';
import { SimClock } from './clock.ts';

export interface SimulatorOptions {
  /** Milliseconds added to every vendor request (not control calls). Default 50, or SIM_LATENCY_MS. */
  latencyMs?: number;
  /** Body limit for JSON/form payloads. */
  bodyLimit?: string;
}

export interface SimulatorBase {
  app: Express;
  faults: FaultBook;
  /** Requests that do their work and then lose the answer (a dropped socket). */
  lostResponses: LostResponses;
  clock: SimClock;
  latency: { ms: number };
  /** Registered by the vendor simulator: clears its state (the base clears faults and clock). */
  onReset(fn: () => void): void;
}

export interface RunningSimulator {
  url: string;
  port: number;
  close(): Promise<void>;
}

export type RawRequest = Request & { rawBody?: Buffer };

export function defaultLatency(): number {
  const fromEnv = Number(process.env.SIM_LATENCY_MS);
  return Number.isFinite(fromEnv) && process.env.SIM_LATENCY_MS !== undefined ? fromEnv : 50;
}

export function createSimulatorBase(errorBody: VendorErrorBody, options: SimulatorOptions = {}): SimulatorBase {
  const app = express();
  app.disable('x-powered-by');
  const faults = new FaultBook();
  const lostResponses = new LostResponses();
  const clock = new SimClock();
  const latency = { ms: options.latencyMs ?? defaultLatency() };
  const resets: (() => void)[] = [];
  const keepRaw = (req: RawRequest, _res: unknown, buf: Buffer) => {
    req.rawBody = Buffer.from(buf);
  };
  const limit = options.bodyLimit ?? '5mb';
  app.use(express.json({ limit, verify: keepRaw, type: ['application/json', 'application/*+json'] }));
  app.use(express.urlencoded({ limit, extended: true, verify: keepRaw }));

  app.get('/_control/latency', (_req, res) => res.json({ ms: latency.ms }));
  app.post('/_control/latency', (req, res) => {
    const ms = Number(req.body?.ms);
    if (!Number.isFinite(ms) || ms < 0) {
      res.status(400).json({ error: 'ms must be a number of milliseconds, 0 or more' });
      return;
    }
    latency.ms = ms;
    res.json({ ms: latency.ms });
  });
  app.post('/_control/faults', (req, res) => {
    const list = Array.isArray(req.body) ? req.body : [req.body];
    for (const f of list) faults.add(f);
    res.status(201).json({ faults: faults.list() });
  });
  app.get('/_control/faults', (_req, res) => res.json({ faults: faults.list() }));
  app.delete('/_control/faults', (_req, res) => {
    faults.clear();
    res.status(204).end();
  });
  app.post('/_control/lost-responses', (req, res) => {
    for (const f of Array.isArray(req.body) ? req.body : [req.body]) lostResponses.add(f);
    res.status(201).json({ lostResponses: lostResponses.list() });
  });
  app.get('/_control/lost-responses', (_req, res) => res.json({ lostResponses: lostResponses.list() }));
  app.delete('/_control/lost-responses', (_req, res) => {
    lostResponses.clear();
    res.status(204).end();
  });
  app.post('/_control/clock', (req, res) => {
    if (req.body?.advanceMs) clock.advance(Number(req.body.advanceMs));
    if (req.body?.at) clock.set(new Date(req.body.at));
    res.json({ now: clock.now().toISOString() });
  });
  app.post('/_control/reset', (_req, res) => {
    faults.clear();
    lostResponses.clear();
    clock.reset();
    for (const fn of resets) fn();
    res.status(204).end();
  });

  app.use(async (req, _res, next) => {
    if (!req.path.startsWith('/_control') && latency.ms > 0) await sleep(latency.ms);
    next();
  });
  app.use(faults.middleware(errorBody));
  app.use(lostResponses.middleware());

  return { app, faults, lostResponses, clock, latency, onReset: (fn) => resets.push(fn) };
}

/** Listens on 127.0.0.1 (port 0 = a free one). */
export async function listen(app: Express, port = 0): Promise<RunningSimulator> {
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
  server.keepAliveTimeout = 1000;
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
