/**
 * RSA-2048 keys as the @protocol carries them (crypto.md §2, §3.1, §3.2): public keys are
 * base64 SPKI DER, private keys base64 PKCS#8 DER; encryption is PKCS#1 v1.5 (used only to
 * wrap AES keys, whose base64 text is the plaintext); signatures are PKCS#1 v1.5 over the
 * UTF-8 bytes of the signed text.
 */
import { generateKeyPair as generateKeyPairCallback, timingSafeEqual } from 'node:crypto';
import { inspect, promisify } from 'node:util';
import type { CryptoBackend, HashName, RsaPrivateContext, RsaPublicContext } from './backend.js';
import { AesKey } from './aes-key.js';
import { BadBase64Error, BadKeyError } from './errors.js';
import { decodeBase64, encodeBase64 } from './base64.js';
import { publicKeyChecksum } from './digests.js';
import { cryptoBackend } from './select-backend.js';

const generateKeyPair = promisify(generateKeyPairCallback);

/**
 * Rejects DER whose outer SEQUENCE does not span the whole input exactly. OpenSSL ignores
 * trailing bytes, so without this a truncated-then-padded or concatenated key text would
 * be accepted as a different string than the one it claims to be.
 */
function requireExactDer(der: Uint8Array, what: string): void {
  let declared = -1;
  if (der.length >= 2 && der[0] === 0x30) {
    const first = der[1] as number;
    if (first < 0x80) {
      declared = 2 + first;
    } else {
      const lengthBytes = first & 0x7f;
      if (lengthBytes >= 1 && lengthBytes <= 3 && der.length >= 2 + lengthBytes) {
        let length = 0;
        for (let i = 0; i < lengthBytes; i++) length = length * 256 + (der[2 + i] as number);
        declared = 2 + lengthBytes + length;
      }
    }
  }
  if (declared < 0) throw new BadKeyError(`${what} is not DER (no outer SEQUENCE)`);
  if (declared !== der.length) {
    throw new BadKeyError(
      `${what} DER is ${der.length} bytes but its outer SEQUENCE declares ${declared}` +
        (declared > der.length ? ' (truncated)' : ' (trailing data)'),
    );
  }
}

export class RsaPublicKey {
  /** Modulus size in bytes (256 for RSA-2048). */
  readonly size: number;
  readonly #der: Buffer;
  readonly #context: RsaPublicContext;
  #base64: string | undefined;
  #canonicalSpki: Buffer | undefined;

  private constructor(der: Buffer, context: RsaPublicContext, base64: string | undefined) {
    this.#der = der;
    this.#context = context;
    this.#base64 = base64;
    this.size = context.size;
  }

  /** From SPKI DER bytes (copied). */
  static fromDer(spkiDer: Uint8Array, backend: CryptoBackend = cryptoBackend()): RsaPublicKey {
    if (!(spkiDer instanceof Uint8Array)) throw new TypeError('spkiDer must be a Uint8Array');
    requireExactDer(spkiDer, 'RSA public key');
    const der = Buffer.from(spkiDer);
    return new RsaPublicKey(der, backend.createRsaPublic(der), undefined);
  }

  /** From the protocol's form: base64 SPKI DER (`MIIBIj…`). */
  static fromBase64(spkiBase64: string, backend: CryptoBackend = cryptoBackend()): RsaPublicKey {
    const der = decodeBase64(spkiBase64, 'RSA public key');
    requireExactDer(der, 'RSA public key');
    return new RsaPublicKey(der, backend.createRsaPublic(der), spkiBase64);
  }

  /** The base64 SPKI text (strict base64 is canonical, so exactly the text the key was read from). */
  toBase64(): string {
    this.#base64 ??= encodeBase64(this.#der);
    return this.#base64;
  }

