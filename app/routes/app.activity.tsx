// Activity: sync runs, orders that could not be forwarded or posted, and invoices that did not
// reach the accounting system, filtered by kind, status and dates (the shop's own days); each
// failure with its reason, the fix and a Retry button that queues the work again on the workers.
import { useEffect, useState } from 'react';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { data } from '@remix-run/node';
import { useFetcher, useLoaderData, useRevalidator, useSearchParams } from '@remix-run/react';
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Layout, Page, Select, Text, TextField, Tooltip } from '@shopify/polaris';
import { z } from 'zod';
import { useToast } from '../components/use-toast.ts';
import { database } from '../db.server.ts';
import { appQueues } from '../jobs/app-queues.server.ts';
import { isQueueUnavailable } from '../jobs/queues.server.ts';
import { requestRetry } from '../jobs/enqueue.server.ts';
import { authenticate } from '../shopify.server.ts';
import { ActivityFilter, listActivity, type ActivityEntry } from '../sync/activity.server.ts';
import { RetryInput, RetryRefused, prepareRetry } from '../sync/activity-retry.server.ts';
import { JOB_KINDS, JOBS } from '../sync/dashboard.server.ts';

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const params = Object.fromEntries(new URL(request.url).searchParams);
  // Built here: the job table lives in a server module the browser bundle cannot import.
  const kinds = [{ label: 'Everything', value: 'all' }, { label: 'Order failures', value: 'orders' }, ...JOB_KINDS.map((k) => ({ label: JOBS[k].title, value: k }))];
  const filter = ActivityFilter.safeParse(params);
  if (!filter.success) {
    const errors: Record<string, string[] | undefined> = z.flattenError(filter.error).fieldErrors;
    return data({ entries: [] as ActivityEntry[], kinds, errors }, 400);
  }
  return { entries: await listActivity(await database(), session.shop, filter.data), kinds, errors: {} as Record<string, string[] | undefined> };
};

const tone = { succeeded: 'success', failed: 'critical', partial: 'warning', retrying: 'warning', running: 'info', queued: 'attention', skipped: undefined } as const;

type RetryAnswer = { ok: true; message: string } | { ok: false; errors: Record<string, string[] | undefined>; message: string };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const parsed = RetryInput.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) {
    const errors: Record<string, string[] | undefined> = z.flattenError(parsed.error).fieldErrors;
    return data<RetryAnswer>({ ok: false, errors, message: Object.values(errors).flat()[0] ?? 'Nothing to retry' }, 400);
  }
  const db = await database();
  try {
    const plan = await prepareRetry(db, session.shop, parsed.data);
    if (plan.job) await requestRetry(db, appQueues(), plan.job);
    return data<RetryAnswer>({ ok: true, message: plan.message });
  } catch (err) {
    if (isQueueUnavailable(err)) return data<RetryAnswer>({ ok: false, errors: {}, message: `Could not retry: ${(err as Error).message} Try again in a minute.` }, 503);
    if (!(err instanceof RetryRefused)) throw err;
    return data<RetryAnswer>({ ok: false, errors: {}, message: err.message }, 404);
  }
};

export default function Activity() {
  const { entries, kinds, errors } = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  const [filter, setFilter] = useState({
    kind: params.get('kind') ?? 'all',
    status: params.get('status') ?? 'all',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  });
  const set = (key: keyof typeof filter) => (value: string) => setFilter((f) => ({ ...f, [key]: value }));
  const apply = () => setParams(Object.fromEntries(Object.entries(filter).filter(([, v]) => v && v !== 'all')));
  const retry = useRetry();
  // While work is under way (a retry queued, a run going), reload every two seconds to show its outcome.
  useRefreshWhile(entries.some((e) => (e.type === 'run' ? e.state === 'queued' || e.state === 'running' : e.retrying)));

  return (
    <Page title="Activity">
      <Layout>
        <Layout.Section>
          <Card>
            <InlineStack gap="300" blockAlign="end" wrap>
              <Select
                label="Kind"
                options={kinds}
                value={filter.kind}
                onChange={set('kind')}
                error={errors.kind?.[0]}
              />
              <Select
                label="Status"
                options={['all', 'failed', 'partial', 'succeeded', 'running', 'queued'].map((s) => ({ label: s === 'all' ? 'Any status' : s, value: s }))}
                value={filter.status}
                onChange={set('status')}
                error={errors.status?.[0]}
              />
              <TextField label="From" type="date" value={filter.from} onChange={set('from')} autoComplete="off" error={errors.from?.[0]} />
              <TextField label="To" type="date" value={filter.to} onChange={set('to')} autoComplete="off" error={errors.to?.[0]} />
              <Button onClick={apply}>Apply filters</Button>
            </InlineStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              {entries.length === 0 ? <Text as="p">Nothing matches these filters.</Text> : null}
              {entries.map((e) =>
                e.type === 'run' ? <RunEntry key={e.id} run={e} retry={retry} /> : e.type === 'order' ? <OrderEntry key={e.id} order={e} retry={retry} /> : <InvoiceEntry key={e.id} invoice={e} retry={retry} />,
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

type Retry = ReturnType<typeof useRetry>;

/**
 * One fetcher for the page's Retry buttons, so the toast shows even when the pressed entry changes
 * or leaves the list as the new state loads.
 */
function useRetry() {
  const fetcher = useFetcher<RetryAnswer>();
  const toast = useToast();
  useEffect(() => {
    if (fetcher.state !== 'idle' || !fetcher.data) return;
    toast(fetcher.data.message, { isError: !fetcher.data.ok });
    // Only a finished press shows a toast, not a re-render.
  }, [fetcher.state, fetcher.data]);
  return {
    pressing: (target: string, id: string) => fetcher.state !== 'idle' && fetcher.formData?.get('target') === target && fetcher.formData?.get('id') === id,
    press: (target: 'order' | 'invoice' | 'run', id: string) => fetcher.submit({ target, id }, { method: 'post' }),
  };
}

/** Reloads the page's data every two seconds while `active`, for at most two minutes at a stretch. */
function useRefreshWhile(active: boolean) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!active) return;
    let left = 60;
    const timer = setInterval(() => {
      if (left-- <= 0) clearInterval(timer);
      else revalidator.revalidate();
    }, 2000);
    return () => clearInterval(timer);
    // The revalidator changes on every load; the timer follows `active` only.
  }, [active]);
}

