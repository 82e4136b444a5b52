// Home: every sync job with its last run (status, how long ago, the exact time in the shop's
// time zone on hover, counts), the alerts that need the merchant, each with its fix, and how many
// supplier products wait for the retailer's approval.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { Link as RemixLink, useLoaderData } from '@remix-run/react';
import { Badge, Banner, BlockStack, Card, InlineStack, Layout, Page, Text, Tooltip } from '@shopify/polaris';
import { database } from '../db.server.ts';
import { authenticate } from '../shopify.server.ts';
import { loadDashboard, type JobStatus, type RunState } from '../sync/dashboard.server.ts';

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const dashboard = await loadDashboard(await database(), session.shop);
  return { shopName: dashboard.shop.name ?? session.shop, domain: session.shop, jobs: dashboard.jobs, alerts: dashboard.alerts, awaitingApproval: dashboard.awaitingApproval };
};

const stateTone: Record<RunState, 'success' | 'critical' | 'warning' | 'attention' | 'info' | undefined> = {
  succeeded: 'success',
  failed: 'critical',
  partial: 'warning',
  retrying: 'warning',
  running: 'info',
  queued: 'attention',
  skipped: undefined,
};

const alertTone = { CRITICAL: 'critical', WARNING: 'warning', INFO: 'info' } as const;

export default function Home() {
  const { shopName, domain, jobs, alerts, awaitingApproval } = useLoaderData<typeof loader>();
  return (
    <Page title={shopName} subtitle={domain}>
      <Layout>
        {alerts.length ? (
          <Layout.Section>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Needs your attention
              </Text>
              {alerts.map((a) => (
                <Banner key={a.id} tone={alertTone[a.severity]} title={a.title}>
                  <BlockStack gap="100">
                    <Text as="p">{a.message}</Text>
                    {a.fix ? (
                      <Text as="p" fontWeight="semibold">
                        Fix: {a.fix}
                      </Text>
                    ) : null}
                  </BlockStack>
                </Banner>
              ))}
            </BlockStack>
          </Layout.Section>
        ) : null}
        {awaitingApproval > 0 ? (
          <Layout.Section>
            <Card>
              <InlineStack align="space-between" blockAlign="center" gap="300">
                <Text as="p" variant="headingSm">
                  {awaitingApproval === 1 ? '1 product' : `${awaitingApproval} products`} waiting for approval
                </Text>
                <RemixLink to="/app/approvals">Review them</RemixLink>
              </InlineStack>
            </Card>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                Syncs
              </Text>
              {jobs.map((job) => (
                <JobRow key={job.kind} job={job} />
              ))}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function JobRow({ job }: { job: JobStatus }) {
  const run = job.lastRun;
  const counts = run ? Object.entries(run.counts).map(([name, n]) => `${n} ${name}`) : [];
  if (run?.apiCalls) counts.push(`${run.apiCalls} API calls`);
  if (run?.errorCount) counts.push(`${run.errorCount} errors`);
  return (
    <div data-job={job.kind}>
      <InlineStack align="space-between" blockAlign="start" gap="300">
        <BlockStack gap="100">
          <Text as="h3" variant="headingSm">
            {job.title}
          </Text>
          <Text as="p" tone="subdued">
            {job.description}
          </Text>
          {counts.length ? <Text as="p">{counts.join(' · ')}</Text> : null}
        </BlockStack>
        {run ? (
          <InlineStack gap="200" blockAlign="center">
            <Badge tone={stateTone[run.state]}>{run.state}</Badge>
            <Tooltip content={run.exact}>
              <Text as="span" tone="subdued">
                {run.ago}
              </Text>
            </Tooltip>
          </InlineStack>
        ) : (
          <Text as="span" tone="subdued">
            Not run yet
          </Text>
        )}
      </InlineStack>
    </div>
  );
}
