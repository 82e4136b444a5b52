// The Connectors screen: the registry's connectors as cards, a connect form generated from each
// manifest (config schema fields + the credentials its auth kind needs + the purposes the account
// serves), a cheap "test connection" read, API budget use from BudgetUsage, and disconnect.
// Credentials are stored only encrypted (sealCredentials) and never sent back to the browser.
import Stripe from 'stripe';
import { z } from 'zod';
import { getConnector, listConnectors } from '../../connectors/index.ts';
import { requireCapability, type Credentials } from '../../connectors/sdk/connector.ts';
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import { Sku } from '../../connectors/sdk/types.ts';
import type { Capability } from '../../connectors/sdk/capabilities.ts';
import { configFormFields, type ConfigFormField, type ConnectorManifest } from '../../connectors/sdk/manifest.ts';
import type { Db, Prisma } from '../db.server.ts';
import type { Connection } from '../generated/prisma/client.ts';
import { ConnectionPurpose, openConnector, sealCredentials } from './connections.server.ts';
import { shopByDomain } from './dashboard.server.ts';

export interface ConnectionSummary {
  id: string;
  account: string;
  displayName: string | null;
  status: Connection['status'];
  purposes: ConnectionPurpose[];
}

/** A purpose a merchant can tick for a connection: one the engine acts on. */
export interface PurposeChoice {
  value: ConnectionPurpose;
  label: string;
  description: string;
  /** Ticked on a new connection's form. */
  suggested: boolean;
}

/** The purposes the engine acts on, and what a connector must be able to do for each. */
const PURPOSE_CHOICES: { value: ConnectionPurpose; label: string; description: string; needs?: Capability }[] = [
  {
    value: 'system_of_record',
    label: 'System of record',
    description: 'Orders Tandem forwards to you are also posted here. A platform that cannot receive orders gets them queued for posting by hand.',
  },
  { value: 'accounting', label: 'Accounting', description: 'Tandem posts an invoice here for each order forwarded to you.', needs: 'invoices.write' },
];

export interface ConnectorCard {
  id: string;
  name: string;
  logo: string;
  docsUrl: string;
  capabilities: string[];
  connections: ConnectionSummary[];
}

/** The fields a connector's credentials need, by auth kind (names as `Credentials` has them). */
const CREDENTIAL_FIELDS: Record<ConnectorManifest['authKind'], ConfigFormField[]> = {
  oauth2: [
    { name: 'accessToken', label: 'Access token', type: 'password', required: true },
    { name: 'refreshToken', label: 'Refresh token', type: 'password', required: false, description: 'Needed when the platform’s access tokens expire.' },
  ],
  api_key: [{ name: 'accessToken', label: 'API access token', type: 'password', required: true }],
  basic: [
    { name: 'apiKey', label: 'Key or user name', type: 'text', required: true },
    { name: 'apiSecret', label: 'Secret or password', type: 'password', required: true },
  ],
};
const WEBHOOK_SECRET: ConfigFormField = { name: 'webhookSecret', label: 'Webhook secret', type: 'password', required: false, description: 'Checks the signature of the platform’s webhooks.' };

function summary(c: Connection): ConnectionSummary {
  return { id: c.id, account: c.externalAccount, displayName: c.displayName, status: c.status, purposes: c.purposes.filter((p): p is ConnectionPurpose => ConnectionPurpose.safeParse(p).success) };
}

/** The purposes a connector's connection can serve, accounting suggested for an invoicing platform. */
export function purposeChoices(manifest: Pick<ConnectorManifest, 'capabilities'>): PurposeChoice[] {
  return PURPOSE_CHOICES.filter((c) => !c.needs || manifest.capabilities.includes(c.needs)).map(({ value, label, description, needs }) => ({ value, label, description, suggested: needs !== undefined }));
}

/** The `purposes` form value (comma-separated) checked against what the connector can serve. */
export function parsePurposes(raw: unknown, choices: PurposeChoice[]): { purposes: ConnectionPurpose[] } | { error: string } {
  const names = typeof raw === 'string' ? raw.split(',').map((p) => p.trim()).filter(Boolean) : [];
  const unknown = names.filter((n) => !choices.some((c) => c.value === n));
  if (unknown.length) return { error: `Choose from ${choices.map((c) => c.label).join(', ')} (not ${unknown.join(', ')})` };
  return { purposes: [...new Set(names)] as ConnectionPurpose[] };
}

