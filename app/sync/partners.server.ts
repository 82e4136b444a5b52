// Partnerships as a merchant manages them: invite a shop (by its domain or its invite code),
// accept or decline an invitation, end a partnership, and change its settings. Every function is
// asked "as which shop?" and only ever finds partnerships that shop is part of, so a shop cannot
// read or change another pair's partnership by guessing its id.
import { z } from 'zod';
import { listConnectors } from '../../connectors/index.ts';
import type { Db } from '../db.server.ts';
import type { Partnership, Shop } from '../generated/prisma/client.ts';
import { BillingTerms } from './billing.server.ts';
import { JOBS, exactTime, shopByDomain, timeAgo, type JobKind, type RunState } from './dashboard.server.ts';
import { PricingRule, parsePricingRule } from './pricing.ts';

export type PartnerRole = 'SUPPLIER' | 'RETAILER';

/** Why a partnership request was refused; `field` names the form field at fault when there is one. */
export class PartnershipError extends Error {
  readonly name = 'PartnershipError';
  constructor(
    readonly code: 'not_found' | 'invalid' | 'forbidden',
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** "Invite a partner": a shop domain (or its first label) or the partner's invite code, and my side. */
export const InvitePartnerInput = z.object({
  partner: z.string().trim().min(1, 'Enter the partner’s shop domain or invite code'),
  myRole: z.enum(['SUPPLIER', 'RETAILER'], { message: 'Choose whether you are the supplier or the retailer' }),
});
export type InvitePartnerInput = z.infer<typeof InvitePartnerInput>;

/** What the partnerships list and detail screens may do with one partnership. */
export const PartnershipAction = z.object({
  intent: z.enum(['accept', 'decline', 'end'], { message: 'Unknown action' }),
  partnershipId: z.string().min(1, 'Which partnership?'),
});
export type PartnershipAction = z.infer<typeof PartnershipAction>;

// HTML forms send strings; fetchers may send booleans. A checkbox that is not ticked sends nothing.
const formBoolean = z
  .union([z.boolean(), z.enum(['true', 'false', 'on', 'off'])])
  .optional()
  .transform((v) => v === true || v === 'true' || v === 'on');
const formNumber = z.union([z.number(), z.string().trim().min(1, 'Enter a number')]).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : Number(v);
  if (Number.isNaN(n)) {
    ctx.addIssue({ code: 'custom', message: 'Enter a number' });
    return z.NEVER;
  }
  return n;
});

/**
 * The partner settings form, one flat field per input so errors point at the input: the pricing
 * rule and billing terms are checked with the engine's own schemas (PricingRule, BillingTerms).
 */
export const PartnerSettingsInput = z
  .object({
    forceOverwrite: formBoolean,
    pushInventory: formBoolean,
    oversellProtection: formBoolean,
    markupPercent: formNumber.pipe(PricingRule.shape.markupPercent.unwrap()),
    fixedAdd: formNumber.pipe(PricingRule.shape.fixedAdd.unwrap()),
    rounding: PricingRule.shape.rounding.unwrap(),
    feePercent: formNumber.pipe(BillingTerms.shape.feePercent.unwrap()),
    currency: z
      .string()
      .trim()
      .transform((c) => c || undefined)
      .pipe(z.string().regex(/^[A-Za-z]{3}$/, 'A three-letter currency code, e.g. USD').optional()),
    billingMethod: BillingTerms.shape.method.unwrap(),
  })
  .transform((f) => ({
    forceOverwrite: f.forceOverwrite,
    pushInventory: f.pushInventory,
    oversellProtection: f.oversellProtection,
    pricingRule: PricingRule.parse({ markupPercent: f.markupPercent, fixedAdd: f.fixedAdd, rounding: f.rounding }),
    billingTerms: BillingTerms.parse({ feePercent: f.feePercent, currency: f.currency, method: f.billingMethod }),
  }));
