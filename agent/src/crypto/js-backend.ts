/**
 * The node:crypto fallback engine: used when the native addon cannot load (or when
 * ATAGENT_CRYPTO=js), and the reference the addon is tested against. Same results, same
 * error classes as the addon for every input (backend.ts).
 */
import {
  constants,
  createCipheriv,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  privateDecrypt,
  publicEncrypt,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import type { AesContext, CryptoBackend, HashName, RsaPrivateContext, RsaPublicContext } from './backend.js';
import { paddedLength } from './backend.js';
import { base2e15Decode, base2e15Encode } from './base2e15-js.js';
import {
  BadCiphertextError,
  BadIvError,
  BadKeyError,
  BadPaddingError,
  CryptoFailedError,
  PlaintextTooLongError,
} from './errors.js';
import { privateExponentHash, unpadPkcs1Type2 } from './rsa-implicit-rejection.js';

const AES_KEY_BYTES = 32;
const AES_BLOCK_BYTES = 16;
const PKCS1_OVERHEAD = 11;

function requireBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
}

function requireHash(hash: unknown): asserts hash is HashName {
  if (hash !== 'sha256' && hash !== 'sha512') {
    throw new TypeError(`hash must be 'sha256' or 'sha512', got ${String(hash)}`);
  }
}

function requireIv(iv: unknown): asserts iv is Uint8Array {
  requireBytes(iv, 'iv');
  if (iv.length !== AES_BLOCK_BYTES) throw new BadIvError(`AES IV must be 16 bytes, got ${iv.length}`);
}

function requireOutput(out: unknown, needed: number): asserts out is Uint8Array {
  requireBytes(out, 'out');
  if (out.length < needed) throw new RangeError(`output buffer holds ${out.length} bytes, ${needed} needed`);
}

class JsAesContext implements AesContext {
  /** A KeyObject: imported once, and ~10% faster per cipher than raw key bytes. */
  readonly #key: KeyObject;

  constructor(key: Uint8Array) {
    requireBytes(key, 'key');
    if (key.length !== AES_KEY_BYTES) throw new BadKeyError(`AES-256 key must be 32 bytes, got ${key.length}`);
    this.#key = createSecretKey(key);
  }

