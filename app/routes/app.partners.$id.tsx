// One partnership's settings: force overwrite, push inventory, oversell protection, pricing rule
// and billing terms. Saved with the engine's schemas; a wrong field is named beside its input.
import { useEffect, useState } from 'react';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { data } from '@remix-run/node';
import { useFetcher, useLoaderData } from '@remix-run/react';
import { Badge, Banner, Button, Card, Checkbox, FormLayout, InlineStack, Layout, Page, Select, Text, TextField } from '@shopify/polaris';
import { z } from 'zod';
import { useToast } from '../components/use-toast.ts';
import { database } from '../db.server.ts';
import { authenticate } from '../shopify.server.ts';
import {
  PartnerSettingsInput,
  PartnershipAction,
  PartnershipError,
  actOnPartnership,
  getPartnership,
  partnershipErrorStatus,
  savePartnerSettings,
  type PartnershipView,
} from '../sync/partners.server.ts';

function refused(err: unknown): never {
  // Another pair's id answers exactly like an unknown one: 404, nothing about who owns it.
  if (err instanceof PartnershipError) throw new Response(err.message, { status: partnershipErrorStatus(err) });
  throw err;
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return getPartnership(await database(), session.shop, params.id ?? '').catch(refused);
};

// Each message under its form field's name, for the input to show.
const fieldErrors = (error: z.ZodError): Record<string, string[] | undefined> => z.flattenError(error).fieldErrors;

type ActionAnswer = { ok: true; saved: boolean; partnership: PartnershipView } | { ok: false; errors: Record<string, string[] | undefined>; message?: string };

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = Object.fromEntries(await request.formData());
  const db = await database();
  const id = params.id ?? '';
  const parsed = form.intent === 'save' ? PartnerSettingsInput.safeParse(form) : PartnershipAction.safeParse({ ...form, partnershipId: id });
  if (!parsed.success) return data<ActionAnswer>({ ok: false, errors: fieldErrors(parsed.error) }, 400);
  try {
    if ('intent' in parsed.data) return data<ActionAnswer>({ ok: true, saved: false, partnership: await actOnPartnership(db, session.shop, parsed.data) });
    return data<ActionAnswer>({ ok: true, saved: true, partnership: await savePartnerSettings(db, session.shop, id, parsed.data) });
  } catch (err) {
    if (!(err instanceof PartnershipError)) throw err;
    if (err.code === 'not_found') refused(err);
    return data<ActionAnswer>({ ok: false, errors: {}, message: err.message }, partnershipErrorStatus(err));
  }
};