export type PartnerSettings = z.output<typeof PartnerSettingsInput>;

export interface PartnershipView {
  id: string;
  status: Partnership['status'];
  /** This shop's side of the partnership. */
  myRole: PartnerRole;
  partner: { domain: string; name: string | null };
  invitedByMe: boolean;
  /** Only the invited shop answers an invitation. */
  canRespond: boolean;
  canEnd: boolean;
  createdAt: string;
  acceptedAt: string | null;
  /** The supplier's connection the catalog comes from; null = the supplier's Shopify store. */
  catalogSourceId: string | null;
  settings: {
    forceOverwrite: boolean;
    pushInventory: boolean;
    oversellProtection: boolean;
    pricingRule: PricingRule;
    billingTerms: BillingTerms;
  };
}

type Loaded = Partnership & { supplier: Shop; retailer: Shop };

function view(p: Loaded, me: Shop): PartnershipView {
  const myRole: PartnerRole = p.supplierShopId === me.id ? 'SUPPLIER' : 'RETAILER';
  const partner = myRole === 'SUPPLIER' ? p.retailer : p.supplier;
  const terms = BillingTerms.safeParse(p.billingTerms ?? {});
  return {
    id: p.id,
    status: p.status,
    myRole,
    partner: { domain: partner.domain, name: partner.name },
    invitedByMe: p.invitedByShopId === me.id,
    canRespond: p.status === 'INVITED' && p.invitedByShopId !== me.id,
    canEnd: p.status === 'ACTIVE' || (p.status === 'INVITED' && p.invitedByShopId === me.id),
    createdAt: p.createdAt.toISOString(),
    acceptedAt: p.acceptedAt?.toISOString() ?? null,
    catalogSourceId: p.sourceConnectionId,
    settings: {
      forceOverwrite: p.forceOverwrite,
      pushInventory: p.pushInventory,
      oversellProtection: p.oversellProtection,
      pricingRule: parsePricingRule(p.pricingRule),
      billingTerms: terms.success ? terms.data : BillingTerms.parse({}),
    },
  };
}

/** A partnership this shop is part of, or `not_found` (also for another pair's id). */
async function ownPartnership(db: Db, me: Shop, id: string): Promise<Loaded> {
  const p = await db.partnership.findFirst({
    where: { id, OR: [{ supplierShopId: me.id }, { retailerShopId: me.id }] },
    include: { supplier: true, retailer: true },
  });
  if (!p) throw new PartnershipError('not_found', 'No such partnership.');
  return p;
}

/** "acme" and "https://Acme.myshopify.com/" both mean acme.myshopify.com. */
function normalizeDomain(text: string): string {
  const host = text.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  return host.includes('.') ? host : `${host}.myshopify.com`;
}

async function findPartnerShop(db: Db, partner: string): Promise<Shop | null> {
  const byCode = await db.shop.findUnique({ where: { inviteCode: partner.trim() } });
  if (byCode) return byCode;
  return db.shop.findUnique({ where: { domain: normalizeDomain(partner) } });
}

/** The partnership's latest sync run of any kind: which, its state, how long ago and exactly when. */
export interface LastSync {
  title: string;
  state: RunState;
  ago: string;
  /** In the viewing shop's time zone, e.g. "Nov 23, 2026, 7:05 AM EST". */
  exact: string;
}

export interface PartnershipListItem extends PartnershipView {
  lastSync: LastSync | null;
}

async function lastSyncs(db: Db, partnershipIds: string[], timezone: string, now: Date): Promise<Map<string, LastSync>> {
  const runs = await db.syncRun.findMany({
    where: { partnershipId: { in: partnershipIds } },
    orderBy: { queuedAt: 'desc' },
    distinct: ['partnershipId'],
  });
  return new Map(
    runs.map((run) => {
      const at = run.finishedAt ?? run.startedAt ?? run.queuedAt;
      const title = JOBS[run.kind as JobKind]?.title ?? run.kind;
      return [run.partnershipId!, { title, state: run.status.toLowerCase() as RunState, ago: timeAgo(at, now), exact: exactTime(at, timezone) }];
    }),
  );
}

