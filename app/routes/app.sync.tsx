// Sync: pick a job, read what it will do, pick the partnership (and Full or Partial where the job
// has both), press "Run sync" and watch the run's progress until its summary. Scheduled-only jobs
// (billing above all) show their last run and no button.
import { useEffect, useState } from 'react';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { data } from '@remix-run/node';
import { useFetcher, useLoaderData, useRevalidator } from '@remix-run/react';
import { Badge, Banner, BlockStack, Button, Card, ChoiceList, InlineStack, Layout, Page, ProgressBar, Select, Text, Tooltip } from '@shopify/polaris';
import { z } from 'zod';
import { database } from '../db.server.ts';
import { requestManualRun } from '../jobs/enqueue.server.ts';
import { appQueues } from '../jobs/app-queues.server.ts';
import { isQueueUnavailable } from '../jobs/queues.server.ts';
import { authenticate } from '../shopify.server.ts';
import { RunRefused, RunSyncInput, loadSyncScreen, prepareManualRun, runProgress, type JobKind, type RunProgress } from '../sync/dashboard.server.ts';


export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const db = await database();
  const runId = new URL(request.url).searchParams.get('run');
  const run = runId ? await runProgress(db, session.shop, runId) : null;
  return { ...(await loadSyncScreen(db, session.shop)), run };
};

type ActionAnswer = { ok: true; syncRunId: string | null } | { ok: false; errors: Record<string, string[] | undefined>; message?: string };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const parsed = RunSyncInput.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data<ActionAnswer>({ ok: false, errors: z.flattenError(parsed.error).fieldErrors }, 400);
  const db = await database();
  try {
    const run = await requestManualRun(db, appQueues(), await prepareManualRun(db, session.shop, parsed.data));
    return data<ActionAnswer>({ ok: true, syncRunId: run.syncRunId ?? null });
  } catch (err) {
    if (isQueueUnavailable(err)) return data<ActionAnswer>({ ok: false, errors: {}, message: `Could not start the run: ${(err as Error).message} Try again in a minute.` }, 503);
    if (!(err instanceof RunRefused)) throw err;
    return data<ActionAnswer>({ ok: false, errors: err.field ? { [err.field]: [err.message] } : {}, message: err.message }, err.code === 'not_found' ? 404 : 400);
  }
};

function seconds(ms: number | null) {
  if (ms === null) return '—';
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export default function Sync() {
  const { jobs, partnerships } = useLoaderData<typeof loader>();
  const start = useFetcher<ActionAnswer>();
  const poll = useFetcher<typeof loader>();
  const [kind, setKind] = useState<JobKind>('catalog.sync');
  const [partnershipId, setPartnershipId] = useState(partnerships[0]?.id ?? '');
  const [mode, setMode] = useState<'PARTIAL' | 'FULL'>('PARTIAL');
  const job = jobs.find((j) => j.kind === kind) ?? jobs[0];
  const started = start.data?.ok ? start.data.syncRunId : null;
  const errors = start.data && !start.data.ok ? start.data.errors : {};
  const run: RunProgress | null = started && poll.data?.run?.id === started ? poll.data.run : null;

  // Once finished, reload the page's data so "Last run" shows this run.
  const revalidator = useRevalidator();
  useEffect(() => {
    if (run?.finished) revalidator.revalidate();
    // Only on the change to finished, not on every revalidator state.
  }, [run?.finished]);

  // Poll the run's row once a second until it has finished.
  useEffect(() => {
    if (!started || run?.finished) return;
    const timer = setInterval(() => {
      if (poll.state === 'idle') poll.load(`/app/sync?run=${encodeURIComponent(started)}`);
    }, 1000);
    return () => clearInterval(timer);
  }, [started, run?.finished, poll]);

  return (
    <Page title="Sync">
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <Select label="Job" options={jobs.map((j) => ({ label: j.title, value: j.kind }))} value={kind} onChange={(v) => setKind(v as JobKind)} error={errors.kind?.[0]} />
              <Text as="p" variant="bodyLg">
                {job.description}
              </Text>
              {job.lastRun ? (
                <InlineStack gap="200" blockAlign="center">
                  <Text as="span">Last run:</Text>
                  <Badge>{job.lastRun.state}</Badge>
                  <Tooltip content={job.lastRun.exact}>
                    <Text as="span" tone="subdued">
                      {job.lastRun.ago}
                    </Text>
                  </Tooltip>
                </InlineStack>
              ) : (
                <Text as="p" tone="subdued">
                  Not run yet.
                </Text>
              )}
              {job.manual ? (
                <>
                  {partnerships.length ? (
                    <Select
                      label="Partner"
                      options={partnerships.map((p) => ({ label: p.label, value: p.id }))}
                      value={partnershipId}
                      onChange={setPartnershipId}
                      error={errors.partnershipId?.[0]}
                    />
                  ) : (
                    <Banner tone="info">No active partnership yet: invite a partner on the Partners page first.</Banner>
                  )}
                  {job.hasMode ? (
                    <ChoiceList
                      title="How much"
                      choices={[
                        { label: 'Partial: only what changed since the last sync', value: 'PARTIAL' },
                        { label: 'Full: every product, from the beginning', value: 'FULL' },
                      ]}
                      selected={[mode]}
                      onChange={(v) => setMode(v[0] as 'PARTIAL' | 'FULL')}
                      error={errors.mode?.[0]}
                    />
                  ) : null}
                  {start.data && !start.data.ok && start.data.message ? <Banner tone="critical">{start.data.message}</Banner> : null}
                  <InlineStack>
                    <Button
                      variant="primary"
                      disabled={!partnershipId || Boolean(started && !run?.finished)}
                      loading={start.state !== 'idle'}
                      onClick={() => start.submit({ kind, partnershipId, mode }, { method: 'post' })}
                    >
                      Run sync
                    </Button>
                  </InlineStack>
                </>
              ) : (
                <Text as="p" tone="subdued">
                  {kind === 'billing.daily' ? 'Billing runs once a day on its own and is never started by hand.' : 'This job runs on its own schedule.'}
                </Text>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        {started ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {run?.finished ? 'Sync finished' : run?.state === 'running' ? 'Syncing…' : 'Waiting to start…'}
                </Text>
                <ProgressBar progress={run?.percent ?? 0} tone={run?.state === 'failed' ? 'critical' : 'primary'} ariaLabelledBy="sync-progress-label" />
                <span id="sync-progress-label" data-progress={run?.percent ?? 0}>
                  <Text as="span" tone="subdued">
                    {run ? `${run.percent}% (${run.done} of ${run.total || '?'})` : '0%'}
                  </Text>
                </span>
                {run?.finished ? (
                  <BlockStack gap="200">
                    <InlineStack gap="200">
                      <Badge tone={run.state === 'succeeded' ? 'success' : run.state === 'failed' ? 'critical' : 'warning'}>{run.state}</Badge>
                      <Text as="span">
                        {Object.entries(run.counts)
                          .map(([name, n]) => `${n} ${name}`)
                          .join(' · ') || 'Nothing to change'}
                      </Text>
                    </InlineStack>
                    <Text as="p">
                      {run.apiCalls} API calls · took {seconds(run.durationMs)}
                    </Text>
                    {run.errors.length ? (
                      <Banner tone="critical" title="Errors">
                        <BlockStack gap="100">
                          {run.errors.map((e, i) => (
                            <Text as="p" key={i}>
                              {e}
                            </Text>
                          ))}
                        </BlockStack>
                      </Banner>
                    ) : null}
                  </BlockStack>
                ) : null}
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
      </Layout>
    </Page>
  );
}
