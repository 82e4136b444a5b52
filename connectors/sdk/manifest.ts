// A connector's manifest: what the marketplace screen shows and what the engine may ask of it.
// Validated at boot by the registry, so a broken plugin fails loudly with its id.
import { z } from 'zod';
import type { RateLimitPolicy } from './budget.ts';
import { Capability } from './capabilities.ts';

export const AuthKind = z.enum(['oauth2', 'api_key', 'basic']);
export type AuthKind = z.infer<typeof AuthKind>;

export const RateLimitPolicySchema = z
  .object({
    kind: z.enum(['token-bucket', 'fixed-window']),
    capacity: z.number().positive(),
    refillPerSecond: z.number().positive().optional(),
    windowMs: z.number().int().positive().optional(),
    dailyCap: z.number().int().positive().optional(),
    maxConcurrent: z.number().int().positive().optional(),
    unit: z.enum(['call', 'cost']),
    source: z.url(),
  })
  .refine((p) => (p.kind === 'token-bucket' ? p.refillPerSecond !== undefined : p.windowMs !== undefined), {
    message: 'a token-bucket needs refillPerSecond; a fixed-window needs windowMs',
  }) satisfies z.ZodType<RateLimitPolicy>;

const logo = z
  .string()
  .refine((s) => s.startsWith('data:image/') || /^\/?[\w./-]+\.(svg|png|jpe?g|webp)$/.test(s), {
    message: 'a path to an image (e.g. /connectors/shopify.svg) or a data:image/ URI',
  });

export const ConnectorManifestSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lowercase letters, digits and dashes, e.g. "lightspeed-x"'),
  name: z.string().min(1),
  logo,
  authKind: AuthKind,
  configSchema: z.custom<z.ZodObject>((v) => v instanceof z.ZodObject, { message: 'a zod object schema' }),
  capabilities: z.array(Capability).min(1).refine((c) => new Set(c).size === c.length, { message: 'capabilities repeat' }),
  rateLimit: RateLimitPolicySchema,
  docsUrl: z.url(),
  customerRequiredFor: z.array(z.enum(['orders.write', 'invoices.write'])).optional(),
});

export interface ConnectorManifest<Config extends z.ZodObject = z.ZodObject> {
  /** Stable id, stored on every Connection row: never rename. */
  id: string;
  name: string;
  /** A public path or a `data:image/…` URI. */
  logo: string;
  authKind: AuthKind;
  /**
   * The connection's settings (shop domain, location, account codes). Secrets belong in the
   * CredentialStore; a field marked `.meta({ secret: true })` is rendered as a password input.
   */
  configSchema: Config;
  capabilities: Capability[];
  rateLimit: RateLimitPolicy;
  /** The vendor's API documentation. */
  docsUrl: string;
  /**
   * Writes that need the buyer to exist as a customer on the platform first (Xero invoices need a
   * contact). Before such a write the engine finds the buyer or creates it (customers.write), links
   * it and reports the creation; for other writes it only attaches a customer it finds.
   */
  customerRequiredFor?: CustomerRequiringWrite[];
}

export type CustomerRequiringWrite = 'orders.write' | 'invoices.write';

/** A form field the marketplace screen renders for one config key. */
export interface ConfigFormField {
  name: string;
  label: string;
  type: 'text' | 'password' | 'url' | 'email' | 'number' | 'boolean' | 'select';
  required: boolean;
  description?: string;
  placeholder?: string;
  options?: string[];
  defaultValue?: string | number | boolean;
}

interface JsonSchemaProperty {
  type?: string | string[];
  title?: string;
  description?: string;
  format?: string;
  enum?: unknown[];
  default?: unknown;
  examples?: unknown[];
  secret?: boolean;
}

/** Turns the manifest's config schema into form fields (via JSON Schema, so metadata carries over). */
export function configFormFields(manifest: Pick<ConnectorManifest, 'configSchema'>): ConfigFormField[] {
  const json = z.toJSONSchema(manifest.configSchema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonSchemaProperty>;
    required?: string[];
  };
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, prop]) => {
    const field: ConfigFormField = {
      name,
      label: prop.title ?? humanize(name),
      type: fieldType(prop),
      required: required.has(name) && prop.default === undefined,
    };
    if (prop.description) field.description = prop.description;
    if (prop.enum) field.options = prop.enum.map(String);
    if (prop.examples?.length) field.placeholder = String(prop.examples[0]);
    if (typeof prop.default === 'string' || typeof prop.default === 'number' || typeof prop.default === 'boolean') {
      field.defaultValue = prop.default;
    }
    return field;
  });
}

function fieldType(prop: JsonSchemaProperty): ConfigFormField['type'] {
  if (prop.secret) return 'password';
  if (prop.enum) return 'select';
  const type = Array.isArray(prop.type) ? prop.type.find((t) => t !== 'null') : prop.type;
  if (type === 'boolean') return 'boolean';
  if (type === 'number' || type === 'integer') return 'number';
  if (prop.format === 'uri') return 'url';
  if (prop.format === 'email') return 'email';
  return 'text';
}

function humanize(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
