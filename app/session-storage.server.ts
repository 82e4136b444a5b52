// Shopify sessions in PostgreSQL through Prisma 7. The official Prisma storage pins Prisma 6
// (DESIGN.md, stack notes), so this implements the library's five-method SessionStorage itself.
// Access and refresh tokens are stored as AES-256-GCM ciphertext (app/sync/crypto.server.ts):
// a database dump alone never lets anyone call a shop's Admin API.
import { Session } from '@shopify/shopify-api';
import type { SessionStorage } from '@shopify/shopify-app-session-storage';
import type { Db } from './db.server.ts';
import type { Session as SessionRow } from './generated/prisma/client.ts';
import { secrets, type SecretBox } from './sync/crypto.server.ts';

/** A database, or how to get one when first needed (the app opens its database lazily). */
export type DbSource = Db | (() => Promise<Db>);

export class PrismaSessionStorage implements SessionStorage {
  readonly #source: DbSource;
  readonly #box: () => SecretBox;

  constructor(source: DbSource, box: () => SecretBox = secrets) {
    this.#source = source;
    this.#box = box;
  }

  async storeSession(session: Session): Promise<boolean> {
    const db = await this.#db();
    const row = this.#toRow(session);
    await db.session.upsert({ where: { id: session.id }, create: row, update: row });
    return true;
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const db = await this.#db();
    const row = await db.session.findUnique({ where: { id } });
    return row ? this.#toSession(row) : undefined;
  }

  async deleteSession(id: string): Promise<boolean> {
    const db = await this.#db();
    await db.session.deleteMany({ where: { id } });
    return true;
  }

  async deleteSessions(ids: string[]): Promise<boolean> {
    const db = await this.#db();
    await db.session.deleteMany({ where: { id: { in: ids } } });
    return true;
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    const db = await this.#db();
    const rows = await db.session.findMany({ where: { shop }, take: 25, orderBy: { expires: 'desc' } });
    return rows.map((row) => this.#toSession(row));
  }

  #db(): Promise<Db> {
    const source = this.#source;
    return typeof source === 'function' ? source() : Promise.resolve(source);
  }

  #toRow(session: Session): SessionRow {
    const user = session.onlineAccessInfo?.associated_user;
    const box = this.#box();
    return {
      id: session.id,
      shop: session.shop,
      state: session.state,
      isOnline: session.isOnline,
      scope: session.scope ?? null,
      expires: session.expires ?? null,
      // The column is required; a session without a token (mid-OAuth) stores an encrypted ''.
      accessToken: box.encrypt(session.accessToken ?? ''),
      userId: user?.id === undefined ? null : BigInt(user.id),
      firstName: user?.first_name ?? null,
      lastName: user?.last_name ?? null,
      email: user?.email ?? null,
      accountOwner: user?.account_owner ?? false,
      locale: user?.locale ?? null,
      collaborator: user?.collaborator ?? false,
      emailVerified: user?.email_verified ?? false,
      refreshToken: session.refreshToken ? box.encrypt(session.refreshToken) : null,
      refreshTokenExpires: session.refreshTokenExpires ?? null,
    };
  }

  #toSession(row: SessionRow): Session {
    const box = this.#box();
    const accessToken = box.decrypt(row.accessToken);
    const entries: [string, string | number | boolean][] = [
      ['id', row.id],
      ['shop', row.shop],
      ['state', row.state],
      ['isOnline', row.isOnline],
    ];
    if (row.scope) entries.push(['scope', row.scope]);
    if (row.expires) entries.push(['expires', row.expires.getTime()]);
    if (accessToken) entries.push(['accessToken', accessToken]);
    if (row.refreshToken) entries.push(['refreshToken', box.decrypt(row.refreshToken)]);
    if (row.refreshTokenExpires) entries.push(['refreshTokenExpires', row.refreshTokenExpires.getTime()]);
    if (row.userId !== null) {
      entries.push(['userId', row.userId.toString()]);
      if (row.firstName) entries.push(['firstName', row.firstName]);
      if (row.lastName) entries.push(['lastName', row.lastName]);
      if (row.email) entries.push(['email', row.email]);
      if (row.locale) entries.push(['locale', row.locale]);
      entries.push(['accountOwner', row.accountOwner]);
      entries.push(['collaborator', row.collaborator ?? false]);
      entries.push(['emailVerified', row.emailVerified ?? false]);
    }
    return Session.fromPropertyArray(entries, true);
  }
}
