// A clock the control API can move, so tests reach "tomorrow" or "an hour later" at once.
export class SimClock {
  #offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.#offsetMs);
  }

  nowMs(): number {
    return Date.now() + this.#offsetMs;
  }

  advance(ms: number) {
    this.#offsetMs += ms;
  }

  set(at: Date) {
    this.#offsetMs = at.getTime() - Date.now();
  }

  reset() {
    this.#offsetMs = 0;
  }
}
