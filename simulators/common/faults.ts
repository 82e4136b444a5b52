// Faults are data (STYLE.md: simulators): `{ route, status: 429, times: 3, retryAfterS: 2 }`,
// applied by one middleware before the vendor's own handler runs.
import type { NextFunction, Request, Response } from 'express';

export interface Fault {
  /** Regular expression source matched against "METHOD /path" (e.g. "POST /admin/api/.*graphql"). */
  route: string;
  /** HTTP status to answer with; omit with delayMs alone to only slow the call down. */
  status?: number;
  /** How many matching requests it applies to; omitted = until cleared. */
  times?: number;
  retryAfterS?: number;
  delayMs?: number;
  /** Body to send; the simulator's vendor-shaped error body is used when omitted. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Close the socket without answering (a network error for the client). */
  drop?: boolean;
}

interface ActiveFault extends Fault {
  matcher: RegExp;
  remaining: number;
  hits: number;
}

export type VendorErrorBody = (status: number) => unknown;

export class FaultBook {
  #faults: ActiveFault[] = [];

  add(fault: Fault) {
    this.#faults.push({ ...fault, matcher: new RegExp(fault.route), remaining: fault.times ?? Infinity, hits: 0 });
  }

  clear() {
    this.#faults = [];
  }

  list() {
    return this.#faults.map(({ matcher: _m, ...f }) => f);
  }

  /** Takes the first fault matching the request, counting it down. */
  take(method: string, path: string): ActiveFault | undefined {
    const key = `${method} ${path}`;
    const fault = this.#faults.find((f) => f.remaining > 0 && f.matcher.test(key));
    if (!fault) return undefined;
    fault.remaining -= 1;
    fault.hits += 1;
    return fault;
  }

  middleware(errorBody: VendorErrorBody) {
    return async (req: Request, res: Response, next: NextFunction) => {
      if (req.path.startsWith('/_control')) return next();
      const fault = this.take(req.method, req.path);
      if (!fault) return next();
      if (fault.delayMs) await sleep(fault.delayMs);
      if (fault.drop) {
        req.socket.destroy();
        return;
      }
      if (!fault.status) return next();
      if (fault.retryAfterS !== undefined) res.setHeader('Retry-After', String(fault.retryAfterS));
      for (const [k, v] of Object.entries(fault.headers ?? {})) res.setHeader(k, v);
      res.status(fault.status).json(fault.body ?? errorBody(fault.status));
    };
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
