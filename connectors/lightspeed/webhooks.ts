// Webhook deliveries (x-series-api.lightspeedhq.com/docs/webhooks): an
// application/x-www-form-urlencoded POST whose `payload` field is the changed object as JSON, with
// `type` (sale.update, product.update, inventory.update, customer.update) and, not guaranteed,
// `domain_prefix`. Signed in `X-Signature: signature=<hex HMAC-SHA256 of the raw body>,
// algorithm=HMAC-SHA256`, keyed with the app's client secret. X-Series sends no event id: the
// changed object's id and version name the change, so a redelivery dedupes and a later change does not.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import { Invalid } from '../sdk/errors.ts';
import type { TandemWebhookEvent } from '../sdk/types.ts';
import { header, type HeaderBag } from '../sdk/webhook-headers.ts';
import { LightspeedWebhookObject } from './schemas.ts';

const connectorId = 'lightspeed-x';

export function signLightspeedWebhook(rawBody: Buffer | string, clientSecret: string): string {
  return `signature=${createHmac('sha256', clientSecret).update(rawBody).digest('hex')}, algorithm=HMAC-SHA256`;
}

/** `signature=…, algorithm=…` → its fields. */
function signatureFields(value: string): Map<string, string> {
  return new Map(
    value.split(',').flatMap((part) => {
      const at = part.indexOf('=');
      return at > 0 ? [[part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim()] as [string, string]] : [];
    }),
  );
}

export function verifyLightspeedWebhook(headers: HeaderBag, rawBody: Buffer | string, clientSecret: string, domainPrefix: string): TandemWebhookEvent | 'ignored' {
  const given = header(headers, 'x-signature');
  if (!given) throw Invalid(`Lightspeed webhook for ${domainPrefix} has no X-Signature header`, undefined, { connectorId });
  const fields = signatureFields(given);
  if (fields.get('algorithm')?.toUpperCase() !== 'HMAC-SHA256') {
    throw Invalid(`Lightspeed webhook for ${domainPrefix} is signed with ${fields.get('algorithm') ?? 'no named algorithm'}, not HMAC-SHA256`, undefined, { connectorId });
  }
  const expected = createHmac('sha256', clientSecret).update(rawBody).digest();
  const actual = Buffer.from(fields.get('signature') ?? '', 'hex');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw Invalid(`Lightspeed webhook for ${domainPrefix} has a wrong signature`, undefined, { connectorId });
  }

  const raw = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  const form = new URLSearchParams(raw);
  const type = form.get('type');
  const from = form.get('domain_prefix');
  if (from && from !== domainPrefix) throw Invalid(`Lightspeed webhook ${type ?? ''} comes from ${from}, not ${domainPrefix}`, undefined, { connectorId });
  let changed: z.infer<typeof LightspeedWebhookObject>;
  try {
    changed = LightspeedWebhookObject.parse(JSON.parse(form.get('payload') ?? ''));
  } catch (err) {
    throw Invalid(`Lightspeed webhook ${type ?? ''} for ${domainPrefix} has no readable payload`, undefined, { connectorId, cause: err });
  }
  const eventId =
    changed.version !== null && changed.version !== undefined
      ? `${type}:${changed.id}@${changed.version}`
      : `${type}:${createHash('sha256').update(raw).digest('hex')}`;
  const base = { eventId, shop: domainPrefix };
  switch (type) {
    case 'sale.update':
      return { kind: 'order.updated', ...base, orderExternalId: changed.id };
    case 'product.update':
      return { kind: 'product.updated', ...base, productExternalId: changed.family_id ?? changed.variant_parent_id ?? changed.id };
    case 'inventory.update':
      return {
        kind: 'inventory.updated',
        ...base,
        inventoryItemId: changed.product_id ?? changed.id,
        locationId: changed.outlet_id ?? null,
        available: changed.current_inventory_level ?? null,
      };
    default:
      return 'ignored';
  }
}
