// Partners: invite a shop (by domain or invite code, choosing my side), see every partnership
// with roles, status and its last sync (how long ago, the exact time on hover), accept or decline
// invitations, end a partnership.
import { useEffect, useState } from 'react';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Link as RemixLink, useFetcher, useLoaderData } from '@remix-run/react';
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Layout, Page, Select, Text, TextField, Tooltip } from '@shopify/polaris';
import { z } from 'zod';
import { database } from '../db.server.ts';
import { authenticate } from '../shopify.server.ts';
import {
  InvitePartnerInput,
  PartnershipAction,
  PartnershipError,
  actOnPartnership,
  invitePartner,
  listPartnerships,
  partnershipErrorStatus,
  type PartnershipListItem,
  type PartnershipView,
} from '../sync/partners.server.ts';

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return listPartnerships(await database(), session.shop);
};

// Each message under its form field's name, for the input to show.
const fieldErrors = (error: z.ZodError): Record<string, string[] | undefined> => z.flattenError(error).fieldErrors;

type ActionAnswer = { ok: true; partnership: PartnershipView } | { ok: false; errors: Record<string, string[] | undefined>; message?: string };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = Object.fromEntries(await request.formData());
  const db = await database();
  const parsed = form.intent === 'invite' ? InvitePartnerInput.safeParse(form) : PartnershipAction.safeParse(form);
  if (!parsed.success) return data<ActionAnswer>({ ok: false, errors: fieldErrors(parsed.error) }, 400);
  try {
    const partnership =
      'myRole' in parsed.data ? await invitePartner(db, session.shop, parsed.data) : await actOnPartnership(db, session.shop, parsed.data);
    return data<ActionAnswer>({ ok: true, partnership });
  } catch (err) {
    if (!(err instanceof PartnershipError)) throw err;
    const errors = err.field ? { [err.field]: [err.message] } : {};
    return data<ActionAnswer>({ ok: false, errors, message: err.message }, partnershipErrorStatus(err));
  }
};

const statusTone = { INVITED: 'attention', ACTIVE: 'success', DECLINED: undefined, ENDED: undefined } as const;
const roleWords = { SUPPLIER: 'You supply them', RETAILER: 'You sell their products' } as const;

export default function Partners() {
  const { inviteCode, partnerships } = useLoaderData<typeof loader>();
  const invite = useFetcher<ActionAnswer>();
  const [partner, setPartner] = useState('');
  const [myRole, setMyRole] = useState<'SUPPLIER' | 'RETAILER'>('SUPPLIER');
  const answer = invite.data;
  const errors = answer && !answer.ok ? answer.errors : {};

  useEffect(() => {
    if (invite.state === 'idle' && answer?.ok) setPartner('');
  }, [invite.state, answer]);

  return (
    <Page title="Partners">
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Invite a partner
              </Text>
              <TextField
                label="Partner’s shop domain or invite code"
                value={partner}
                onChange={setPartner}
                placeholder="partner-shop.myshopify.com"
                autoComplete="off"
                error={errors.partner?.[0]}
              />
              <Select
                label="Your side"
                options={[
                  { label: 'I am the supplier (they sell my products)', value: 'SUPPLIER' },
                  { label: 'I am the retailer (I sell their products)', value: 'RETAILER' },
                ]}
                value={myRole}
                onChange={(v) => setMyRole(v as 'SUPPLIER' | 'RETAILER')}
                error={errors.myRole?.[0]}
              />
              <InlineStack>
                <Button variant="primary" loading={invite.state !== 'idle'} onClick={() => invite.submit({ intent: 'invite', partner, myRole }, { method: 'post' })}>
                  Send invitation
                </Button>
              </InlineStack>
              {answer?.ok && invite.state === 'idle' ? (
                <Banner tone="success">Invitation sent to {answer.partnership.partner.name ?? answer.partnership.partner.domain}.</Banner>
              ) : null}
              <Text as="p" tone="subdued">
                Your invite code: <Text as="span" fontWeight="semibold">{inviteCode}</Text>. A partner can enter it instead of your shop domain.
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Your partnerships
              </Text>
              {partnerships.length === 0 ? <Text as="p">No partners yet. Invite one above.</Text> : null}
              {partnerships.map((p) => (
                <PartnershipRow key={p.id} partnership={p} />
              ))}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function PartnershipRow({ partnership: p }: { partnership: PartnershipListItem }) {
  const act = useFetcher<ActionAnswer>();
  const submit = (intent: 'accept' | 'decline' | 'end') => act.submit({ intent, partnershipId: p.id }, { method: 'post' });
  const failed = act.data && !act.data.ok ? act.data.message : undefined;
  return (
    <div data-partnership={p.partner.domain}>
      <BlockStack gap="200">
        <InlineStack gap="300" align="space-between" blockAlign="center">
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm">
              {p.partner.name ?? p.partner.domain}
            </Text>
            <Text as="p" tone="subdued">
              {p.partner.domain} · {roleWords[p.myRole]} · {p.invitedByMe ? 'invited by you' : 'invited you'}
            </Text>
            {p.lastSync ? (
              <Text as="p" tone="subdued">
                Last sync{' '}
                <Tooltip content={p.lastSync.exact}>
                  <span data-last-sync>{p.lastSync.ago}</span>
                </Tooltip>{' '}
                · {p.lastSync.title}, {p.lastSync.state}
              </Text>
            ) : p.status === 'ACTIVE' ? (
              <Text as="p" tone="subdued">
                Not synced yet
              </Text>
            ) : null}
          </BlockStack>
          <InlineStack gap="200" blockAlign="center">
            <Badge tone={statusTone[p.status]}>{p.status.toLowerCase()}</Badge>
            {p.canRespond ? (
              <>
                <Button variant="primary" onClick={() => submit('accept')} loading={act.state !== 'idle'}>
                  Accept
                </Button>
                <Button onClick={() => submit('decline')}>Decline</Button>
              </>
            ) : null}
            {p.canEnd ? (
              <Button tone="critical" onClick={() => submit('end')}>
                {p.status === 'ACTIVE' ? 'End partnership' : 'Withdraw invitation'}
              </Button>
            ) : null}
            <RemixLink to={`/app/partners/${p.id}`}>Settings</RemixLink>
          </InlineStack>
        </InlineStack>
        {failed ? <Banner tone="critical">{failed}</Banner> : null}
      </BlockStack>
    </div>
  );
}
