// Secrets at rest: AES-256-GCM with a random 96-bit IV per value and the auth tag stored beside
// the ciphertext, so a tampered value fails to decrypt instead of yielding garbage.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { env } from '../env.server.ts';

const VERSION = 'v1';

export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error(`Encryption key must be 32 bytes, got ${key.length}.`);
    this.#key = key;
  }

  static fromBase64(keyBase64: string): SecretBox {
    return new SecretBox(Buffer.from(keyBase64, 'base64'));
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv.toString('base64'), tag.toString('base64'), body.toString('base64')].join(':');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, body] = sealed.split(':');
    if (version !== VERSION || !iv || !tag || body === undefined) {
      throw new Error('Encrypted value is not in the v1 format; refusing to read it.');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  }

  encryptJson(value: unknown): string {
    return this.encrypt(JSON.stringify(value));
  }

  decryptJson<T = unknown>(sealed: string): T {
    return JSON.parse(this.decrypt(sealed)) as T;
  }
}

let box: SecretBox | undefined;

/**
 * The app's SecretBox. In production TANDEM_ENCRYPTION_KEY is required (env.server.ts refuses to
 * start without it); in development and tests a fixed, clearly non-secret key stands in.
 */
export function secrets(): SecretBox {
  if (!box) {
    const { TANDEM_ENCRYPTION_KEY, NODE_ENV } = env();
    if (TANDEM_ENCRYPTION_KEY) box = SecretBox.fromBase64(TANDEM_ENCRYPTION_KEY);
    else if (NODE_ENV !== 'production') box = new SecretBox(createHash('sha256').update('tandem-development-only-key').digest());
    else throw new Error('TANDEM_ENCRYPTION_KEY is required in production.');
  }
  return box;
}
