// Connecting an OAuth2 platform (Xero, Lightspeed) from the marketplace by signing in there, the
// authorization-code flow of RFC 6749 §4.1:
//   1. the connect form (the connector's settings, its app's client secret, the purposes) is kept
//      server-side under a random `state`, bound to the shop and the connector, for ten minutes;
//   2. the merchant's browser goes to the platform's consent page with that state;
//   3. the platform redirects back to /connectors/<id>/callback with a code and the state: the state
//      is claimed once (a replayed or forged callback finds nothing), the code is exchanged at the
//      connector's token URL, the account chosen at the platform is read, and the connection is
//      stored with its tokens encrypted, as a form-entered connection is.
// Only the SHA-256 of the state is stored, so the table's rows cannot be turned into callbacks.
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { getConnector, listConnectors } from '../../connectors/index.ts';
import type { Credentials } from '../../connectors/sdk/connector.ts';
import { AuthExpired, ConnectorError } from '../../connectors/sdk/errors.ts';
import { configFormFields, type ConfigFormField } from '../../connectors/sdk/manifest.ts';
import type { OAuthFlow, OAuthTokens } from '../../connectors/sdk/oauth.ts';
import type { Db, Prisma } from '../db.server.ts';
import { ConnectRefused, formValue, parsePurposes, purposeChoices, storeConnection, type ConnectionSummary } from './connections-admin.server.ts';
import { secrets } from './crypto.server.ts';
import { shopByDomain } from './dashboard.server.ts';

/** How long the merchant has to sign in at the platform and come back. */
export const AUTHORIZATION_TTL_MS = 10 * 60_000;

export const CLIENT_SECRET_FIELD: ConfigFormField = {
  name: 'clientSecret',
  label: 'App client secret',
  type: 'password',
  required: true,
  description: 'Exchanges the sign-in for tokens and renews them; stored encrypted.',
};
const WEBHOOK_SECRET_FIELD: ConfigFormField = { name: 'webhookSecret', label: 'Webhook secret', type: 'password', required: false, description: 'Checks the signature of the platform’s webhooks.' };

export interface OAuthOptions {
  /** The app's public URL (SHOPIFY_APP_URL): the platform redirects back under it. */
  appUrl: string;
  /** Demo and tests (CONNECTOR_ORIGINS): the simulator standing in for a connector's platform. */
  origins?: Partial<Record<string, string>>;
  fetch?: typeof fetch;
  now?: Date;
}

/** The flow of an OAuth2 connector, or null when it connects with a token form. */
export function oauthFlowOf(connectorId: string): OAuthFlow | null {
  const module = listConnectors().find((m) => m.manifest.id === connectorId);
  return module?.manifest.authKind === 'oauth2' && module.oauth ? module.oauth : null;
}

export interface SignInForm {
  configFields: ConfigFormField[];
  credentialFields: ConfigFormField[];
  /** Where the platform sends the merchant back: registered as a redirect URI of the merchant's app there. */
  redirectUri: string;
}

/** The form an OAuth2 connector's sign-in card shows: its settings but the account, and the app's secrets. */
export function oauthFormFields(connectorId: string, appUrl: string): SignInForm | null {
  const flow = oauthFlowOf(connectorId);
  if (!flow) return null;
  return {
    configFields: configFormFields(getConnector(connectorId).manifest).filter((f) => f.name !== flow.accountField),
    credentialFields: [CLIENT_SECRET_FIELD, WEBHOOK_SECRET_FIELD],
    redirectUri: callbackUrl(appUrl, connectorId),
  };
}

export function callbackUrl(appUrl: string, connectorId: string): string {
  return `${appUrl.replace(/\/+$/, '')}/connectors/${encodeURIComponent(connectorId)}/callback`;
}

const hashOf = (state: string) => createHash('sha256').update(state).digest('hex');

/** A vendor URL as Tandem calls it: at the simulator's origin when one stands in for the platform. */
function locator(origin: string | undefined) {
  return (url: string) => {
    if (!origin) return url;
    const u = new URL(url);
    return new URL(`${u.pathname}${u.search}`, origin).toString();
  };
}

const PendingSecrets = z.object({ clientSecret: z.string().min(1), webhookSecret: z.string().optional() });

