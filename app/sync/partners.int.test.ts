import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { sealCredentials } from './connections.server.ts';
import {
  PartnerSettingsInput,
  PartnershipError,
  chooseCatalogSource,
  endPartnership,
  getPartnership,
  invitePartner,
  listPartnerships,
  respondToInvitation,
  savePartnerSettings,
} from './partners.server.ts';

const A = 'alpha-supply.myshopify.com';
const B = 'bravo-retail.myshopify.com';
const C = 'charlie-goods.myshopify.com';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase('partners');
  for (const [domain, name] of [[A, 'Alpha Supply'], [B, 'Bravo Retail'], [C, 'Charlie Goods']]) {
    await t.db.shop.create({ data: { domain, name } });
  }
});
afterAll(async () => t.drop());

async function refusal(promise: Promise<unknown>) {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(PartnershipError);
  return err as PartnershipError;
}

describe('when a supplier invites a retailer by shop domain', () => {
  let id: string;

  it('creates an invitation that both shops see with their own roles', async () => {
    const invited = await invitePartner(t.db, A, { partner: 'https://Bravo-Retail.myshopify.com/', myRole: 'SUPPLIER' });
    id = invited.id;

    expect(invited).toMatchObject({ status: 'INVITED', myRole: 'SUPPLIER', partner: { domain: B, name: 'Bravo Retail' }, invitedByMe: true, canRespond: false });
    const retailerSide = await listPartnerships(t.db, B);
    expect(retailerSide.partnerships).toEqual([expect.objectContaining({ id, myRole: 'RETAILER', partner: { domain: A, name: 'Alpha Supply' }, canRespond: true })]);
  });

  it('refuses a second invitation in the same direction while the first is pending', async () => {
    const err = await refusal(invitePartner(t.db, A, { partner: 'bravo-retail', myRole: 'SUPPLIER' }));
    expect(err.message).toBe('You and Bravo Retail are already invited in this direction.');
    expect(err.field).toBe('partner');
  });

  it('does not let the inviting shop accept its own invitation', async () => {
    const err = await refusal(respondToInvitation(t.db, A, id, true));
    expect(err.code).toBe('forbidden');
  });

  it('hides the partnership from a shop outside it', async () => {
    expect((await refusal(getPartnership(t.db, C, id))).code).toBe('not_found');
    expect((await refusal(respondToInvitation(t.db, C, id, true))).code).toBe('not_found');
    expect((await refusal(endPartnership(t.db, C, id))).code).toBe('not_found');
    expect((await listPartnerships(t.db, C)).partnerships).toEqual([]);
  });

  it('becomes active once the retailer accepts, and a second accept changes nothing', async () => {
    const accepted = await respondToInvitation(t.db, B, id, true, new Date('2026-11-23T10:00:00Z'));
    expect(accepted).toMatchObject({ status: 'ACTIVE', acceptedAt: '2026-11-23T10:00:00.000Z', canEnd: true });
    expect((await refusal(respondToInvitation(t.db, B, id, false))).message).toBe('This invitation was already answered (active).');
  });

  it('saves the partner settings with the pricing rule and billing terms parsed', async () => {
    const settings = PartnerSettingsInput.parse({
      forceOverwrite: 'true',
      pushInventory: 'false',
      oversellProtection: 'on',
      markupPercent: '80',
      fixedAdd: '1.5',
      rounding: 'x.99',
      feePercent: '2',
      currency: 'eur',
      billingMethod: 'payment_intent',
    });
    const saved = await savePartnerSettings(t.db, B, id, settings);
    expect(saved.settings).toEqual({
      forceOverwrite: true,
      pushInventory: false,
      oversellProtection: true,
      pricingRule: { markupPercent: 80, fixedAdd: 1.5, rounding: 'x.99' },
      billingTerms: { feePercent: 2, currency: 'EUR', method: 'payment_intent' },
    });
    const row = await t.db.partnership.findUniqueOrThrow({ where: { id } });
    expect(row.pricingRule).toEqual({ markupPercent: 80, fixedAdd: 1.5, rounding: 'x.99' });
  });

  it('ends, after which settings no longer change and the pair may be invited again', async () => {
    expect((await endPartnership(t.db, A, id)).status).toBe('ENDED');
    const settings = PartnerSettingsInput.parse({ markupPercent: '0', fixedAdd: '0', rounding: 'none', feePercent: '0', currency: '', billingMethod: 'invoice' });
    expect((await refusal(savePartnerSettings(t.db, A, id, settings))).code).toBe('invalid');
    const again = await invitePartner(t.db, B, { partner: A, myRole: 'RETAILER' });
    expect(again).toMatchObject({ id, status: 'INVITED', invitedByMe: true, myRole: 'RETAILER' });
  });
});

describe('when a retailer invites a supplier by invite code', () => {
  it('finds the supplier by its code and makes the inviter the retailer', async () => {
    const code = (await listPartnerships(t.db, C)).inviteCode;
    const invited = await invitePartner(t.db, B, { partner: code, myRole: 'RETAILER' });
    expect(invited).toMatchObject({ myRole: 'RETAILER', partner: { domain: C } });
    const declined = await respondToInvitation(t.db, C, invited.id, false);
    expect(declined.status).toBe('DECLINED');
  });

  it('names the field when no installed shop matches', async () => {
    const err = await refusal(invitePartner(t.db, B, { partner: 'nobody-here', myRole: 'RETAILER' }));
    expect(err.field).toBe('partner');
    expect(err.message).toContain('No shop with Tandem installed matches “nobody-here”');
  });
});

