// The plugin shape: a manifest plus a factory. The engine never imports a concrete connector; it
// asks the registry for one by id and calls the methods its capabilities promise.
import type { z } from 'zod';
import type { Budget } from './budget.ts';
import { type Capability, type CapabilityMethods, requiredMethods } from './capabilities.ts';
import { ConnectorError } from './errors.ts';
import type { ConnectorManifest } from './manifest.ts';
import type { OAuthFlow } from './oauth.ts';

/** A connection's secrets, decrypted. Which keys are used depends on the manifest's authKind. */
export interface Credentials {
  accessToken?: string;
  /** Rotating refresh tokens (Xero, expiring Shopify tokens) are replaced on every use. */
  refreshToken?: string;
  /** ISO time the access token expires. */
  expiresAt?: string;
  apiKey?: string;
  apiSecret?: string;
  username?: string;
  password?: string;
  /** The key webhook signatures are checked with (Shopify: the app's client secret). */
  webhookSecret?: string;
  [key: string]: string | undefined;
}

export interface CredentialStore {
  get(): Promise<Credentials>;
  /**
   * Replaces the credentials atomically: `change` runs under the connection's lock with the latest
   * stored value, so two workers refreshing a rotating token cannot both spend the old refresh token
   * (the second sees the first one's result and may return it unchanged).
   */
  update(change: (current: Credentials) => Credentials | Promise<Credentials>): Promise<Credentials>;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface ConnectorDeps {
  /** The connection's shared rate-limit budget (Redis in production, `unlimitedBudget` in scripts). */
  budget: Budget;
  credentials: CredentialStore;
  fetch?: typeof fetch;
  /** Points the connector at a simulator instead of the vendor (tests, demo, benchmarks). */
  baseUrlOverride?: string;
  logger: Logger;
}

/** The methods present are those the manifest's capabilities require (see `requireCapability`). */
export type Connector = {
  readonly id: string;
  readonly capabilities: ReadonlySet<Capability>;
} & Partial<EveryCapabilityMethod>;

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
type EveryCapabilityMethod = UnionToIntersection<CapabilityMethods[Capability]>;

export interface ConnectorModule<Config extends z.ZodObject = z.ZodObject> {
  manifest: ConnectorManifest<Config>;
  /** Builds a connector for one connection. Must not call the platform (creation is cheap). */
  create(config: z.infer<Config>, deps: ConnectorDeps): Connector;
  /** authKind 'oauth2': the platform's authorization-code flow, offered by the marketplace. */
  oauth?: OAuthFlow;
}

/**
 * Declares a connector module with its config type checked, and widens it for the registry
 * (a factory taking a specific config is not assignable to one taking any config).
 */
export function defineConnector<Config extends z.ZodObject>(module: ConnectorModule<Config>): ConnectorModule {
  return module as unknown as ConnectorModule;
}

/**
 * Narrows a connector to one capability's methods, or throws `capability_missing` naming the
 * connector and the capability (the engine turns that into a merchant alert, not a retry).
 */
export function requireCapability<C extends Capability>(connector: Connector, capability: C): Connector & CapabilityMethods[C] {
  const missing = requiredMethods[capability].filter((m) => typeof (connector as Record<PropertyKey, unknown>)[m as PropertyKey] !== 'function');
  if (!connector.capabilities.has(capability) || missing.length > 0) {
    throw new ConnectorError('capability_missing', `Connector "${connector.id}" does not support ${capability}`, {
      connectorId: connector.id,
      merchantMessage: `This connection (${connector.id}) cannot do ${capability}. Choose a connector that lists it, or turn that sync off.`,
      details: { capability, missingMethods: missing.map(String) },
    });
  }
  return connector as Connector & CapabilityMethods[C];
}

/** Credentials held in memory: for tests, scripts and the demo. */
export function memoryCredentials(initial: Credentials): CredentialStore {
  let current = { ...initial };
  let queue: Promise<unknown> = Promise.resolve();
  return {
    async get() {
      return { ...current };
    },
    update(change) {
      const next = queue.then(async () => {
        current = { ...(await change({ ...current })) };
        return { ...current };
      });
      queue = next.catch(() => undefined);
      return next;
    },
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