  encryptInto(iv: Uint8Array, plaintext: Uint8Array, out: Uint8Array): number {
    requireIv(iv);
    requireBytes(plaintext, 'plaintext');
    const length = paddedLength(plaintext.length);
    requireOutput(out, length);
    // Pad in place in the caller's buffer, then encrypt that: one copy instead of two.
    const padding = length - plaintext.length;
    out.set(plaintext, 0);
    out.fill(padding, plaintext.length, length);
    const cipher = createCipheriv('aes-256-ctr', this.#key, iv);
    const encrypted = cipher.update(out.subarray(0, length));
    out.set(encrypted, 0);
    return length;
  }

  decryptInto(iv: Uint8Array, ciphertext: Uint8Array, out: Uint8Array): number {
    requireIv(iv);
    requireBytes(ciphertext, 'ciphertext');
    if (ciphertext.length === 0 || ciphertext.length % AES_BLOCK_BYTES !== 0) {
      throw new BadCiphertextError(
        `AES ciphertext must be a non-zero multiple of 16 bytes, got ${ciphertext.length}`,
      );
    }
    requireOutput(out, ciphertext.length);
    const decipher = createCipheriv('aes-256-ctr', this.#key, iv);
    const padded = decipher.update(ciphertext);
    const length = padded.length - checkPkcs7(padded);
    out.set(padded.subarray(0, length), 0);
    padded.fill(0);
    return length;
  }
}

/** Returns the PKCS#7 padding length of `padded` or throws BadPaddingError, without early exit. */
function checkPkcs7(padded: Buffer): number {
  const n = padded[padded.length - 1] as number;
  // bad accumulates non-zero bits for any mismatch: n outside 1..16, or a padding byte != n.
  let bad = ((n - 1) >>> 31) | ((AES_BLOCK_BYTES - n) >>> 31);
  for (let i = 1; i <= AES_BLOCK_BYTES; i++) {
    const inPadding = ((i - n - 1) >>> 31) & 1; // 1 when i <= n
    bad |= inPadding & ((padded[padded.length - i] as number) !== n ? 1 : 0);
  }
  if (bad !== 0) {
    padded.fill(0);
    throw new BadPaddingError('AES PKCS#7 padding is invalid (wrong key or IV, or corrupted ciphertext)');
  }
  return n;
}

function modulusBytes(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (bits === undefined) throw new BadKeyError('RSA key has no modulus length');
  return Math.ceil(bits / 8);
}

function requireRsa(key: KeyObject): void {
  if (key.asymmetricKeyType !== 'rsa') {
    throw new BadKeyError(`expected an RSA key, got ${key.asymmetricKeyType ?? 'an unknown key type'}`);
  }
}

class JsRsaPublicContext implements RsaPublicContext {
  readonly size: number;
  readonly #key: KeyObject;

  constructor(spkiDer: Uint8Array) {
    requireBytes(spkiDer, 'spkiDer');
    let key: KeyObject;
    try {
      key = createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' });
    } catch (error) {
      throw new BadKeyError(`not an SPKI DER public key (${(error as Error).message})`);
    }
    requireRsa(key);
    this.#key = key;
    this.size = modulusBytes(key);
  }

  encrypt(plaintext: Uint8Array): Buffer {
    requireBytes(plaintext, 'plaintext');
    if (plaintext.length > this.size - PKCS1_OVERHEAD) {
      throw new PlaintextTooLongError(
        `RSA PKCS#1 v1.5 plaintext is ${plaintext.length} bytes, at most ${this.size - PKCS1_OVERHEAD} fit`,
      );
    }
    try {
      return publicEncrypt({ key: this.#key, padding: constants.RSA_PKCS1_PADDING }, plaintext);
    } catch (error) {
      throw new CryptoFailedError(`RSA encryption failed: ${(error as Error).message}`);
    }
  }

  verify(hash: HashName, message: Uint8Array, signature: Uint8Array): boolean {
    requireHash(hash);
    requireBytes(message, 'message');
    requireBytes(signature, 'signature');
    if (signature.length !== this.size) return false;
    try {
      return verify(hash, message, this.#key, signature);
    } catch {
      // OpenSSL reports some malformed signatures (e.g. a value >= n) as errors: still just "not valid".
      return false;
    }
  }

  exportSpki(): Buffer {
    return this.#key.export({ type: 'spki', format: 'der' });
  }
}

class JsRsaPrivateContext implements RsaPrivateContext {
  readonly size: number;
  readonly #key: KeyObject;
  readonly #modulus: Buffer;
  readonly #dHash: Buffer;

  constructor(pkcs8Der: Uint8Array) {
    requireBytes(pkcs8Der, 'pkcs8Der');
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: Buffer.from(pkcs8Der), format: 'der', type: 'pkcs8' });
    } catch (error) {
      throw new BadKeyError(`not a PKCS#8 DER private key (${(error as Error).message})`);
    }
    requireRsa(key);
    this.#key = key;
    this.size = modulusBytes(key);
    const jwk = key.export({ format: 'jwk' });
    if (typeof jwk.n !== 'string' || typeof jwk.d !== 'string') throw new BadKeyError('RSA private key lacks n or d');
    this.#modulus = Buffer.alloc(this.size);
    const n = Buffer.from(jwk.n, 'base64url');
    n.copy(this.#modulus, this.size - n.length);
    const d = Buffer.from(jwk.d, 'base64url');
    this.#dHash = privateExponentHash(d, this.size);
    d.fill(0);
  }

  decrypt(ciphertext: Uint8Array): Buffer {
    requireBytes(ciphertext, 'ciphertext');
    if (ciphertext.length !== this.size) {
      throw new BadCiphertextError(`RSA ciphertext must be ${this.size} bytes, got ${ciphertext.length}`);
    }
    if (Buffer.compare(ciphertext, this.#modulus) >= 0) {
      throw new BadCiphertextError('RSA ciphertext is not smaller than the modulus');
    }
    let em: Buffer;
    try {
      // Raw RSA: Node 20 refuses PKCS#1 v1.5 private decryption (CVE-2023-46809), so the
      // padding is removed below, with implicit rejection.
      em = privateDecrypt({ key: this.#key, padding: constants.RSA_NO_PADDING }, ciphertext);
    } catch (error) {
      throw new CryptoFailedError(`RSA decryption failed: ${(error as Error).message}`);
    }
    if (em.length !== this.size) {
      em.fill(0);
      throw new CryptoFailedError(`raw RSA decryption returned ${em.length} bytes, expected ${this.size}`);
    }
    const message = unpadPkcs1Type2(em, ciphertext, this.#dHash);
    em.fill(0);
    return message;
  }

  sign(hash: HashName, message: Uint8Array): Buffer {
    requireHash(hash);
    requireBytes(message, 'message');
    try {
      return sign(hash, message, this.#key);
    } catch (error) {
      throw new CryptoFailedError(`RSA signing failed: ${(error as Error).message}`);
    }
  }

  exportSpki(): Buffer {
    return createPublicKey(this.#key).export({ type: 'spki', format: 'der' });
  }

  exportPkcs8(): Buffer {
    return this.#key.export({ type: 'pkcs8', format: 'der' });
  }
}

export const jsBackend: CryptoBackend = {
  name: 'js',
  createAes: (key) => new JsAesContext(key),
  createRsaPublic: (spkiDer) => new JsRsaPublicContext(spkiDer),
  createRsaPrivate: (pkcs8Der) => new JsRsaPrivateContext(pkcs8Der),
  base2e15Encode: (bytes) => base2e15Encode(bytes),
  base2e15Decode: (text, strict) => {
    if (typeof strict !== 'boolean') throw new TypeError('strict must be a boolean');
    return base2e15Decode(text, strict);
  },
};