/** Purposes the merchant does not choose here (set by Tandem, e.g. billing) are kept. */
function mergePurposes(current: string[], chosen: ConnectionPurpose[], choices: PurposeChoice[]): string[] {
  return [...current.filter((p) => !choices.some((c) => c.value === p)), ...chosen];
}

export async function listConnectorCards(db: Db, shopDomain: string): Promise<ConnectorCard[]> {
  const shop = await shopByDomain(db, shopDomain);
  const connections = await db.connection.findMany({ where: { shopId: shop.id }, orderBy: { createdAt: 'asc' } });
  return listConnectors().map(({ manifest: m }) => ({
    id: m.id,
    name: m.name,
    logo: m.logo,
    docsUrl: m.docsUrl,
    capabilities: [...m.capabilities],
    connections: connections.filter((c) => c.platform === m.id).map(summary),
  }));
}

export interface ConnectForm {
  id: string;
  name: string;
  logo: string;
  docsUrl: string;
  capabilities: string[];
  configFields: ConfigFormField[];
  credentialFields: ConfigFormField[];
  purposes: PurposeChoice[];
}

/** The connect form for one connector; `not_found` ConnectorError for an unknown id. */
export function connectForm(connectorId: string): ConnectForm {
  const { manifest: m } = getConnector(connectorId);
  return {
    id: m.id,
    name: m.name,
    logo: m.logo,
    docsUrl: m.docsUrl,
    capabilities: [...m.capabilities],
    configFields: configFormFields(m),
    credentialFields: [...CREDENTIAL_FIELDS[m.authKind], WEBHOOK_SECRET],
    purposes: purposeChoices(m),
  };
}

export class ConnectRefused extends Error {
  readonly name = 'ConnectRefused';
  constructor(readonly errors: Record<string, string[]>) {
    super(Object.entries(errors).map(([field, messages]) => `${field}: ${messages.join(', ')}`).join('; '));
  }
}

/** Form strings to the types the config schema expects; an empty input means "use the default". */
export function formValue(field: ConfigFormField, raw: unknown): unknown {
  if (field.type === 'boolean') return raw === 'true' || raw === 'on';
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  if (field.type === 'number') return Number(raw);
  return raw.trim();
}

/**
 * Connects (or reconnects) the shop to a connector account: checks the config with the
 * connector's own schema and the credentials the auth kind needs, naming each wrong field, then
 * stores the credentials encrypted. The account is the first config field (site, store, tenant).
 */
export async function connect(db: Db, shopDomain: string, connectorId: string, form: Record<string, unknown>): Promise<ConnectionSummary> {
  const shop = await shopByDomain(db, shopDomain);
  const { manifest } = getConnector(connectorId);
  const fields = connectForm(connectorId);
  const errors: Record<string, string[]> = {};

  const rawConfig = Object.fromEntries(fields.configFields.map((f) => [f.name, formValue(f, form[f.name])]).filter(([, v]) => v !== undefined));
  const config = manifest.configSchema.safeParse(rawConfig);
  if (!config.success) Object.assign(errors, z.flattenError(config.error).fieldErrors);

  const credentials: Record<string, string> = {};
  for (const f of fields.credentialFields) {
    const value = typeof form[f.name] === 'string' ? (form[f.name] as string).trim() : '';
    if (value) credentials[f.name] = value;
    else if (f.required) errors[f.name] = [`Enter the ${f.label.toLowerCase()}`];
  }
  const chosen = parsePurposes(form.purposes, fields.purposes);
  if ('error' in chosen) errors.purposes = [chosen.error];
  if (Object.keys(errors).length || !config.success || 'error' in chosen) throw new ConnectRefused(errors);

  // Parsed by the connector's own schema: plain JSON values only.
  const configJson = config.data as Prisma.InputJsonObject;
  const account = String(config.data[fields.configFields[0]?.name ?? ''] ?? manifest.id);
  const displayName = typeof form.displayName === 'string' && form.displayName.trim() ? form.displayName.trim() : null;
  return storeConnection(db, { shopId: shop.id, connectorId: manifest.id, account, displayName, config: configJson, credentials, purposes: chosen.purposes });
}

/**
 * Creates the shop's connection to the account, or reconnects it (new settings and credentials,
 * ACTIVE again): the credentials stored encrypted, the chosen purposes merged with Tandem's own.
 */
