// Buyers at the platforms Tandem writes orders and invoices to. The buyer of a forwarded order is
// the retailer (the supplier sells to it wholesale). It is found by Tandem's account id for it
// first, then by email: first among the links Tandem holds (CustomerLink), then at the platform;
// and linked once. A linked customer is used as it is: Tandem never sends it an update, so details
// the merchant keeps at the platform stay theirs. Where the platform needs a customer for the write
// (its manifest's customerRequiredFor: Xero invoices, Lightspeed sales) and none exists, Tandem
// creates it at sale time, marks the link createdByTandem and says so on the order.
import { getConnector } from '../../connectors/index.ts';
import { requireCapability, type Connector } from '../../connectors/sdk/connector.ts';
import type { CustomerRequiringWrite } from '../../connectors/sdk/manifest.ts';
import type { Connection, Shop } from '../generated/prisma/client.ts';
import type { SyncContext } from './connections.server.ts';

export interface Buyer {
  /** Tandem's account id for the buyer: the retailer shop's id. */
  accountId: string;
  email: string | null;
  /** The company name a created customer gets. */
  name: string;
}

export interface LinkedCustomer {
  externalCustomerId: string;
  /** How the customer was found this time: an earlier link, at the platform, or created now. */
  how: 'linked' | 'found_by_account' | 'found_by_email' | 'created';
}

/** The retailer as the buyer of its forwarded orders. */
export function buyerOf(retailer: Pick<Shop, 'id' | 'email' | 'name' | 'domain'>): Buyer {
  return { accountId: retailer.id, email: retailer.email ?? null, name: retailer.name ?? retailer.domain };
}

/**
 * The platform customer to attach to `write` for `buyer`, or null when the platform has none and
 * does not need one (the write then goes without a customer, e.g. a guest order).
 */
export async function customerForSale(ctx: SyncContext, connection: Connection, connector: Connector, buyer: Buyer, write: CustomerRequiringWrite): Promise<LinkedCustomer | null> {
  const email = buyer.email?.trim().toLowerCase() || null;
  const linked =
    (await ctx.db.customerLink.findFirst({ where: { connectionId: connection.id, externalAccountId: buyer.accountId }, orderBy: { linkedAt: 'asc' } })) ??
    (email ? await ctx.db.customerLink.findFirst({ where: { connectionId: connection.id, email }, orderBy: { linkedAt: 'asc' } }) : null);
  if (linked) return { externalCustomerId: linked.externalCustomerId, how: 'linked' };

  const link = async (externalCustomerId: string, createdByTandem: boolean) => {
    // Committed at once (not with the caller's order transaction), so a customer created here is
    // never forgotten, even when the write that follows fails.
    await ctx.db.customerLink.createMany({
      data: [{ connectionId: connection.id, externalAccountId: buyer.accountId, email, externalCustomerId, createdByTandem, linkedAt: ctx.now() }],
      skipDuplicates: true,
    });
  };

  if (connector.capabilities.has('customers.read')) {
    const found = await requireCapability(connector, 'customers.read').findCustomer({ accountId: buyer.accountId, email });
    if (found) {
      await link(found.externalId, false);
      return { externalCustomerId: found.externalId, how: found.accountId === buyer.accountId ? 'found_by_account' : 'found_by_email' };
    }
  }

  const required = getConnector(connection.platform).manifest.customerRequiredFor?.includes(write) ?? false;
  if (!required || !connector.capabilities.has('customers.write')) return null;
  const created = await requireCapability(connector, 'customers.write').createCustomer({
    email,
    accountId: buyer.accountId,
    company: buyer.name,
    firstName: null,
    lastName: null,
    phone: null,
  });
  await link(created.externalId, true);
  return { externalCustomerId: created.externalId, how: 'created' };
}

/** The order history line for a customer Tandem linked or created for this sale; null when it was linked before. */
export function customerEvent(customer: LinkedCustomer | null, buyer: Buyer, platformName: string, write: CustomerRequiringWrite): string | null {
  if (!customer || customer.how === 'linked') return null;
  const what = write === 'invoices.write' ? 'invoices' : 'orders';
  if (customer.how === 'created') {
    return `Created customer "${buyer.name}" in ${platformName} (${customer.externalCustomerId}): ${platformName} needs one for ${what}. Tandem will not change it afterwards.`;
  }
  const by = customer.how === 'found_by_account' ? 'account id' : `email ${buyer.email}`;
  return `Linked ${buyer.name} to ${platformName} customer ${customer.externalCustomerId} (matched by ${by}); Tandem will not change it.`;
}
