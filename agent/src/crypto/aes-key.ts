/**
 * An AES-256 key as the @protocol uses it (crypto.md §2, §3.3): carried as the base64 text
 * of 32 bytes, AES-256-CTR with PKCS#7 padding, IV from `ivNonce` or 16 zero bytes (the
 * legacy form, still what the Python SDK sends and what `.atKeys` files use).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';
import type { AesContext, CryptoBackend } from './backend.js';
import { paddedLength } from './backend.js';
import { decodeBase64, encodeBase64 } from './base64.js';
import { BadIvError, BadKeyError } from './errors.js';
import { cryptoBackend } from './select-backend.js';

export const AES_KEY_BYTES = 32;
export const AES_IV_BYTES = 16;

/** Module-private so nobody can change what "the zero IV" means. */
const ZERO_IV = new Uint8Array(AES_IV_BYTES);

/** A fresh random 16-byte IV; send it as `ivNonce` (base64). */
export function randomIv(): Buffer {
  return randomBytes(AES_IV_BYTES);
}

/** Decodes an `ivNonce` metadata value: strict base64 of exactly 16 bytes. */
export function ivFromBase64(ivNonce: string): Buffer {
  const iv = decodeBase64(ivNonce, 'ivNonce');
  if (iv.length !== AES_IV_BYTES) throw new BadIvError(`ivNonce must decode to 16 bytes, got ${iv.length}`);
  return iv;
}

export class AesKey {
  readonly #bytes: Buffer;
  readonly #context: AesContext;

  private constructor(bytes: Buffer, backend: CryptoBackend) {
    this.#context = backend.createAes(bytes);
    this.#bytes = bytes;
  }

  /** From 32 raw bytes (copied). */
  static fromBytes(bytes: Uint8Array, backend: CryptoBackend = cryptoBackend()): AesKey {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('AES key bytes must be a Uint8Array');
    if (bytes.length !== AES_KEY_BYTES) throw new BadKeyError(`AES-256 key must be 32 bytes, got ${bytes.length}`);
    return new AesKey(Buffer.from(bytes), backend);
  }

  /** From the protocol's form: strict base64 of 32 bytes (44 characters ending in `=`). */
  static fromBase64(keyBase64: string, backend: CryptoBackend = cryptoBackend()): AesKey {
    const bytes = decodeBase64(keyBase64, 'AES key');
    if (bytes.length !== AES_KEY_BYTES) {
      throw new BadKeyError(`AES-256 key must be base64 of 32 bytes, got ${bytes.length} bytes`);
    }
    return new AesKey(bytes, backend);
  }

  /** A new random key. */
  static generate(backend: CryptoBackend = cryptoBackend()): AesKey {
    return new AesKey(randomBytes(AES_KEY_BYTES), backend);
  }

  /** The protocol's form of the key; this text (as UTF-8) is what gets encrypted when a key is shared. */
  toBase64(): string {
    return encodeBase64(this.#bytes);
  }

  /** A copy of the 32 key bytes. */
  toBytes(): Buffer {
    return Buffer.from(this.#bytes);
  }

  equals(other: AesKey): boolean {
    return other instanceof AesKey && timingSafeEqual(this.#bytes, other.#bytes);
  }

  /** PKCS#7-pads and encrypts; `iv` defaults to the zero IV. */
  encrypt(plaintext: Uint8Array, iv: Uint8Array = ZERO_IV): Buffer {
    if (!(plaintext instanceof Uint8Array)) throw new TypeError('plaintext must be a Uint8Array');
    const out = Buffer.allocUnsafe(paddedLength(plaintext.length));
    this.#context.encryptInto(iv, plaintext, out);
    return out;
  }

  /** Decrypts and strips the padding; `iv` defaults to the zero IV. */
  decrypt(ciphertext: Uint8Array, iv: Uint8Array = ZERO_IV): Buffer {
    if (!(ciphertext instanceof Uint8Array)) throw new TypeError('ciphertext must be a Uint8Array');
    const out = Buffer.allocUnsafe(ciphertext.length);
    const length = this.#context.decryptInto(iv, ciphertext, out);
    return out.subarray(0, length);
  }

  /**
   * Encrypts into `out` (at least `paddedLength(plaintext.length)` bytes, not overlapping
   * `plaintext`) and returns the number of bytes written.
   */
  encryptInto(plaintext: Uint8Array, out: Uint8Array, iv: Uint8Array = ZERO_IV): number {
    return this.#context.encryptInto(iv, plaintext, out);
  }

  /** Decrypts into `out` (at least `ciphertext.length` bytes) and returns the plaintext length. */
  decryptInto(ciphertext: Uint8Array, out: Uint8Array, iv: Uint8Array = ZERO_IV): number {
    return this.#context.decryptInto(iv, ciphertext, out);
  }

  /** UTF-8 text → base64 ciphertext: how every encrypted @protocol value travels. */
  encryptText(text: string, iv: Uint8Array = ZERO_IV): string {
    if (typeof text !== 'string') throw new TypeError('text must be a string');
    return this.encrypt(Buffer.from(text, 'utf8'), iv).toString('base64');
  }

  /**
   * base64 ciphertext → UTF-8 text. Strict base64 (BadBase64Error), then the AES errors.
   * Invalid UTF-8 becomes U+FFFD, as in Node's decoder.
   */
  decryptText(ciphertextBase64: string, iv: Uint8Array = ZERO_IV): string {
    return this.decrypt(decodeBase64(ciphertextBase64, 'AES ciphertext'), iv).toString('utf8');
  }

  /** Keys never show up in logs, JSON or the REPL. */
  toJSON(): string {
    return 'AesKey(<redacted>)';
  }

  [inspect.custom](): string {
    return 'AesKey(<redacted>)';
  }
}