export async function storeConnection(
  db: Db,
  input: { shopId: string; connectorId: string; account: string; displayName: string | null; config: Prisma.InputJsonObject; credentials: Credentials; purposes: ConnectionPurpose[] },
): Promise<ConnectionSummary> {
  const choices = purposeChoices(getConnector(input.connectorId).manifest);
  const where = { shopId_platform_externalAccount: { shopId: input.shopId, platform: input.connectorId, externalAccount: input.account } };
  const existing = await db.connection.findUnique({ where, select: { purposes: true } });
  const purposes = mergePurposes(existing?.purposes ?? [], input.purposes, choices);
  const sealed = sealCredentials(input.credentials);
  const row = await db.connection.upsert({
    where,
    create: { shopId: input.shopId, platform: input.connectorId, externalAccount: input.account, displayName: input.displayName, config: input.config, credentials: sealed, purposes },
    update: { displayName: input.displayName, config: input.config, credentials: sealed, status: 'ACTIVE', purposes },
  });
  return summary(row);
}

/** Changes what one of the shop's connections is used for; null when it is not the shop's. */
export async function setPurposes(db: Db, shopDomain: string, connectionId: string, raw: unknown): Promise<ConnectionSummary | null> {
  const c = await ownConnection(db, shopDomain, connectionId);
  if (!c) return null;
  const choices = purposeChoices(getConnector(c.platform).manifest);
  const chosen = parsePurposes(raw, choices);
  if ('error' in chosen) throw new ConnectRefused({ purposes: [chosen.error] });
  return summary(await db.connection.update({ where: { id: c.id }, data: { purposes: mergePurposes(c.purposes, chosen.purposes, choices) } }));
}

async function ownConnection(db: Db, shopDomain: string, connectionId: string): Promise<Connection | null> {
  const shop = await shopByDomain(db, shopDomain);
  return db.connection.findFirst({ where: { id: connectionId, shopId: shop.id } });
}

export interface ConnectionDetail extends ConnectionSummary {
  platform: string;
  /** API calls spent today (UTC day, as the budget counts) and this month, and the daily cap. */
  budget: { today: number; month: number; dailyCap: number | null };
}

/** One of the shop's connections with its budget use; null when it is not the shop's. */
export async function connectionDetail(db: Db, shopDomain: string, connectionId: string, now = new Date()): Promise<ConnectionDetail | null> {
  const c = await ownConnection(db, shopDomain, connectionId);
  if (!c) return null;
  const day = now.toISOString().slice(0, 10);
  const usage = await db.budgetUsage.findMany({ where: { connectionId: c.id, day: { startsWith: day.slice(0, 7) } } });
  const manifest = getConnector(c.platform).manifest;
  return {
    ...summary(c),
    platform: c.platform,
    budget: {
      today: usage.find((u) => u.day === day)?.calls ?? 0,
      month: usage.reduce((sum, u) => sum + u.calls, 0),
      dailyCap: manifest.rateLimit.dailyCap ?? null,
    },
  };
}

/** The connector's page: its connect form and the shop's connections to it with budget use. */
export async function connectorPage(db: Db, shopDomain: string, connectorId: string, now = new Date()) {
  const form = connectForm(connectorId);
  const shop = await shopByDomain(db, shopDomain);
  const rows = await db.connection.findMany({ where: { shopId: shop.id, platform: connectorId }, orderBy: { createdAt: 'asc' }, select: { id: true } });
  const connections = await Promise.all(rows.map((r) => connectionDetail(db, shopDomain, r.id, now)));
  return { form, connections: connections.filter((c): c is ConnectionDetail => c !== null) };
}

/** What the connector page's buttons post. */
export const ConnectionAction = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('connect') }).loose(),
  z.object({ intent: z.literal('test'), connectionId: z.string().min(1) }),
  z.object({ intent: z.literal('disconnect'), connectionId: z.string().min(1) }),
  z.object({ intent: z.literal('purposes'), connectionId: z.string().min(1), purposes: z.string().default('') }),
]);

export type ConnectionTest = { ok: true; message: string } | { ok: false; message: string; code: string };

/**
 * "Test connection": one cheap read the connector can do (a SKU lookup, a customer or order
 * lookup by a reference that does not exist), so a wrong key or address shows at once.
 */