export async function listPartnerships(db: Db, shopDomain: string, now = new Date()): Promise<{ inviteCode: string; partnerships: PartnershipListItem[] }> {
  const me = await shopByDomain(db, shopDomain);
  const rows = await db.partnership.findMany({
    where: { OR: [{ supplierShopId: me.id }, { retailerShopId: me.id }] },
    include: { supplier: true, retailer: true },
    orderBy: { createdAt: 'desc' },
  });
  const synced = await lastSyncs(db, rows.map((p) => p.id), me.timezone, now);
  return { inviteCode: me.inviteCode, partnerships: rows.map((p) => ({ ...view(p, me), lastSync: synced.get(p.id) ?? null })) };
}

export async function getPartnership(db: Db, shopDomain: string, id: string): Promise<PartnershipView> {
  const me = await shopByDomain(db, shopDomain);
  return view(await ownPartnership(db, me, id), me);
}

/**
 * Invites a shop that has Tandem installed. A pair that declined or ended before may be invited
 * again (the same row starts over as INVITED); a pending or active one is not duplicated.
 */
export async function invitePartner(db: Db, shopDomain: string, input: InvitePartnerInput): Promise<PartnershipView> {
  const me = await shopByDomain(db, shopDomain);
  const partner = await findPartnerShop(db, input.partner);
  if (!partner || partner.uninstalledAt) {
    throw new PartnershipError(
      'not_found',
      `No shop with Tandem installed matches “${input.partner}”. Ask your partner to install Tandem, then use their shop domain or the invite code shown on their Partners page.`,
      'partner',
    );
  }
  if (partner.id === me.id) throw new PartnershipError('invalid', 'That is your own shop. Enter your partner’s shop domain or invite code.', 'partner');
  const pair = input.myRole === 'SUPPLIER' ? { supplierShopId: me.id, retailerShopId: partner.id } : { supplierShopId: partner.id, retailerShopId: me.id };
  const existing = await db.partnership.findUnique({ where: { supplierShopId_retailerShopId: pair } });
  if (existing && (existing.status === 'INVITED' || existing.status === 'ACTIVE')) {
    const state = existing.status === 'ACTIVE' ? 'already partners' : 'already invited';
    throw new PartnershipError('invalid', `You and ${partner.name ?? partner.domain} are ${state} in this direction.`, 'partner');
  }
  const row = existing
    ? await db.partnership.update({
        where: { id: existing.id },
        data: { status: 'INVITED', invitedByShopId: me.id, acceptedAt: null, createdAt: new Date() },
        include: { supplier: true, retailer: true },
      })
    : await db.partnership.create({ data: { ...pair, invitedByShopId: me.id, status: 'INVITED' }, include: { supplier: true, retailer: true } });
  return view(row, me);
}

/** Accepts or declines an invitation; only the invited shop may, and only while it is pending. */
export async function respondToInvitation(db: Db, shopDomain: string, id: string, accept: boolean, now = new Date()): Promise<PartnershipView> {
  const me = await shopByDomain(db, shopDomain);
  const p = await ownPartnership(db, me, id);
  if (p.invitedByShopId === me.id) throw new PartnershipError('forbidden', 'Your partner answers this invitation, not you.');
  if (p.status !== 'INVITED') throw new PartnershipError('invalid', `This invitation was already answered (${p.status.toLowerCase()}).`);
  // Compare-and-set on INVITED: a double click accepts once and cannot flip a decline.
  const { count } = await db.partnership.updateMany({
    where: { id, status: 'INVITED' },
    data: accept ? { status: 'ACTIVE', acceptedAt: now } : { status: 'DECLINED' },
  });
  if (count === 0) throw new PartnershipError('invalid', 'This invitation was already answered.');
  return getPartnership(db, shopDomain, id);
}

