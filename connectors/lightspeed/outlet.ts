// Which outlet Tandem counts stock at and which register forwarded orders are rung up on: the
// connection's settings, else the store's first outlet and that outlet's first register.
import { NotFound } from '../sdk/errors.ts';
import type { LightspeedClient } from './client.ts';
import { LightspeedOutlets, LightspeedRegisters } from './schemas.ts';

export class Outlet {
  #outletId: Promise<string> | undefined;
  #registerId: Promise<string> | undefined;

  constructor(
    private readonly ls: LightspeedClient,
    private readonly configured: { outletId?: string; registerId?: string },
  ) {}

  id(): Promise<string> {
    this.#outletId ??= this.configured.outletId
      ? Promise.resolve(this.configured.outletId)
      : this.ls.request({ path: '2026-07/outlets' }, LightspeedOutlets).then(({ data }) => {
          if (!data.data[0]) throw NotFound('The Lightspeed store has no outlet', { connectorId: 'lightspeed-x' });
          return data.data[0].id;
        });
    this.#outletId.catch(() => (this.#outletId = undefined));
    return this.#outletId;
  }

  registerId(): Promise<string> {
    this.#registerId ??= this.configured.registerId
      ? Promise.resolve(this.configured.registerId)
      : Promise.all([this.id(), this.ls.request({ path: '2026-07/registers' }, LightspeedRegisters)]).then(([outletId, { data }]) => {
          const register = data.data.find((r) => r.outlet_id === outletId) ?? data.data[0];
          if (!register) {
            throw NotFound('The Lightspeed store has no register', {
              connectorId: 'lightspeed-x',
              merchantMessage: 'Lightspeed has no register to ring forwarded orders up on. Add one in Lightspeed, then press Retry in Activity.',
            });
          }
          return register.id;
        });
    this.#registerId.catch(() => (this.#registerId = undefined));
    return this.#registerId;
  }
}