export async function testConnection(db: Db, shopDomain: string, connectionId: string, options: { fetch?: typeof fetch } = {}): Promise<ConnectionTest | null> {
  const c = await ownConnection(db, shopDomain, connectionId);
  if (!c) return null;
  try {
    const connector = await openConnector(db, c, { fetch: options.fetch });
    const probe = 'tandem-connection-test';
    if (connector.capabilities.has('products.read')) await requireCapability(connector, 'products.read').findVariantsBySku([Sku.parse(probe)]);
    else if (connector.capabilities.has('customers.read')) await requireCapability(connector, 'customers.read').findCustomer({ email: `${probe}@example.com` });
    else if (connector.capabilities.has('orders.read')) await requireCapability(connector, 'orders.read').findOrderByReference(probe);
    else return { ok: true, message: `${getConnector(c.platform).manifest.name} has nothing Tandem can read to test; the credentials are stored.` };
    return { ok: true, message: `Connected: ${getConnector(c.platform).manifest.name} answered.` };
  } catch (err) {
    if (err instanceof ConnectorError) return { ok: false, code: err.code, message: err.merchantMessage ?? err.message };
    if (err instanceof z.ZodError) return { ok: false, code: 'invalid', message: `The saved settings no longer fit this connector: ${err.issues.map((i) => i.path.join('.')).join(', ')}` };
    throw err;
  }
}

/** Disconnects: the row stays (history, budget use) but its credentials are wiped. */
export async function disconnect(db: Db, shopDomain: string, connectionId: string): Promise<ConnectionSummary | null> {
  const c = await ownConnection(db, shopDomain, connectionId);
  if (!c) return null;
  return summary(await db.connection.update({ where: { id: c.id }, data: { status: 'DISCONNECTED', credentials: sealCredentials({}) } }));
}

/**
 * "Connect Stripe" for daily billing: the supplier's secret key (or a restricted key that may
 * create customers and payments). The connector registry has no Stripe module: billing talks to
 * Stripe through the official client (billing.server.ts), which reads `secretKey`.
 */
export const StripeConnectInput = z.object({
  secretKey: z
    .string()
    .trim()
    .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/, 'Enter a Stripe secret key (sk_live_…) or restricted key (rk_live_…) from Developers → API keys'),
  displayName: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined),
});

export interface StripeConnectOptions {
  /** Tests and the demo: a client for the Stripe simulator instead of api.stripe.com. */
  stripeFor?: (secretKey: string) => Stripe;
}

/**
 * Connects (or reconnects) the supplier's Stripe account for billing. The key is checked by reading
 * the account it opens (one GET /v1/account), then stored encrypted under that account's id; a
 * refused key names the field and stores nothing.
 */
export async function connectStripe(db: Db, shopDomain: string, form: Record<string, unknown>, options: StripeConnectOptions = {}): Promise<ConnectionSummary> {
  const shop = await shopByDomain(db, shopDomain);
  const input = StripeConnectInput.safeParse(form);
  if (!input.success) throw new ConnectRefused(z.flattenError(input.error).fieldErrors as Record<string, string[]>);
  const { secretKey, displayName } = input.data;
  const stripe = options.stripeFor?.(secretKey) ?? new Stripe(secretKey, { maxNetworkRetries: 0, timeout: 20_000 });
  let account: Stripe.Account;
  try {
    account = await stripe.accounts.retrieveCurrent();
  } catch (err) {
    if (err instanceof Stripe.errors.StripeAuthenticationError || err instanceof Stripe.errors.StripePermissionError) {
      throw new ConnectRefused({ secretKey: [`Stripe refused this key: ${err.message}`] });
    }
    if (err instanceof Stripe.errors.StripeError) throw new ConnectRefused({ secretKey: [`Stripe could not check this key just now (${err.message}). Try again in a minute.`] });
    throw err;
  }
  const credentials = sealCredentials({ secretKey });
  const row = await db.connection.upsert({
    where: { shopId_platform_externalAccount: { shopId: shop.id, platform: 'stripe', externalAccount: account.id } },
    create: { shopId: shop.id, platform: 'stripe', externalAccount: account.id, displayName: displayName ?? `Stripe ${account.id}`, credentials, purposes: ['billing'] },
    update: { credentials, status: 'ACTIVE', ...(displayName ? { displayName } : {}) },
  });
  return summary(row);
}