/**
 * Step 1: checks the form like the token form is checked (each wrong field named), keeps it under
 * a fresh state and answers the platform's consent URL for the merchant's browser.
 */
export async function startAuthorization(db: Db, shopDomain: string, connectorId: string, form: Record<string, unknown>, options: OAuthOptions): Promise<{ authorizeUrl: string }> {
  const shop = await shopByDomain(db, shopDomain);
  const flow = oauthFlowOf(connectorId);
  const { manifest } = getConnector(connectorId);
  if (!flow) throw new ConnectRefused({ intent: [`${manifest.name} connects with its credentials, not by signing in`] });
  const fields = oauthFormFields(connectorId, options.appUrl)!;
  const errors: Record<string, string[]> = {};

  const rawConfig = Object.fromEntries(fields.configFields.map((f) => [f.name, formValue(f, form[f.name])]).filter(([, v]) => v !== undefined));
  // The account field is what the sign-in decides: everything else is checked now.
  const config = manifest.configSchema.omit({ [flow.accountField]: true } as Record<string, true> & Record<number, never>).safeParse(rawConfig);
  if (!config.success) Object.assign(errors, z.flattenError(config.error).fieldErrors);
  const entered = Object.fromEntries(fields.credentialFields.map((f) => [f.name, typeof form[f.name] === 'string' ? (form[f.name] as string).trim() : '']).filter(([, v]) => v));
  const pending = PendingSecrets.safeParse(entered);
  if (!pending.success) errors.clientSecret = [`Enter the ${CLIENT_SECRET_FIELD.label.toLowerCase()}`];
  const chosen = parsePurposes(form.purposes, purposeChoices(manifest));
  if ('error' in chosen) errors.purposes = [chosen.error];
  if (Object.keys(errors).length || !config.success || !pending.success || 'error' in chosen) throw new ConnectRefused(errors);

  const state = randomBytes(32).toString('base64url');
  const now = options.now ?? new Date();
  // Sign-ins never finished (the merchant closed the tab) are of no use once expired.
  await db.oAuthAuthorization.deleteMany({ where: { expiresAt: { lt: now } } });
  const redirectUri = callbackUrl(options.appUrl, connectorId);
  const displayName = typeof form.displayName === 'string' && form.displayName.trim() ? form.displayName.trim() : null;
  await db.oAuthAuthorization.create({
    data: {
      stateHash: hashOf(state),
      shopId: shop.id,
      connectorId,
      redirectUri,
      config: config.data as Prisma.InputJsonObject,
      secrets: secrets().encryptJson(pending.data),
      purposes: chosen.purposes,
      displayName,
      expiresAt: new Date(now.getTime() + AUTHORIZATION_TTL_MS),
    },
  });
  const authorize = new URL(locator(options.origins?.[connectorId])(flow.authorizeUrl));
  authorize.searchParams.set('response_type', 'code');
  authorize.searchParams.set('client_id', String((config.data as Record<string, unknown>).clientId ?? ''));
  authorize.searchParams.set('redirect_uri', redirectUri);
  if (flow.scopes.length) authorize.searchParams.set('scope', flow.scopes.join(' '));
  authorize.searchParams.set('state', state);
  return { authorizeUrl: authorize.toString() };
}

export type AuthorizationOutcome =
  | { ok: true; shopDomain: string; connection: ConnectionSummary }
  /** `shopDomain` when the state was the shop's: the page can lead back to its Connectors. */
  | { ok: false; shopDomain?: string; message: string };

const TokenAnswer = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().positive().nullish(),
  expires: z.number().positive().nullish(),
});

