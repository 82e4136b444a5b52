// Everything the Xero simulator remembers, as plain data: apps (OAuth clients), tenants
// (organisations) with their contacts, items and invoices in Xero's own JSON shape, OAuth grants
// and tokens, connections, idempotency records, rate-limit windows and the request log.
import { randomBytes, randomUUID } from 'node:crypto';

export type XeroRecord = Record<string, unknown>;

/** A stored Xero object and when it last changed (simulated ms), for If-Modified-Since. */
export interface Stored {
  data: XeroRecord;
  updatedMs: number;
}

export interface XeroIdempotencyRecord {
  key: string;
  method: string;
  path: string;
  body: string;
  createdAtMs: number;
  response?: { status: number; body: unknown };
}

export interface XeroTenant {
  id: string;
  name: string;
  baseCurrency: string;
  contacts: Map<string, Stored>;
  items: Map<string, Stored>;
  invoices: Map<string, Stored>;
  idempotency: Map<string, XeroIdempotencyRecord>;
  /** Call timestamps (simulated ms) in the rolling minute and day windows. */
  minuteCalls: number[];
  dayCalls: number[];
  invoiceSequence: number;
  createdMs: number;
}

export interface XeroApp {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** Tenants the (simulated) user picks on the consent screen; empty = every tenant. */
  consentTenantIds: string[];
  webhookKey: string;
  webhookUrl?: string;
  /** Set by the intent-to-receive handshake: OK when the receiver checks signatures. */
  webhookStatus: 'UNVERIFIED' | 'OK' | 'FAILED';
  eventSequence: number;
  /** Calls in the rolling minute across all tenants (App Minute Limit). */
  minuteCalls: number[];
}

export interface XeroGrant {
  authEventId: string;
  clientId: string;
  userId: string;
  scope: string;
  tenantIds: string[];
  revoked: boolean;
}

export interface AuthorizationCode {
  code: string;
  grant: XeroGrant;
  redirectUri: string;
  nonce?: string;
  expiresAtMs: number;
  used: boolean;
}

export interface AccessToken {
  token: string;
  authEventId: string;
  expiresAtMs: number;
}

export interface RefreshToken {
  token: string;
  authEventId: string;
  issuedAtMs: number;
  /** First successful use; the token keeps working for the grace period after it. */
  usedAtMs?: number;
}

export interface XeroConnection {
  id: string;
  clientId: string;
  tenantId: string;
  authEventId: string;
  createdMs: number;
  updatedMs: number;
}

export interface XeroLimits {
  /** Per tenant (developer.xero.com/documentation/guides/oauth2/limits). */
  perMinute: number;
  perDay: number;
  concurrent: number;
  /** Per app across all tenants. */
  appPerMinute: number;
}

export const DEFAULT_LIMITS: XeroLimits = { perMinute: 60, perDay: 5000, concurrent: 5, appPerMinute: 10_000 };

export interface XeroRequestLogEntry {
  at: string;
  method: string;
  path: string;
  status: number;
  tenantId?: string;
  idempotencyKey?: string;
  replayed: boolean;
  rateLimitProblem?: string;
}

export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

export interface XeroSeed {
  apps: { clientId: string; clientSecret: string; redirectUris?: string[]; webhookKey?: string; webhookUrl?: string }[];
  tenants: { id?: string; name: string; baseCurrency?: string }[];
  limits?: Partial<XeroLimits>;
}

export class XeroState {
  readonly apps = new Map<string, XeroApp>();
  readonly tenants = new Map<string, XeroTenant>();
  readonly grants = new Map<string, XeroGrant>();
  readonly codes = new Map<string, AuthorizationCode>();
  readonly accessTokens = new Map<string, AccessToken>();
  readonly refreshTokens = new Map<string, RefreshToken>();
  readonly connections: XeroConnection[] = [];
  readonly requests: XeroRequestLogEntry[] = [];
  /** Requests being served per xero-tenant-id header value (for the concurrent limit). */
  readonly inFlight = new Map<string, number>();
  limits: XeroLimits = { ...DEFAULT_LIMITS };

  constructor(
    private readonly seed: XeroSeed,
    private readonly now: () => number,
  ) {
    this.reset();
  }

  addApp(input: XeroSeed['apps'][number]): XeroApp {
    const app: XeroApp = {
      clientId: input.clientId,
      clientSecret: input.clientSecret,
      redirectUris: input.redirectUris ?? [],
      consentTenantIds: [],
      webhookKey: input.webhookKey ?? randomToken(48),
      webhookUrl: input.webhookUrl,
      webhookStatus: 'UNVERIFIED',
      eventSequence: 0,
      minuteCalls: [],
    };
    this.apps.set(app.clientId, app);
    return app;
  }

  addTenant(input: XeroSeed['tenants'][number]): XeroTenant {
    const tenant: XeroTenant = {
      id: input.id ?? randomUUID(),
      name: input.name,
      baseCurrency: input.baseCurrency ?? 'USD',
      contacts: new Map(),
      items: new Map(),
      invoices: new Map(),
      idempotency: new Map(),
      minuteCalls: [],
      dayCalls: [],
      invoiceSequence: 0,
      createdMs: this.now(),
    };
    this.tenants.set(tenant.id, tenant);
    return tenant;
  }

  reset() {
    for (const m of [this.apps, this.tenants, this.grants, this.codes, this.accessTokens, this.refreshTokens, this.inFlight]) m.clear();
    this.connections.length = 0;
    this.requests.length = 0;
    this.limits = { ...DEFAULT_LIMITS, ...this.seed.limits };
    for (const a of this.seed.apps) this.addApp(a);
    for (const t of this.seed.tenants) this.addTenant(t);
  }
}
