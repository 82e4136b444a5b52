// Polls until a probe yields something truthy: how tests wait on workers, webhooks and queues
// without sleeping a fixed time. The timeout only bounds a test that would otherwise hang.

export type Probe<T> = () => T | undefined | null | false | Promise<T | undefined | null | false>;

export async function until<T>(probe: Probe<T>, timeoutMs = 30_000, pollMs = 25): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms: ${probe.toString().slice(0, 200)}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