  /** A copy of the SPKI DER this key was built from. */
  toDer(): Buffer {
    return Buffer.from(this.#der);
  }

  /** `pubKeyCS` for this key: MD5 hex of its base64 text. */
  checksum(): string {
    return publicKeyChecksum(this.toBase64());
  }

  /** Same key material (compares SPKI as the engine re-exports it, so DER variations do not matter). */
  equals(other: RsaPublicKey): boolean {
    if (!(other instanceof RsaPublicKey)) return false;
    const mine = this.#reexportedSpki();
    const theirs = other.#reexportedSpki();
    return mine.length === theirs.length && timingSafeEqual(mine, theirs);
  }

  #reexportedSpki(): Buffer {
    this.#canonicalSpki ??= this.#context.exportSpki();
    return this.#canonicalSpki;
  }

  /** RSAES-PKCS1-v1_5 (randomised); at most `size - 11` bytes. */
  encrypt(plaintext: Uint8Array): Buffer {
    return this.#context.encrypt(plaintext);
  }

  /** UTF-8 text → base64 RSA ciphertext (344 characters for RSA-2048). */
  encryptText(text: string): string {
    if (typeof text !== 'string') throw new TypeError('text must be a string');
    return this.encrypt(Buffer.from(text, 'utf8')).toString('base64');
  }

  /** Wraps an AES key for this key's owner: the plaintext is the key's base64 text (crypto.md §7.3). */
  encryptAesKey(key: AesKey): string {
    if (!(key instanceof AesKey)) throw new TypeError('key must be an AesKey');
    return this.encryptText(key.toBase64());
  }

  /** RSASSA-PKCS1-v1_5 check; false for any wrong signature. */
  verify(message: Uint8Array, signature: Uint8Array, hash: HashName = 'sha256'): boolean {
    return this.#context.verify(hash, message, signature);
  }

  /**
   * Checks a base64 signature over UTF-8 text (`dataSignature`, `pol`, PKAM). A signature
   * that is not even valid base64 is simply not a valid signature: false.
   */
  verifyText(text: string, signatureBase64: string, hash: HashName = 'sha256'): boolean {
    if (typeof text !== 'string') throw new TypeError('text must be a string');
    if (typeof signatureBase64 !== 'string') throw new TypeError('signatureBase64 must be a string');
    let signature: Buffer;
    try {
      signature = decodeBase64(signatureBase64, 'signature');
    } catch (error) {
      if (error instanceof BadBase64Error) return false;
      throw error;
    }
    return this.verify(Buffer.from(text, 'utf8'), signature, hash);
  }

  [inspect.custom](): string {
    return `RsaPublicKey(${this.size * 8} bits, pubKeyCS ${this.checksum()})`;
  }
}

export class RsaPrivateKey {
  /** Modulus size in bytes (256 for RSA-2048). */
  readonly size: number;
  readonly #der: Buffer;
  readonly #context: RsaPrivateContext;
  readonly #backend: CryptoBackend;
  #publicKey: RsaPublicKey | undefined;

  private constructor(der: Buffer, backend: CryptoBackend) {
    this.#context = backend.createRsaPrivate(der);
    this.#der = der;
    this.#backend = backend;
    this.size = this.#context.size;
  }

  /** From PKCS#8 DER bytes (copied). */
  static fromDer(pkcs8Der: Uint8Array, backend: CryptoBackend = cryptoBackend()): RsaPrivateKey {
    if (!(pkcs8Der instanceof Uint8Array)) throw new TypeError('pkcs8Der must be a Uint8Array');
    requireExactDer(pkcs8Der, 'RSA private key');
    return new RsaPrivateKey(Buffer.from(pkcs8Der), backend);
  }

  /** From the protocol's form: base64 PKCS#8 DER (`MIIEv…`). */
  static fromBase64(pkcs8Base64: string, backend: CryptoBackend = cryptoBackend()): RsaPrivateKey {
    const der = decodeBase64(pkcs8Base64, 'RSA private key');
    requireExactDer(der, 'RSA private key');
    return new RsaPrivateKey(der, backend);
  }

