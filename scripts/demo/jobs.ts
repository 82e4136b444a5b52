// The demo waits for the real queue: a job is done when BullMQ says so (completed, or failed for
// good), however many retries it took on the way.
import type { Queues, QueueName } from '../../app/jobs/queues.server.ts';
import type { JobResult } from '../../app/jobs/job-definition.server.ts';

/** Waits until job `jobId` of `queue` has finished; returns what its handler reported. */
export async function jobFinished(queues: Queues, queue: QueueName, jobId: string, timeoutMs = 60_000): Promise<JobResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // The state first, then the job: a job read before it finished carries no return value yet.
    const state = await queues.get(queue).getJobState(jobId);
    if (state === 'completed' || state === 'failed') {
      const job = await queues.get(queue).getJob(jobId);
      if (state === 'failed') throw new Error(`${queue} job ${jobId} failed: ${job?.failedReason}`);
      return (job?.returnvalue ?? {}) as JobResult;
    }
    if (Date.now() > deadline) throw new Error(`${queue} job ${jobId} did not finish within ${timeoutMs / 1000} s (last state: ${state})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until `check` holds (state the demo reads back from a simulator). */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
