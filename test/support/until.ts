// Waiting for another process (a worker, a simulator's webhook sender, a queue) to reach a state:
// polls `probe` until it returns something truthy, instead of sleeping a fixed time. The timeout
// only bounds a test that would otherwise hang; `what` names the state when it runs out.

export type Probe<T> = () => T | undefined | null | false | Promise<T | undefined | null | false>;

export function until<T>(probe: Probe<T>, ms?: number): Promise<T>;
export function until<T>(what: string, probe: Probe<T>, ms?: number): Promise<T>;
export async function until<T>(...args: [Probe<T>, number?] | [string, Probe<T>, number?]): Promise<T> {
  const [what, probe, ms = 60_000] = typeof args[0] === 'string' ? (args as [string, Probe<T>, number?]) : (['the condition', ...args] as [string, Probe<T>, number?]);
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
