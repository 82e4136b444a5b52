// One connector: the credentials form generated from its manifest with the purposes the account
// serves, and the shop's connections to it with their purposes, a "Test connection" read, API
// budget use (today / this month) and Disconnect.
import { useEffect, useState } from 'react';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { data } from '@remix-run/node';
import { useFetcher, useLoaderData } from '@remix-run/react';
import { Badge, Banner, BlockStack, Button, Card, Checkbox, FormLayout, InlineStack, Layout, Page, Select, Text, TextField } from '@shopify/polaris';
import { z } from 'zod';
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import { database } from '../db.server.ts';
import { authenticate } from '../shopify.server.ts';
import {
  ConnectRefused,
  ConnectionAction,
  connect,
  connectorPage,
  disconnect,
  setPurposes,
  testConnection,
  type ConnectionDetail,
  type ConnectionTest,
  type PurposeChoice,
} from '../sync/connections-admin.server.ts';
import type { ConfigFormField } from '../../connectors/sdk/manifest.ts';
import { oauthFormFields, type SignInForm } from '../sync/connector-oauth.server.ts';
import { env } from '../env.server.ts';
import type { AuthorizeAnswer } from './app.connectors.$id.authorize.tsx';

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  try {
    const page = await connectorPage(await database(), session.shop, params.id ?? '');
    // OAuth2 platforms: "Sign in with …" (app.connectors.$id.authorize.tsx) besides the token form.
    return { ...page, signIn: oauthFormFields(params.id ?? '', env().SHOPIFY_APP_URL) };
  } catch (err) {
    if (err instanceof ConnectorError && err.code === 'not_found') throw new Response(err.merchantMessage ?? err.message, { status: 404 });
    throw err;
  }
};

type ActionAnswer =
  | { ok: true; intent: 'connect' | 'disconnect' | 'purposes' }
  | { ok: true; intent: 'test'; test: ConnectionTest }
  | { ok: false; errors: Record<string, string[] | undefined> };

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = Object.fromEntries(await request.formData());
  const parsed = ConnectionAction.safeParse(form);
  if (!parsed.success) return data<ActionAnswer>({ ok: false, errors: z.flattenError(parsed.error).fieldErrors as Record<string, string[]> }, 400);
  const db = await database();
  const notFound = () => new Response('No such connection.', { status: 404 });
  switch (parsed.data.intent) {
    case 'connect':
      try {
        await connect(db, session.shop, params.id ?? '', form);
        return data<ActionAnswer>({ ok: true, intent: 'connect' });
      } catch (err) {
        if (err instanceof ConnectRefused) return data<ActionAnswer>({ ok: false, errors: err.errors }, 400);
        throw err;
      }
    case 'test': {
      const test = await testConnection(db, session.shop, parsed.data.connectionId);
      if (!test) throw notFound();
      return data<ActionAnswer>({ ok: true, intent: 'test', test });
    }
    case 'disconnect':
      if (!(await disconnect(db, session.shop, parsed.data.connectionId))) throw notFound();
      return data<ActionAnswer>({ ok: true, intent: 'disconnect' });
    case 'purposes':
      try {
        if (!(await setPurposes(db, session.shop, parsed.data.connectionId, parsed.data.purposes))) throw notFound();
        return data<ActionAnswer>({ ok: true, intent: 'purposes' });
      } catch (err) {
        if (err instanceof ConnectRefused) return data<ActionAnswer>({ ok: false, errors: err.errors }, 400);
        throw err;
      }
  }
};

