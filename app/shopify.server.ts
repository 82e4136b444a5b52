// Tandem as a Shopify app: embedded, App Store distribution, token exchange (Shopify-managed
// install, scopes from shopify.app.toml), expiring offline tokens, sessions encrypted in
// PostgreSQL. Routes use `authenticate.admin` / `receiveWebhook` from here and nothing else.
import '@shopify/shopify-app-remix/server/adapters/node';
import {
  ApiVersion,
  AppDistribution,
  LogSeverity,
  shopifyApp,
  type WebhookContext,
} from '@shopify/shopify-app-remix/server';
import { database } from './db.server.ts';
import { env } from './env.server.ts';
import { PrismaSessionStorage } from './session-storage.server.ts';
import { routeShopifyAdminCallsTo } from './shopify-admin-fetch.server.ts';
import { connectInstalledStore, recordInstall } from './sync/shop-lifecycle.server.ts';
import { recordWebhook, type RecordedWebhook } from './sync/webhook-events.server.ts';

/** The Admin API version every call and webhook subscription uses (shopify.app.toml agrees). */
export const SHOPIFY_API_VERSION = ApiVersion.October26;

const settings = env();

const logLevels = {
  debug: LogSeverity.Debug,
  info: LogSeverity.Info,
  warn: LogSeverity.Warning,
  error: LogSeverity.Error,
} as const;

const ShopQuery = `#graphql
  query TandemShop { shop { ianaTimezone name email } }`;

const shopify = shopifyApp({
  apiKey: settings.SHOPIFY_API_KEY,
  apiSecretKey: settings.SHOPIFY_API_SECRET,
  appUrl: settings.SHOPIFY_APP_URL,
  scopes: settings.SCOPES.split(','),
  apiVersion: SHOPIFY_API_VERSION,
  distribution: AppDistribution.AppStore,
  sessionStorage: new PrismaSessionStorage(database),
  isEmbeddedApp: true,
  logger: { level: logLevels[settings.LOG_LEVEL] },
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    // Required for public apps created from 2026-04-01 (shopify.dev, offline access tokens).
    expiringOfflineAccessTokens: true,
  },
  hooks: {
    afterAuth: async ({ session, admin }) => {
      const response = await admin.graphql(ShopQuery);
      const { data } = (await response.json()) as {
        data?: { shop?: { ianaTimezone?: string; name?: string; email?: string } };
      };
      const db = await database();
      const shop = await recordInstall(db, {
        domain: session.shop,
        name: data?.shop?.name,
        email: data?.shop?.email,
        timezone: data?.shop?.ianaTimezone,
      });
      await connectInstalledStore(db, { shop, offlineSessionId: session.id, clientId: settings.SHOPIFY_API_KEY });
    },
  },
});

// After shopifyApp's import: its web-api adapter installs the plain fetch we wrap.
if (settings.SHOPIFY_ADMIN_ORIGIN) routeShopifyAdminCallsTo(settings.SHOPIFY_ADMIN_ORIGIN, settings.NODE_ENV);

export default shopify;
export const apiVersion = SHOPIFY_API_VERSION;

/**
 * Shopify's document headers (frame-ancestors: the shop and admin.shopify.com). In demo and test
 * mode the Shopify simulator plays the admin, so its origin may frame the app too.
 */
export function addDocumentResponseHeaders(request: Request, headers: Headers) {
  shopify.addDocumentResponseHeaders(request, headers);
  const simulator = settings.SHOPIFY_ADMIN_ORIGIN;
  const policy = headers.get('Content-Security-Policy');
  if (simulator && policy?.startsWith('frame-ancestors https://')) {
    headers.set('Content-Security-Policy', policy.replace('frame-ancestors ', `frame-ancestors ${new URL(simulator).origin} `));
  }
}

/**
 * Where the embedded app loads App Bridge from: Shopify's CDN (the library's default, undefined
 * here), or in demo and test mode the Shopify simulator's stand-in, since the CDN is out of reach.
 */
export function appBridgeScriptUrl(): string | undefined {
  const simulator = settings.SHOPIFY_ADMIN_ORIGIN;
  return simulator ? `${new URL(simulator).origin}/cdn/app-bridge.js` : undefined;
}
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const sessionStorage = shopify.sessionStorage;

/** Shopify sends no webhook near this size; a bigger body is refused before it is buffered. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

export type ReceivedWebhook = WebhookContext &
  RecordedWebhook & {
    /** When Shopify triggered it (`X-Shopify-Triggered-At`), else when it was first received. */
    sentAt: Date;
  };

/**
 * Verifies a webhook delivery (HMAC with the app secret; a forgery gets the library's 401) and
 * records it once by `X-Shopify-Webhook-Id`. A body over 1 MB answers 413, a verified body that is
 * not JSON answers 400; either way only this delivery is refused.
 */
export async function receiveWebhook(request: Request): Promise<ReceivedWebhook> {
  const body = await readLimited(request, MAX_WEBHOOK_BYTES);
  const buffered = new Request(request.url, { method: request.method, headers: request.headers, body });
  const webhook = await authenticateWebhookBody(buffered);
  const recorded = await recordWebhook(await database(), {
    webhookId: webhook.webhookId,
    shopDomain: webhook.shop,
    topic: webhook.topic,
  });
  const triggered = webhook.triggeredAt ? new Date(webhook.triggeredAt) : undefined;
  const sentAt = triggered && !Number.isNaN(triggered.getTime()) ? triggered : recorded.event.receivedAt;
  return { ...webhook, ...recorded, sentAt };
}

async function authenticateWebhookBody(request: Request): Promise<WebhookContext> {
  try {
    return await shopify.authenticate.webhook(request);
  } catch (err) {
    // The library parses the body only after the HMAC matched; everything else it throws (401,
    // 400 for missing headers, 405) is already the answer and passes through untouched.
    if (err instanceof SyntaxError) throw problem(400, `Webhook body is not valid JSON: ${err.message}`);
    throw err;
  }
}

async function readLimited(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const tooLarge = () => problem(413, `Webhook body is larger than ${limit} bytes.`);
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) throw tooLarge();
  if (!request.body) return null;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

function problem(status: number, error: string): Response {
  return new Response(JSON.stringify({ error }), { status, headers: { 'Content-Type': 'application/json' } });
}