/** Ends an active partnership (either side) or withdraws an invitation this shop sent. */
export async function endPartnership(db: Db, shopDomain: string, id: string): Promise<PartnershipView> {
  const me = await shopByDomain(db, shopDomain);
  const p = view(await ownPartnership(db, me, id), me);
  if (!p.canEnd) throw new PartnershipError('invalid', `A ${p.status.toLowerCase()} partnership cannot be ended.`);
  await db.partnership.update({ where: { id }, data: { status: 'ENDED' } });
  return getPartnership(db, shopDomain, id);
}

/** Saves the partnership's settings; either side may change them while it is not ended. */
export async function savePartnerSettings(db: Db, shopDomain: string, id: string, settings: PartnerSettings): Promise<PartnershipView> {
  const me = await shopByDomain(db, shopDomain);
  const p = await ownPartnership(db, me, id);
  if (p.status === 'ENDED' || p.status === 'DECLINED') throw new PartnershipError('invalid', 'This partnership has ended; its settings can no longer change.');
  await db.partnership.update({
    where: { id },
    data: {
      forceOverwrite: settings.forceOverwrite,
      pushInventory: settings.pushInventory,
      oversellProtection: settings.oversellProtection,
      pricingRule: settings.pricingRule,
      billingTerms: settings.billingTerms,
    },
  });
  return getPartnership(db, shopDomain, id);
}

/**
 * "Catalog comes from": the supplier chooses which of its connections feeds this partner — its
 * Shopify store (null, the default) or another platform it sells on (a WooCommerce site, a
 * BigCommerce store). Only the supplier chooses, and only a connection of its own that can read
 * products; the next catalog sync reads from it.
 */
export async function chooseCatalogSource(db: Db, shopDomain: string, id: string, connectionId: string | null): Promise<PartnershipView> {
  const me = await shopByDomain(db, shopDomain);
  const p = await ownPartnership(db, me, id);
  if (p.supplierShopId !== me.id) throw new PartnershipError('forbidden', 'Only the supplier chooses where its catalog comes from.');
  if (p.status === 'ENDED' || p.status === 'DECLINED') throw new PartnershipError('invalid', 'This partnership has ended; its catalog source can no longer change.');
  if (connectionId !== null) {
    const connection = await db.connection.findFirst({ where: { id: connectionId, shopId: me.id } });
    if (!connection) throw new PartnershipError('not_found', 'Choose one of your own connections.', 'catalogSource');
    if (connection.status !== 'ACTIVE') {
      throw new PartnershipError('invalid', `${connection.displayName ?? connection.externalAccount} is ${connection.status.toLowerCase().replace('_', ' ')}. Reconnect it in Connectors first.`, 'catalogSource');
    }
    const known = listConnectors().find((c) => c.manifest.id === connection.platform);
    if (!known?.manifest.capabilities.includes('products.read')) {
      throw new PartnershipError('invalid', `Tandem cannot read products from ${known?.manifest.name ?? connection.platform}. Choose a store or site that sells the products.`, 'catalogSource');
    }
  }
  await db.partnership.update({ where: { id }, data: { sourceConnectionId: connectionId } });
  return getPartnership(db, shopDomain, id);
}

/** Accept, decline or end, as the partnerships screens ask. */
export async function actOnPartnership(db: Db, shopDomain: string, action: PartnershipAction): Promise<PartnershipView> {
  if (action.intent === 'end') return endPartnership(db, shopDomain, action.partnershipId);
  return respondToInvitation(db, shopDomain, action.partnershipId, action.intent === 'accept');
}

/** The answer a route gives for a PartnershipError: 404, 403 or 400, naming the field. */
export function partnershipErrorStatus(err: PartnershipError): number {
  return err.code === 'not_found' && !err.field ? 404 : err.code === 'forbidden' ? 403 : 400;
}