/** RFC 6749 §4.1.3: the code for tokens, the client authenticated as the platform wants (§2.3.1). */
async function exchangeCode(flow: OAuthFlow, name: string, at: (url: string) => string, input: { callback: URLSearchParams; code: string; redirectUri: string; clientId: string; clientSecret: string }, fetchFn: typeof fetch, now: Date): Promise<OAuthTokens> {
  const body = new URLSearchParams({ grant_type: 'authorization_code', code: input.code, redirect_uri: input.redirectUri });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (flow.clientAuth === 'basic') {
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(input.clientId)}:${encodeURIComponent(input.clientSecret)}`).toString('base64')}`;
  } else {
    body.set('client_id', input.clientId);
    body.set('client_secret', input.clientSecret);
  }
  const res = await fetchFn(at(flow.tokenUrl(input.callback)), { method: 'POST', headers, body: body.toString() });
  const answer: unknown = await res.json().catch(() => ({}));
  const parsed = TokenAnswer.safeParse(answer);
  if (!res.ok || !parsed.success) {
    const error = (answer as { error?: unknown })?.error;
    const said = typeof error === 'string' ? error : `HTTP ${res.status}`;
    throw AuthExpired(`${name}'s token endpoint refused the code: ${said}`, { merchantMessage: `${name} refused to finish the sign-in (${said}). Check the app client id and secret, then connect again.` });
  }
  const t = parsed.data;
  const expiresAtMs = t.expires_in ? now.getTime() + t.expires_in * 1000 : t.expires ? t.expires * 1000 : undefined;
  return { accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt: expiresAtMs ? new Date(expiresAtMs).toISOString() : undefined, raw: t };
}

/**
 * Step 3, the platform's redirect back: claims the state once, exchanges the code, reads the
 * account and stores the connection. Every failure is an answer for the merchant's page, never a
 * half-stored connection.
 */
export async function finishAuthorization(db: Db, connectorId: string, callback: URLSearchParams, options: Omit<OAuthOptions, 'appUrl'> = {}): Promise<AuthorizationOutcome> {
  const now = options.now ?? new Date();
  const state = callback.get('state');
  const flow = oauthFlowOf(connectorId);
  const expired = { ok: false, message: 'This sign-in has expired or was already used. Start again from Connectors in Tandem.' } as const;
  if (!state || !flow) return expired;
  const stateHash = hashOf(state);
  const claimed = await db.oAuthAuthorization.updateMany({ where: { stateHash, connectorId, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
  if (claimed.count !== 1) return expired;
  const pending = await db.oAuthAuthorization.findUniqueOrThrow({ where: { stateHash }, include: { shop: true } });
  const shopDomain = pending.shop.domain;
  const { manifest } = getConnector(connectorId);

  const denied = callback.get('error');
  if (denied) return { ok: false, shopDomain, message: `${manifest.name} was not connected: ${callback.get('error_description') ?? denied}.` };
  const code = callback.get('code');
  if (!code) return { ok: false, shopDomain, message: `${manifest.name} sent no authorization code. Connect it again from Connectors.` };

  const origin = options.origins?.[connectorId];
  const at = locator(origin);
  const fetchFn = options.fetch ?? fetch;
  const entered = PendingSecrets.parse(secrets().decryptJson(pending.secrets));
  const formConfig = pending.config as Record<string, unknown>;
  try {
    const tokens = await exchangeCode(flow, manifest.name, at, { callback, code, redirectUri: pending.redirectUri, clientId: String(formConfig.clientId ?? ''), clientSecret: entered.clientSecret }, fetchFn, now);
    const account = await flow.accountOf({ tokens, callback, at, fetch: fetchFn });
    const config = manifest.configSchema.safeParse({ ...formConfig, [flow.accountField]: account });
    if (!config.success) return { ok: false, shopDomain, message: `${manifest.name} named an account Tandem cannot use (${account}). Connect it again from Connectors.` };
    const credentials: Credentials = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt, apiSecret: entered.clientSecret, webhookSecret: entered.webhookSecret };
    const stored = { ...(config.data as Record<string, unknown>), ...(origin ? { baseUrlOverride: origin } : {}) } as Prisma.InputJsonObject;
    const connection = await storeConnection(db, { shopId: pending.shopId, connectorId, account, displayName: pending.displayName, config: stored, credentials, purposes: pending.purposes as ConnectionSummary['purposes'] });
    return { ok: true, shopDomain, connection };
  } catch (err) {
    if (err instanceof ConnectorError || err instanceof z.ZodError) {
      const message = err instanceof ConnectorError ? (err.merchantMessage ?? err.message) : `${manifest.name} answered in a form Tandem does not understand.`;
      return { ok: false, shopDomain, message };
    }
    if (err instanceof TypeError) return { ok: false, shopDomain, message: `${manifest.name} could not be reached to finish the sign-in. Connect it again in a minute.` };
    throw err;
  }
}