  /** The base64 PKCS#8 text (for the `.atKeys` file; never log it). */
  toBase64(): string {
    return encodeBase64(this.#der);
  }

  /** A copy of the PKCS#8 DER. */
  toDer(): Buffer {
    return Buffer.from(this.#der);
  }

  /** The matching public key. */
  publicKey(): RsaPublicKey {
    this.#publicKey ??= RsaPublicKey.fromDer(this.#context.exportSpki(), this.#backend);
    return this.#publicKey;
  }

  /** True when `publicKey` is this key's other half. */
  matches(publicKey: RsaPublicKey): boolean {
    return this.publicKey().equals(publicKey);
  }

  /**
   * RSAES-PKCS1-v1_5 decryption with implicit rejection: wrong padding (a wrong key, a
   * corrupted ciphertext) yields random-looking bytes, not an error, so callers must
   * validate what they decrypt (as `decryptAesKey` does).
   */
  decrypt(ciphertext: Uint8Array): Buffer {
    return this.#context.decrypt(ciphertext);
  }

  /** base64 RSA ciphertext → UTF-8 text. */
  decryptText(ciphertextBase64: string): string {
    return this.decrypt(decodeBase64(ciphertextBase64, 'RSA ciphertext')).toString('utf8');
  }

  /**
   * Unwraps a shared or APKAM key (`shared_key.bob@alice`, `sharedKeyEnc`, …). Thanks to
   * implicit rejection a wrong private key or a damaged ciphertext decrypts to noise, which
   * is caught here: BadKeyError. (BadBase64Error only for a ciphertext text that is not base64.)
   */
  decryptAesKey(ciphertextBase64: string): AesKey {
    const keyText = this.decryptText(ciphertextBase64);
    try {
      return AesKey.fromBase64(keyText, this.#backend);
    } catch (error) {
      if (error instanceof BadBase64Error || error instanceof BadKeyError) {
        // The message does not quote the decrypted text: it may be a real secret.
        throw new BadKeyError('the RSA-decrypted text is not an AES key (wrong private key, or a damaged ciphertext)');
      }
      throw error;
    }
  }

  /** RSASSA-PKCS1-v1_5 signature (deterministic). */
  sign(message: Uint8Array, hash: HashName = 'sha256'): Buffer {
    return this.#context.sign(hash, message);
  }

  /** Signs UTF-8 text, returns base64: the PKAM, `pol` and `dataSignature` form. */
  signText(text: string, hash: HashName = 'sha256'): string {
    if (typeof text !== 'string') throw new TypeError('text must be a string');
    return this.sign(Buffer.from(text, 'utf8'), hash).toString('base64');
  }

  toJSON(): string {
    return 'RsaPrivateKey(<redacted>)';
  }

  [inspect.custom](): string {
    return `RsaPrivateKey(${this.size * 8} bits, <redacted>)`;
  }
}

export interface RsaKeyPair {
  readonly publicKey: RsaPublicKey;
  readonly privateKey: RsaPrivateKey;
}

/** A new RSA key pair (2048 bits, e = 65537 unless told otherwise), generated off the main thread. */
export async function generateRsaKeyPair(
  options: { modulusBits?: number; backend?: CryptoBackend } = {},
): Promise<RsaKeyPair> {
  const modulusBits = options.modulusBits ?? 2048;
  if (!Number.isInteger(modulusBits) || modulusBits < 1024 || modulusBits > 8192 || modulusBits % 8 !== 0) {
    throw new RangeError(`modulusBits must be a multiple of 8 between 1024 and 8192, got ${modulusBits}`);
  }
  const backend = options.backend ?? cryptoBackend();
  const { publicKey, privateKey } = await generateKeyPair('rsa', {
    modulusLength: modulusBits,
    publicExponent: 0x10001,
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'der' },
  });
  return {
    publicKey: RsaPublicKey.fromDer(publicKey, backend),
    privateKey: RsaPrivateKey.fromDer(privateKey, backend),
  };
}
