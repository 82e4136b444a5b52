// "The vendor did the work but the answer never arrived": the request runs to completion (the
// charge is made, the invoice is created), then the socket closes instead of the response,
// optionally after a delay (a client timeout). This is the case idempotency keys exist for, so
// billing and invoice posting are tested against it. Faults are data, like FaultBook's.
import type { NextFunction, Request, Response } from 'express';
import { FaultBook } from './faults.ts';

export interface LostResponse {
  /** Regular expression source matched against "METHOD /path". */
  route: string;
  /** How many matching requests lose their response; omitted = until cleared. */
  times?: number;
  /** Hold the finished response this long before closing the socket. */
  delayMs?: number;
}

export class LostResponses {
  #book = new FaultBook();

  add(fault: LostResponse) {
    this.#book.add({ route: fault.route, times: fault.times, delayMs: fault.delayMs, drop: true });
  }

  clear() {
    this.#book.clear();
  }

  list(): LostResponse[] {
    return this.#book.list().map(({ route, times, delayMs }) => ({ route, times, delayMs }));
  }

  /** Lets the vendor handler run, then swallows whatever it answers and drops the connection. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      if (req.path.startsWith('/_control')) return next();
      const fault = this.#book.take(req.method, req.path);
      if (!fault) return next();
      res.end = (() => {
        setTimeout(() => req.socket.destroy(), fault.delayMs ?? 0);
        return res;
      }) as Response['end'];
      next();
    };
  }
}
