import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_VERSION = /^v[1-9]\d*$/;
// HKDF, not scrypt: the input is a configured secret of 32+ characters, not a human password,
// so a slow KDF would add start-up time without adding strength.
const HKDF_SALT = 'helpdeskly/secret-box';
const HKDF_INFO = 'tenant database password';

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

const b64 = (buffer: Buffer) => buffer.toString('base64url');

function deriveKey(secret: string): Buffer {
  if (secret.length === 0) throw new SecretBoxError('an encryption key is empty');
  return Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, HKDF_INFO, 32));
}

/**
 * Encrypts small secrets (tenant database passwords) with AES-256-GCM. Output:
 * `<version>:<iv>:<tag>:<ciphertext>`, base64url parts, e.g. `v1:…`. The version names the key,
 * so keys rotate without a flag day: add `v2`, make it current, re-seal with {@link needsResealing}
 * at leisure, then drop `v1`. The version is authenticated with the ciphertext.
 */
export class SecretBox {
  private keys!: ReadonlyMap<string, Buffer>;
  private currentVersion!: string;

  /** `keys` maps versions (`v1`, `v2`…) to configured secrets; `current` seals new values. */
  constructor(keys: Readonly<Record<string, string>>, current: string) {
    this.rekey(keys, current);
  }

  /** The version that seals new values. */
  get current(): string {
    return this.currentVersion;
  }

  /**
   * Replaces the keys (a rotation read from Vault): values sealed with a version still present
   * keep opening; new values are sealed with `current`. Validated first: on error nothing changes.
   */
  rekey(keys: Readonly<Record<string, string>>, current: string): void {
    const entries = Object.entries(keys);
    for (const [version] of entries) {
      if (!KEY_VERSION.test(version)) throw new SecretBoxError(`key version "${version}" must look like v1, v2…`);
    }
    const derived = new Map(entries.map(([version, secret]) => [version, deriveKey(secret)]));
    if (!derived.has(current)) throw new SecretBoxError(`no key for the current version "${current}"`);
    this.keys = derived;
    this.currentVersion = current;
  }

  /** One key, version v1: DB_ENCRYPTION_KEY as configured today. */
  static fromKey(secret: string): SecretBox {
    return new SecretBox({ v1: secret }, 'v1');
  }

  seal(plaintext: string): string {
    const key = this.keys.get(this.current)!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(this.current));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [this.current, b64(iv), b64(cipher.getAuthTag()), b64(ciphertext)].join(':');
  }

  /** The plaintext; throws {@link SecretBoxError} on an unknown key version or any tampering. */
  open(sealed: string): string {
    const parts = sealed.split(':');
    if (parts.length !== 4) throw new SecretBoxError('not a sealed value (expected version:iv:tag:ciphertext)');
    const [version, iv, tag, ciphertext] = parts;
    const key = this.keys.get(version);
    if (!key) throw new SecretBoxError(`no key for version "${version}"`);
    const ivBytes = Buffer.from(iv, 'base64url');
    const tagBytes = Buffer.from(tag, 'base64url');
    if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES)
      throw new SecretBoxError('malformed sealed value');
    try {
      const decipher = createDecipheriv(ALGORITHM, key, ivBytes, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(version));
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError('the sealed value does not match its key (wrong key or tampered)');
    }
  }

  /** True when the value was sealed with an older key and should be sealed again. */
  needsResealing(sealed: string): boolean {
    return sealed.split(':', 1)[0] !== this.current;
  }
}
