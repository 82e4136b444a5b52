// Approvals (retailer side): the products suppliers offer, waiting as drafts in the retailer's
// store, with image, variants, wholesale cost, the price the pricing rule gives and the margin.
// Choose one or many, then Approve (publish them) or Reject (never offered again).
import { useEffect } from 'react';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Link as RemixLink, useFetcher, useLoaderData } from '@remix-run/react';
import { Badge, Banner, BlockStack, Box, Card, IndexTable, InlineStack, Layout, Page, Text, Thumbnail, useIndexResourceState } from '@shopify/polaris';
import { z } from 'zod';
import { useToast } from '../components/use-toast.ts';
import { database } from '../db.server.ts';
import { appSyncContext } from '../jobs/app-sync-context.server.ts';
import { authenticate } from '../shopify.server.ts';
import { ApprovalDecision, ApprovalRefused, decideApprovals, loadApprovalsScreen, type ApprovalOutcome, type PendingProduct } from '../sync/approvals.server.ts';

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadApprovalsScreen(await database(), session.shop);
};

type ActionAnswer = { ok: true; outcome: ApprovalOutcome } | { ok: false; errors: Record<string, string[] | undefined>; message?: string };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const parsed = ApprovalDecision.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data<ActionAnswer>({ ok: false, errors: z.flattenError(parsed.error).fieldErrors }, 400);
  const db = await database();
  try {
    return data<ActionAnswer>({ ok: true, outcome: await decideApprovals(appSyncContext(db), session.shop, parsed.data) });
  } catch (err) {
    if (!(err instanceof ApprovalRefused)) throw err;
    return data<ActionAnswer>({ ok: false, errors: {}, message: err.message }, 404);
  }
};

export default function Approvals() {
  const { products, total } = useLoaderData<typeof loader>();
  const decide = useFetcher<ActionAnswer>();
  const toast = useToast();
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(products);
  const answer = decide.data;

  useEffect(() => {
    if (decide.state !== 'idle' || !answer) return;
    if (answer.ok) {
      toast(answer.outcome.message, { isError: answer.outcome.done.length === 0 });
      clearSelection();
    } else {
      toast(answer.message ?? Object.values(answer.errors).flat()[0] ?? 'Nothing was changed', { isError: true });
    }
    // Only a finished decision shows a toast, not a re-render.
  }, [decide.state, answer]);

  const submit = (intent: 'approve' | 'reject') => decide.submit({ intent, listingIds: selectedResources.join(',') }, { method: 'post' });
  const failed = answer?.ok ? answer.outcome.failed : [];

  return (
    <Page title="Approvals" subtitle="New products from your suppliers wait here as drafts in your store until you approve them.">
      <Layout>
        {failed.length ? (
          <Layout.Section>
            <Banner tone="critical" title={`${failed.length === 1 ? '1 product was' : `${failed.length} products were`} not ${answer?.ok && answer.outcome.intent === 'reject' ? 'rejected' : 'approved'}`}>
              <BlockStack gap="100">
                {failed.map((f) => (
                  <Text as="p" key={f.title}>
                    {f.message}
                  </Text>
                ))}
              </BlockStack>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          {products.length === 0 ? (
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Nothing waits for your approval
                </Text>
                <Text as="p" tone="subdued">
                  When a supplier you partner with adds products, the next catalog sync creates them as drafts in your store and they appear here. Approve
                  them to publish them, or reject them and they are not offered again.
                </Text>
                <InlineStack>
                  <RemixLink to="/app/partners">See your partners</RemixLink>
                </InlineStack>
              </BlockStack>
            </Card>
          ) : (
            <Card padding="0">
              <IndexTable
                resourceName={{ singular: 'product', plural: 'products' }}
                itemCount={products.length}
                selectedItemsCount={allResourcesSelected ? 'All' : selectedResources.length}
                onSelectionChange={handleSelectionChange}
                loading={decide.state !== 'idle'}
                promotedBulkActions={[
                  { content: 'Approve', onAction: () => submit('approve') },
                  { content: 'Reject', onAction: () => submit('reject') },
                ]}
                headings={[
                  { title: 'Product' },
                  { title: 'Supplier' },
                  { title: 'Variants' },
                  { title: 'Wholesale cost', alignment: 'end' },
                  { title: 'Your price', alignment: 'end' },
                  { title: 'Margin', alignment: 'end' },
                  { title: 'Status' },
                ]}
              >
                {products.map((p, index) => (
                  <ProductRow key={p.id} product={p} index={index} selected={selectedResources.includes(p.id)} />
                ))}
              </IndexTable>
            </Card>
          )}
        </Layout.Section>
        {total > products.length ? (
          <Layout.Section>
            <Text as="p" tone="subdued">
              Showing the first {products.length} of {total} products waiting. Approve or reject these to see the rest.
            </Text>
          </Layout.Section>
        ) : null}
      </Layout>
    </Page>
  );
}

function ProductRow({ product: p, index, selected }: { product: PendingProduct; index: number; selected: boolean }) {
  const names = p.variants.map((v) => v.variantTitle ?? v.sku ?? '—');
  return (
    <IndexTable.Row id={p.id} position={index} selected={selected} accessibilityLabel={`Select ${p.title}`}>
      <IndexTable.Cell>
        <InlineStack gap="300" blockAlign="center" wrap={false}>
          {p.image ? (
            <Thumbnail source={p.image.url} alt={p.image.altText ?? p.title} size="small" />
          ) : (
            <Box minWidth="40px" minHeight="40px" background="bg-surface-secondary" borderRadius="100">
              <Text as="span" visuallyHidden>
                No image
              </Text>
            </Box>
          )}
          <Text as="span" fontWeight="semibold">
            {p.title}
          </Text>
        </InlineStack>
      </IndexTable.Cell>
      <IndexTable.Cell>{p.supplierName}</IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span">{p.variants.length === 1 ? names[0] : `${p.variants.length}: ${names.join(', ')}`}</Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {p.wholesaleCost}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {p.price}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {p.margin} ({p.marginPercent})
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        {p.lastError ? (
          <BlockStack gap="100">
            <Badge tone="critical">Not published</Badge>
            {/* Table cells do not wrap; the platform's answer may be long. */}
            <div style={{ whiteSpace: 'normal', maxWidth: '18rem' }}>
              <Text as="span" tone="critical" breakWord>
                {p.lastError}
              </Text>
            </div>
          </BlockStack>
        ) : p.readyToApprove ? (
          <Badge tone="info">Draft in your store</Badge>
        ) : (
          <Badge tone="attention">Arrives with the next sync</Badge>
        )}
      </IndexTable.Cell>
    </IndexTable.Row>
  );
}