export default function ConnectorPage() {
  const { form, connections, signIn } = useLoaderData<typeof loader>();
  const save = useFetcher<ActionAnswer>();
  const fields = [...form.configFields, ...form.credentialFields];
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries([...fields.map((f) => [f.name, f.defaultValue === undefined ? '' : String(f.defaultValue)]), ['displayName', '']]),
  );
  const set = (name: string) => (value: string) => setValues((v) => ({ ...v, [name]: value }));
  const [purposes, setChosen] = useState<string[]>(() => form.purposes.filter((p) => p.suggested).map((p) => p.value));
  const errors = save.data && !save.data.ok ? save.data.errors : {};

  return (
    <Page title={form.name} backAction={{ content: 'Connectors', url: '/app/connectors' }}>
      <Layout>
        {connections.map((c) => (
          <Layout.Section key={c.id}>
            <ConnectionCard connection={c} choices={form.purposes} />
          </Layout.Section>
        ))}
        {signIn ? (
          <Layout.Section>
            <SignInCard form={form} fields={signIn} />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <FormLayout>
              <Text as="h2" variant="headingMd">
                {signIn ? 'Or connect with tokens you already have' : connections.length ? 'Connect another account' : `Connect ${form.name}`}
              </Text>
              <TextField label="Name shown in Tandem" value={values.displayName} onChange={set('displayName')} autoComplete="off" />
              {fields.map((f) => (
                <Field key={f.name} field={f} value={values[f.name] ?? ''} onChange={set(f.name)} error={errors[f.name]?.[0]} />
              ))}
              <Purposes choices={form.purposes} chosen={purposes} onChange={setChosen} error={errors.purposes?.[0]} />
              {save.data?.ok && save.data.intent === 'connect' && save.state === 'idle' ? <Banner tone="success">Connected. Press “Test connection” to check it.</Banner> : null}
              <Button variant="primary" loading={save.state !== 'idle'} onClick={() => save.submit({ intent: 'connect', ...values, purposes: purposes.join(',') }, { method: 'post' })}>
                Connect
              </Button>
              <Text as="p" tone="subdued">
                Credentials are stored encrypted and never shown again. <a href={form.docsUrl}>{form.name} API documentation</a>
              </Text>
            </FormLayout>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

/**
 * "Sign in with Xero": the settings and the app's secrets, kept by the server under an OAuth2 state;
 * the platform's consent page then opens in the top window (platforms refuse to be framed) and
 * sends the merchant back to Tandem's callback, which stores the connection.
 */
function SignInCard({ form, fields }: { form: { id: string; name: string; purposes: PurposeChoice[] }; fields: SignInForm }) {
  const start = useFetcher<AuthorizeAnswer>();
  const all = [...fields.configFields, ...fields.credentialFields];
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries([...all.map((f) => [f.name, f.defaultValue === undefined ? '' : String(f.defaultValue)]), ['displayName', '']]),
  );
  const set = (name: string) => (value: string) => setValues((v) => ({ ...v, [name]: value }));
  const [purposes, setChosen] = useState<string[]>(() => form.purposes.filter((p) => p.suggested).map((p) => p.value));
  const errors = start.data && !start.data.ok ? start.data.errors : {};
  const authorizeUrl = start.data?.ok ? start.data.authorizeUrl : null;
  useEffect(() => {
    if (authorizeUrl) window.open(authorizeUrl, '_top');
  }, [authorizeUrl]);
  return (
    <Card>
      <FormLayout>
        <Text as="h2" variant="headingMd">
          Sign in with {form.name}
        </Text>
        <TextField label="Name shown in Tandem" value={values.displayName} onChange={set('displayName')} autoComplete="off" />
        {all.map((f) => (
          <Field key={f.name} field={f} value={values[f.name] ?? ''} onChange={set(f.name)} error={errors[f.name]?.[0]} />
        ))}
        <Purposes choices={form.purposes} chosen={purposes} onChange={setChosen} error={errors.purposes?.[0]} />
        <Button
          variant="primary"
          loading={start.state !== 'idle' || authorizeUrl !== null}
          onClick={() => start.submit({ ...values, purposes: purposes.join(',') }, { method: 'post', action: `/app/connectors/${form.id}/authorize` })}
        >
          {`Sign in with ${form.name}`}
        </Button>
        <Text as="p" tone="subdued">
          {form.name} asks you to approve Tandem, then sends you back here. Tokens and secrets are stored encrypted and never shown again.
        </Text>
        <Text as="p" tone="subdued">
          Register this redirect URI in your {form.name} app first: {fields.redirectUri}
        </Text>
      </FormLayout>
    </Card>
  );
}

function Field({ field, value, onChange, error }: { field: ConfigFormField; value: string; onChange: (v: string) => void; error?: string }) {
  const label = field.required ? field.label : `${field.label} (optional)`;
  if (field.type === 'boolean') return <Checkbox label={label} helpText={field.description} checked={value === 'true'} onChange={(v) => onChange(String(v))} error={error} />;
  if (field.type === 'select') {
    return <Select label={label} helpText={field.description} options={['', ...(field.options ?? [])].map((o) => ({ label: o || 'Default', value: o }))} value={value} onChange={onChange} error={error} />;
  }
  return <TextField label={label} type={field.type} helpText={field.description} placeholder={field.placeholder} value={value} onChange={onChange} error={error} autoComplete="off" />;
}

/** What the account is used for: one checkbox per purpose the connector can serve. */
function Purposes({ choices, chosen, onChange, error }: { choices: PurposeChoice[]; chosen: string[]; onChange: (next: string[]) => void; error?: string }) {
  if (choices.length === 0) return null;
  return (
    <BlockStack gap="100">
      <Text as="p" variant="headingSm">
        Use this account as
      </Text>
      {choices.map((c) => (
        <Checkbox
          key={c.value}
          label={c.label}
          helpText={c.description}
          checked={chosen.includes(c.value)}
          onChange={(on) => onChange(on ? [...chosen, c.value] : chosen.filter((p) => p !== c.value))}
        />
      ))}
      {error ? (
        <Text as="p" tone="critical">
          {error}
        </Text>
      ) : null}
    </BlockStack>
  );
}

function ConnectionCard({ connection: c, choices }: { connection: ConnectionDetail; choices: PurposeChoice[] }) {
  const act = useFetcher<ActionAnswer>();
  const test = act.data?.ok && act.data.intent === 'test' ? act.data.test : null;
  const [purposes, setChosen] = useState<string[]>(() => c.purposes.filter((p) => choices.some((choice) => choice.value === p)));
  const purposeError = act.data && !act.data.ok ? act.data.errors.purposes?.[0] : undefined;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {c.displayName ?? c.account}
          </Text>
          <Badge tone={c.status === 'ACTIVE' ? 'success' : c.status === 'AUTH_EXPIRED' ? 'critical' : undefined}>{c.status.toLowerCase().replace('_', ' ')}</Badge>
        </InlineStack>
        <Text as="p" tone="subdued">
          {c.account}
        </Text>
        <Text as="p">
          API calls: {c.budget.today} today{c.budget.dailyCap ? ` of ${c.budget.dailyCap}` : ''} · {c.budget.month} this month
        </Text>
        {test ? <Banner tone={test.ok ? 'success' : 'critical'}>{test.message}</Banner> : null}
        {c.status !== 'DISCONNECTED' ? <Purposes choices={choices} chosen={purposes} onChange={setChosen} error={purposeError} /> : null}
        {c.status !== 'DISCONNECTED' ? (
          <InlineStack gap="200">
            {choices.length ? <Button onClick={() => act.submit({ intent: 'purposes', connectionId: c.id, purposes: purposes.join(',') }, { method: 'post' })}>Save uses</Button> : null}
            <Button loading={act.state !== 'idle'} onClick={() => act.submit({ intent: 'test', connectionId: c.id }, { method: 'post' })}>
              Test connection
            </Button>
            <Button tone="critical" onClick={() => act.submit({ intent: 'disconnect', connectionId: c.id }, { method: 'post' })}>
              Disconnect
            </Button>
          </InlineStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}
