// Activity: sync runs and orders that could not be forwarded, filtered by kind, status and dates
// (the shop's own days); each failed order with its reason and the fix.
import { useState } from 'react';
import type { LoaderFunctionArgs } from '@remix-run/node';
import { data } from '@remix-run/node';
import { useLoaderData, useSearchParams } from '@remix-run/react';
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Layout, Page, Select, Text, TextField, Tooltip } from '@shopify/polaris';
import { z } from 'zod';
import { database } from '../db.server.ts';
import { authenticate } from '../shopify.server.ts';
import { ActivityFilter, listActivity, type ActivityEntry } from '../sync/activity.server.ts';
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
              {entries.map((e) => (e.type === 'run' ? <RunEntry key={e.id} run={e} /> : <OrderEntry key={e.id} order={e} />))}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
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

function RunEntry({ run }: { run: Extract<ActivityEntry, { type: 'run' }> }) {
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

function OrderEntry({ order }: { order: Extract<ActivityEntry, { type: 'order' }> }) {
  return (
    <div data-activity="order">
      <Banner tone={order.state === 'failed' ? 'warning' : 'info'} title={`Order ${order.orderName} (${order.partner}): ${order.reason}`}>
        <BlockStack gap="100">
          <Text as="p">{order.message}</Text>
          <Text as="p" fontWeight="semibold">
            Fix: {order.fix}
          </Text>
          <InlineStack gap="200">
            <Badge>{order.state}</Badge>
            <When ago={order.ago} exact={order.exact} />
          </InlineStack>
        </BlockStack>
      </Banner>
    </div>
  );
}
