// The one place that reads process.env (STYLE.md: config). Parsed once, on first use, so a
// missing or malformed setting fails at start with the variable's name.
import { z } from 'zod';

const Env = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    /** PostgreSQL. Unset: the embedded PGlite database in PGLITE_DIR (the demo default). */
    DATABASE_URL: z.string().url().optional(),
    PGLITE_DIR: z.string().default('.tandem/pglite'),
    REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
    /** Prefix of every Redis key (BullMQ queues, budgets): several deployments or tests share one Redis. */
    REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('tandem'),
    /** 32 bytes, base64: encrypts connector credentials and Shopify tokens at rest (AES-256-GCM). */
    TANDEM_ENCRYPTION_KEY: z
      .string()
      // Checked here, at start, not at the first encryption: a short key would otherwise pass
      // until the first merchant connects a platform.
      .refine((key) => /^[A-Za-z0-9+/]+={0,2}$/.test(key) && Buffer.from(key, 'base64').length === 32, {
        message: 'must be 32 random bytes in base64 (openssl rand -base64 32)',
      })
      .optional(),
    SHOPIFY_API_KEY: z.string().default('tandem-dev-api-key'),
    SHOPIFY_API_SECRET: z.string().default('tandem-dev-api-secret'),
    SHOPIFY_APP_URL: z.string().url().default('http://localhost:3000'),
    SCOPES: z
      .string()
      .default(
        'read_products,write_products,read_inventory,write_inventory,read_orders,write_orders,read_fulfillments,write_fulfillments,read_merchant_managed_fulfillment_orders,write_merchant_managed_fulfillment_orders,read_customers,write_customers,read_locations,read_publications,write_publications',
      ),
    /**
     * Demo and tests only: send every Shopify Admin call to this origin (the Shopify simulator)
     * instead of https://<shop>. Refused in production.
     */
    SHOPIFY_ADMIN_ORIGIN: z.string().url().optional(),
    /**
     * Demo and tests only: where other platforms' simulators listen, by connector id
     * (`xero=http://127.0.0.1:4100,lightspeed-x=http://127.0.0.1:4200`). The marketplace's OAuth2
     * flow sends the merchant and the code exchange there, and the new connection keeps the origin;
     * `stripe=` sends the worker's billing calls to the Stripe simulator.
     * Refused in production.
     */
    CONNECTOR_ORIGINS: z
      .string()
      .regex(/^([a-z][a-z0-9-]*=https?:\/\/[^,\s]+)(,[a-z][a-z0-9-]*=https?:\/\/[^,\s]+)*$/, 'must be connector=origin pairs separated by commas')
      // Read once, as a map from connector id to origin.
      .transform((raw): Partial<Record<string, string>> => Object.fromEntries(raw.split(',').map((pair) => pair.split('=', 2) as [string, string])))
      .optional(),
    PORT: z.coerce.number().int().positive().default(3000),
    SMTP_URL: z.string().optional(),
    ALERT_EMAIL_FROM: z.string().default('alerts@tandem.local'),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    /**
     * How long a worker's hold on a running job lasts without renewal (BullMQ lockDuration), and so
     * how soon a job whose worker died is found stalled and run again. Renewed every half of it.
     */
    WORKER_LOCK_MS: z.coerce.number().int().min(1_000).default(30_000),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production') {
      if (!env.TANDEM_ENCRYPTION_KEY) {
        ctx.addIssue({ code: 'custom', path: ['TANDEM_ENCRYPTION_KEY'], message: 'is required in production (32 random bytes, base64)' });
      }
      if (env.SHOPIFY_ADMIN_ORIGIN) {
        ctx.addIssue({ code: 'custom', path: ['SHOPIFY_ADMIN_ORIGIN'], message: 'is for the demo and tests; unset it in production' });
      }
      if (env.CONNECTOR_ORIGINS) {
        ctx.addIssue({ code: 'custom', path: ['CONNECTOR_ORIGINS'], message: 'is for the demo and tests; unset it in production' });
      }
    }
  });

export type Env = z.infer<typeof Env>;

let cached: Env | undefined;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = Env.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Tandem configuration is invalid:\n${lines.join('\n')}`);
  }
  return result.data;
}

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Tests and the demo set variables before first use; this lets them re-read. */
export function resetEnvCache() {
  cached = undefined;
}