export default function PartnerSettings() {
  const p = useLoaderData<typeof loader>();
  const save = useFetcher<ActionAnswer>();
  const act = useFetcher<ActionAnswer>();
  const toast = useToast();
  const s = p.settings;
  const [form, setForm] = useState({
    forceOverwrite: s.forceOverwrite,
    pushInventory: s.pushInventory,
    oversellProtection: s.oversellProtection,
    markupPercent: String(s.pricingRule.markupPercent),
    fixedAdd: String(s.pricingRule.fixedAdd),
    rounding: s.pricingRule.rounding as string,
    feePercent: String(s.billingTerms.feePercent),
    currency: s.billingTerms.currency ?? '',
    billingMethod: s.billingTerms.method as string,
  });
  const set = <K extends keyof typeof form>(key: K) => (value: (typeof form)[K]) => setForm((f) => ({ ...f, [key]: value }));
  const answer = save.data;
  const errors = answer && !answer.ok ? answer.errors : {};
  const error = (field: string) => errors[field]?.[0];

  useEffect(() => {
    if (save.state === 'idle' && answer?.ok && answer.saved) toast('Partner settings saved');
    // Only a finished save shows a toast, not a re-render (so `toast` is left out of the deps).
  }, [save.state, answer]);

  const editable = p.status === 'ACTIVE' || p.status === 'INVITED';
  const partnerName = p.partner.name ?? p.partner.domain;

  return (
    <Page
      title={partnerName}
      titleMetadata={<Badge tone={p.status === 'ACTIVE' ? 'success' : p.status === 'INVITED' ? 'attention' : undefined}>{p.status.toLowerCase()}</Badge>}
      subtitle={`${p.partner.domain} · you are the ${p.myRole === 'SUPPLIER' ? 'supplier' : 'retailer'}`}
      backAction={{ content: 'Partners', url: '/app/partners' }}
    >
      <Layout>
        {p.canRespond ? (
          <Layout.Section>
            <Banner tone="info" title={`${partnerName} invited you`}>
              <InlineStack gap="200">
                <Button variant="primary" onClick={() => act.submit({ intent: 'accept' }, { method: 'post' })}>
                  Accept
                </Button>
                <Button onClick={() => act.submit({ intent: 'decline' }, { method: 'post' })}>Decline</Button>
              </InlineStack>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <FormLayout>
              <Text as="h2" variant="headingMd">
                Products and stock
              </Text>
              <Checkbox
                label="Force overwrite products"
                helpText="Later supplier edits (title, description, images, options) replace the retailer’s copy."
                checked={form.forceOverwrite}
                onChange={set('forceOverwrite')}
                disabled={!editable}
              />
              <Checkbox label="Push inventory" helpText="Keep the retailer’s stock and prices in step with the supplier." checked={form.pushInventory} onChange={set('pushInventory')} disabled={!editable} />
              <Checkbox
                label="Oversell protection"
                helpText="When either shop sells the last units, the other shop’s stock drops at once."
                checked={form.oversellProtection}
                onChange={set('oversellProtection')}
                disabled={!editable}
              />
              <Text as="h2" variant="headingMd">
                Pricing rule
              </Text>
              <FormLayout.Group>
                <TextField label="Markup (%)" type="number" value={form.markupPercent} onChange={set('markupPercent')} error={error('markupPercent')} autoComplete="off" disabled={!editable} />
                <TextField label="Fixed amount added" type="number" value={form.fixedAdd} onChange={set('fixedAdd')} error={error('fixedAdd')} autoComplete="off" disabled={!editable} />
                <Select
                  label="Rounding"
                  options={[
                    { label: 'Keep cents', value: 'none' },
                    { label: 'Whole amount', value: 'whole' },
                    { label: 'End in .99', value: 'x.99' },
                    { label: 'End in .95', value: 'x.95' },
                    { label: 'Nearest 0.05', value: 'nearest-0.05' },
                  ]}
                  value={form.rounding}
                  onChange={set('rounding')}
                  error={error('rounding')}
                  disabled={!editable}
                />
              </FormLayout.Group>
              <Text as="h2" variant="headingMd">
                Billing terms
              </Text>
              <FormLayout.Group>
                <TextField label="Fee (%)" type="number" value={form.feePercent} onChange={set('feePercent')} error={error('feePercent')} autoComplete="off" disabled={!editable} />
                <TextField label="Currency" value={form.currency} onChange={set('currency')} error={error('currency')} placeholder="USD" autoComplete="off" disabled={!editable} />
                <Select
                  label="Payment method"
                  options={[
                    { label: 'Card payment (Stripe)', value: 'payment_intent' },
                    { label: 'Invoice', value: 'invoice' },
                  ]}
                  value={form.billingMethod}
                  onChange={set('billingMethod')}
                  error={error('billingMethod')}
                  disabled={!editable}
                />
              </FormLayout.Group>
              {answer && !answer.ok && answer.message ? <Banner tone="critical">{answer.message}</Banner> : null}
              <InlineStack gap="200">
                <Button
                  variant="primary"
                  disabled={!editable}
                  loading={save.state !== 'idle'}
                  onClick={() => save.submit({ intent: 'save', ...Object.fromEntries(Object.entries(form).map(([k, v]) => [k, String(v)])) }, { method: 'post' })}
                >
                  Save
                </Button>
                {p.canEnd ? (
                  <Button tone="critical" onClick={() => act.submit({ intent: 'end' }, { method: 'post' })}>
                    {p.status === 'ACTIVE' ? 'End partnership' : 'Withdraw invitation'}
                  </Button>
                ) : null}
              </InlineStack>
            </FormLayout>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