function RetryControl({ retry, target, id, retrying, label }: { retry: Retry; target: 'order' | 'invoice' | 'run'; id: string; retrying: boolean; label: string }) {
  if (retrying) return <Badge tone="attention">Retrying now</Badge>;
  return (
    <Button size="slim" onClick={() => retry.press(target, id)} loading={retry.pressing(target, id)} accessibilityLabel={label}>
      Retry
    </Button>
  );
}

function When({ ago, exact }: { ago: string; exact: string }) {
  return (
    <Tooltip content={exact}>
      <Text as="span" tone="subdued">
        {ago}
      </Text>
    </Tooltip>
  );
}

function RunEntry({ run, retry }: { run: Extract<ActivityEntry, { type: 'run' }>; retry: Retry }) {
  const counts = Object.entries(run.counts).map(([name, n]) => `${n} ${name}`);
  if (run.apiCalls) counts.push(`${run.apiCalls} API calls`);
  return (
    <div data-activity="run">
      <BlockStack gap="100">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h3" variant="headingSm">
            {run.title}
            {run.mode ? ` (${run.mode.toLowerCase()})` : ''}
          </Text>
          <Badge tone={tone[run.state]}>{run.state}</Badge>
          <Text as="span" tone="subdued">
            {run.trigger}
          </Text>
          <When ago={run.ago} exact={run.exact} />
          {run.retryable ? <RetryControl retry={retry} target="run" id={run.id} retrying={false} label={`Retry ${run.title}`} /> : null}
        </InlineStack>
        {counts.length ? <Text as="p">{counts.join(' · ')}</Text> : null}
        {run.errors.map((message, i) => (
          <Text as="p" tone="critical" key={i}>
            {message}
          </Text>
        ))}
      </BlockStack>
    </div>
  );
}

function OrderEntry({ order, retry }: { order: Extract<ActivityEntry, { type: 'order' }>; retry: Retry }) {
  return (
    <div data-activity="order" data-order={order.orderName}>
      <Banner tone={order.state === 'needs manual posting' ? 'info' : 'warning'} title={`Order ${order.orderName} (${order.partner}): ${order.reason}`}>
        <BlockStack gap="100">
          {order.stage === 'posting' ? <Text as="p">Sent to the supplier, but not in your system of record yet.</Text> : null}
          <Text as="p">{order.message}</Text>
          <Text as="p" fontWeight="semibold">
            Fix: {order.fix}
          </Text>
          <InlineStack gap="200" blockAlign="center">
            <Badge>{order.state}</Badge>
            <When ago={order.ago} exact={order.exact} />
            {order.retryable ? <RetryControl retry={retry} target="order" id={order.id} retrying={order.retrying} label={`Retry order ${order.orderName}`} /> : null}
          </InlineStack>
        </BlockStack>
      </Banner>
    </div>
  );
}

function InvoiceEntry({ invoice, retry }: { invoice: Extract<ActivityEntry, { type: 'invoice' }>; retry: Retry }) {
  return (
    <div data-activity="invoice" data-order={invoice.orderName}>
      <Banner tone={invoice.state === 'gave up' ? 'critical' : 'warning'} title={`Invoice for order ${invoice.orderName} (${invoice.partner}) not posted to ${invoice.platform}`}>
        <BlockStack gap="100">
          <Text as="p">{invoice.message}</Text>
          <Text as="p" fontWeight="semibold">
            Fix: {invoice.fix}
          </Text>
          <InlineStack gap="200" blockAlign="center">
            <Badge>{invoice.state}</Badge>
            <Text as="span" tone="subdued">
              {invoice.attempts === 1 ? '1 attempt' : `${invoice.attempts} attempts`}
              {invoice.nextAttempt && !invoice.retrying ? ` · next on its own ${invoice.nextAttempt}` : ''}
            </Text>
            <When ago={invoice.ago} exact={invoice.exact} />
            <RetryControl retry={retry} target="invoice" id={invoice.id} retrying={invoice.retrying} label={`Retry the invoice for order ${invoice.orderName}`} />
          </InlineStack>
        </BlockStack>
      </Banner>
    </div>
  );
}