describe('when partners have synced', () => {
  const NOW = new Date('2026-11-23T13:05:00Z');

  it('shows each partnership its latest sync: which, its state, how long ago and the exact time in the viewer’s zone', async () => {
    const [d, e, f] = await Promise.all([
      t.db.shop.create({ data: { domain: 'delta-supply.myshopify.com', name: 'Delta Supply', timezone: 'America/New_York' } }),
      t.db.shop.create({ data: { domain: 'echo-retail.myshopify.com', name: 'Echo Retail', timezone: 'Europe/Berlin' } }),
      t.db.shop.create({ data: { domain: 'fox-retail.myshopify.com', name: 'Fox Retail' } }),
    ]);
    const active = { invitedByShopId: d.id, status: 'ACTIVE' as const };
    const de = await t.db.partnership.create({ data: { supplierShopId: d.id, retailerShopId: e.id, ...active } });
    await t.db.partnership.create({ data: { supplierShopId: d.id, retailerShopId: f.id, ...active } });
    const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
    await t.db.syncRun.createMany({
      data: [
        { shopId: d.id, partnershipId: de.id, kind: 'catalog.sync', trigger: 'schedule', status: 'SUCCEEDED', queuedAt: minutesAgo(181), startedAt: minutesAgo(180), finishedAt: minutesAgo(178) },
        { shopId: d.id, partnershipId: de.id, kind: 'inventory.push', trigger: 'manual', status: 'PARTIAL', queuedAt: minutesAgo(13), startedAt: minutesAgo(13), finishedAt: minutesAgo(12) },
      ],
    });

    const supplierSide = await listPartnerships(t.db, d.domain, NOW);
    expect(supplierSide.partnerships.map((x) => [x.partner.domain, x.lastSync])).toEqual([
      ['fox-retail.myshopify.com', null],
      ['echo-retail.myshopify.com', { title: 'Inventory push', state: 'partial', ago: '12 minutes ago', exact: 'Nov 23, 2026, 7:53 AM EST' }],
    ]);
    const retailerSide = await listPartnerships(t.db, e.domain, NOW);
    expect(retailerSide.partnerships.map((x) => x.lastSync)).toEqual([{ title: 'Inventory push', state: 'partial', ago: '12 minutes ago', exact: 'Nov 23, 2026, 1:53 PM GMT+1' }]);
  });
});

describe('when the settings form is filled in wrongly', () => {
  it.each([
    [{ markupPercent: 'lots' }, 'markupPercent', 'Enter a number'],
    [{ markupPercent: '-150' }, 'markupPercent', 'Too small: expected number to be >=-100'],
    [{ rounding: 'up' }, 'rounding', undefined],
    [{ feePercent: '101' }, 'feePercent', 'Too big: expected number to be <=100'],
    [{ currency: 'EURO' }, 'currency', 'A three-letter currency code, e.g. USD'],
  ])('rejects %o naming %s', (change, field, message) => {
    const base = { markupPercent: '10', fixedAdd: '0', rounding: 'none', feePercent: '0', currency: '', billingMethod: 'invoice' };
    const result = PartnerSettingsInput.safeParse({ ...base, ...change });
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find((i) => i.path[0] === field);
    expect(issue).toBeDefined();
    if (message) expect(issue!.message).toBe(message);
  });
});

describe('when a supplier chooses where a partner’s catalog comes from', () => {
  const D = 'delta-makers.myshopify.com';
  const E = 'echo-shop.myshopify.com';
  let id: string;
  const connection = (domain: string, platform: string, status: 'ACTIVE' | 'DISCONNECTED' = 'ACTIVE') =>
    t.db.shop
      .findUniqueOrThrow({ where: { domain } })
      .then((shop) => t.db.connection.create({ data: { shopId: shop.id, platform, externalAccount: `${platform}-${domain}-${status}`, credentials: sealCredentials({}), status } }));

  beforeAll(async () => {
    await t.db.shop.create({ data: { domain: D, name: 'Delta Makers' } });
    await t.db.shop.create({ data: { domain: E, name: 'Echo Shop' } });
    id = (await invitePartner(t.db, D, { partner: E, myRole: 'SUPPLIER' })).id;
    await respondToInvitation(t.db, E, id, true);
  });

  it('reads from the chosen WooCommerce site, and back from the Shopify store when cleared', async () => {
    const woo = await connection(D, 'woocommerce');
    expect((await chooseCatalogSource(t.db, D, id, woo.id)).catalogSourceId).toBe(woo.id);
    expect((await t.db.partnership.findUniqueOrThrow({ where: { id } })).sourceConnectionId).toBe(woo.id);
    expect((await chooseCatalogSource(t.db, D, id, null)).catalogSourceId).toBeNull();
  });

  it.each([
    ['another shop’s connection', E, 'woocommerce', 'ACTIVE', 'not_found', 'Choose one of your own connections.'],
    ['a disconnected site', D, 'woocommerce', 'DISCONNECTED', 'invalid', 'woocommerce-delta-makers.myshopify.com-DISCONNECTED is disconnected. Reconnect it in Connectors first.'],
    ['an accounting system', D, 'xero', 'ACTIVE', 'invalid', 'Tandem cannot read products from Xero. Choose a store or site that sells the products.'],
  ] as const)('refuses %s, naming the field', async (_what, owner, platform, status, code, message) => {
    const other = await connection(owner, platform, status);
    const err = await refusal(chooseCatalogSource(t.db, D, id, other.id));
    expect([err.code, err.field, err.message]).toEqual([code, 'catalogSource', message]);
    expect((await t.db.partnership.findUniqueOrThrow({ where: { id } })).sourceConnectionId).toBeNull();
  });

  it('is the supplier’s choice only', async () => {
    const err = await refusal(chooseCatalogSource(t.db, E, id, null));
    expect([err.code, err.message]).toEqual(['forbidden', 'Only the supplier chooses where its catalog comes from.']);
  });
});
