/**
 * Values on their way to and from the server, per key type (crypto.md §7):
 * - public: plain text, signed with our encryption private key (`dataSignature`); text with
 *   line breaks (or trailing whitespace, which the server would trim) travels as base64
 *   with `encoding:base64`, the signature still over the original text;
 * - self: AES-256-CTR under the self encryption key;
 * - shared: AES-256-CTR under the pair's shared key, with `sharedKeyEnc` and `pubKeyCS`;
 * - binary values (Uint8Array) become base2e15 text first, flagged `isBinary:true`.
 * New ciphertexts get a random IV sent as `ivNonce` (unless turned off); reading takes both
 * `ivNonce` values and legacy zero-IV values (Python and Java write those, and C writes
 * `ivNonce` without `isEncrypted:true`, so an `ivNonce` alone also means "encrypted").
 */
import { AtCryptoError, base2e15, decodeBase64, ivFromBase64, type AesKey, type AtKeys } from '../crypto/index.js';
import { IllegalArgumentError, normalizeAtSign, type AtKey, type Metadata, type MetadataOptions } from '../protocol/index.js';
import { DataSignatureError, DecryptionError } from './errors.js';
import { IvSource } from './iv-source.js';
import type { PublicKeyCache } from './public-keys.js';
import type { IncomingKeyHints, SharedKeyStore } from './shared-keys.js';

export type AtValueData = string | Uint8Array;

export interface EncodedValue {
  readonly value: string;
  readonly metadata: MetadataOptions;
}

export interface DecodedValue {
  readonly value: AtValueData;
  /** true/false when a `dataSignature` was checked; undefined when there was none to check (or checking is off). */
  readonly signatureVerified?: boolean | undefined;
}

export interface CodecSettings {
  readonly atSign: string;
  readonly keys: AtKeys;
  readonly emitIvNonce: boolean;
  readonly verifyPublicData: boolean;
}

/** Characters a value may not carry raw: the line ends the command, the server trims the end. */
const NEEDS_BASE64 = /[\n\r\u2028\u2029]|\s$/;
const ZERO_IV = Buffer.alloc(16);

/** Who encrypted a stored or notified value, which decides the AES key. */
export type KeyRole = 'public' | 'self' | 'outgoing' | 'incoming';

/** The atSign that owns `key` (normalized); `me` when the key names no owner. */
export function ownerOf(key: AtKey, me: string): string {
  return key.sharedBy === undefined ? me : normalizeAtSign(key.sharedBy);
}

export function keyRole(key: AtKey, me: string): KeyRole {
  if (key.isPublic) return 'public';
  if (ownerOf(key, me) !== me) return 'incoming';
  if (key.sharedWith === undefined || normalizeAtSign(key.sharedWith) === me) return 'self';
  return 'outgoing';
}

export class ValueCodec {
  readonly #settings: CodecSettings;
  readonly #sharedKeys: SharedKeyStore;
  readonly #publicKeys: PublicKeyCache;
  readonly #ivs = new IvSource();

  constructor(settings: CodecSettings, sharedKeys: SharedKeyStore, publicKeys: PublicKeyCache) {
    this.#settings = { ...settings, atSign: normalizeAtSign(settings.atSign) };
    this.#sharedKeys = sharedKeys;
    this.#publicKeys = publicKeys;
  }

  /** Text form of a value (binary → base2e15). */
  static text(value: AtValueData): { text: string; isBinary: boolean } {
    if (typeof value === 'string') return { text: value, isBinary: false };
    if (value instanceof Uint8Array) return { text: base2e15.encode(value), isBinary: true };
    throw new TypeError('a value must be a string or a Uint8Array');
  }

  /** The wire value and metadata options for writing `value` under `key` (ours). */
  async encode(key: AtKey, value: AtValueData): Promise<EncodedValue> {
    const { text, isBinary } = ValueCodec.text(value);
    const role = keyRole(key, this.#settings.atSign);
    if (role === 'public') return this.#encodePublic(text, isBinary);
    if (role === 'self') return this.#encrypt(this.#settings.keys.selfEncryptionKey, text, isBinary, {});
    if (role === 'outgoing') return this.#encryptShared(key.sharedWith as string, text, isBinary);
    throw new DecryptionError(key.text, `only ${this.#settings.atSign} can write its keys, not ${key.sharedBy}'s`);
  }

  /** Encrypts a notification value for `recipient`, as a shared value. */
  async encryptFor(recipient: string, text: string): Promise<EncodedValue> {
    if (normalizeAtSign(recipient) === this.#settings.atSign) return this.#encrypt(this.#settings.keys.selfEncryptionKey, text, false, {});
    return this.#encryptShared(recipient, text, false);
  }

  /**
   * Encrypts the text of a text message. Servers keep only `isEncrypted` of a text
   * message's metadata (server.md §6.3), so no `ivNonce` can reach the recipient: the text
   * is encrypted the legacy way, zero IV under the pair's shared key, which every SDK reads.
   * Fixed-IV CTR reveals how two such texts differ; send anything sensitive as a key
   * notification (random IV) instead.
   */
  async encryptText(recipient: string, text: string): Promise<EncodedValue> {
    const aes =
      normalizeAtSign(recipient) === this.#settings.atSign ? this.#settings.keys.selfEncryptionKey : (await this.#sharedKeys.outgoing(recipient)).key;
    return { value: aes.encryptText(text, ZERO_IV), metadata: { isEncrypted: true } };
  }

  #encodePublic(text: string, isBinary: boolean): EncodedValue {
    if (text.length === 0) throw new IllegalArgumentError('a public value cannot be empty (the protocol has no empty values)');
    const dataSignature = this.#settings.keys.encryptionPrivateKey.signText(text);
    const base = { dataSignature, ...(isBinary ? { isBinary: true } : {}), isEncrypted: false };
    if (NEEDS_BASE64.test(text)) {
      return { value: Buffer.from(text, 'utf8').toString('base64'), metadata: { ...base, encoding: 'base64' } };
    }
    return { value: text, metadata: base };
  }

  /** Under the key shared with `recipient`, carrying their copy of it (`sharedKeyEnc`, `pubKeyCS`). */
  async #encryptShared(recipient: string, text: string, isBinary: boolean): Promise<EncodedValue> {
    const shared = await this.#sharedKeys.outgoing(recipient);
    return this.#encrypt(shared.key, text, isBinary, { sharedKeyEnc: shared.sharedKeyEnc, pubKeyCS: shared.pubKeyCS });
  }

  #encrypt(aes: AesKey, text: string, isBinary: boolean, extra: MetadataOptions): EncodedValue {
    const iv = this.#settings.emitIvNonce ? this.#ivs.next() : ZERO_IV;
    const value = aes.encryptText(text, iv);
    return {
      value,
      metadata: {
        ...(isBinary ? { isBinary: true } : {}),
        isEncrypted: true,
        ...extra,
        ...(this.#settings.emitIvNonce ? { ivNonce: iv.toString('base64') } : {}),
      },
    };
  }

  /** Whether a value with this metadata is ciphertext (see the module comment). */
  static isEncrypted(metadata: Metadata | null | undefined): boolean {
    return metadata?.isEncrypted === true || metadata?.ivNonce !== undefined;
  }

  /**
   * Plain value of a stored `value` read under `key` with its `metadata`. Throws
   * DataSignatureError, PublicKeyChangedError, SharedKeyUnavailableError or DecryptionError.
   */
  async decode(key: AtKey, value: string, metadata: Metadata): Promise<DecodedValue> {
    const role = keyRole(key, this.#settings.atSign);
    if (role === 'public' || !ValueCodec.isEncrypted(metadata)) return this.#decodePlain(key, value, metadata, role === 'public');
    const text = await this.decryptText(key.text, role, ownerOf(key, this.#settings.atSign), key.sharedWith, value, metadata);
    return { value: metadata.isBinary === true ? this.#fromBase2e15(key.text, text) : text };
  }

  /**
   * Decrypts a ciphertext written by `owner` (for us, or by us for `sharedWith`). An
   * incoming value that does not decrypt with the remembered key is tried once more with a
   * freshly fetched one: the sender may have cut a new key.
   */
  async decryptText(
    label: string,
    role: KeyRole,
    owner: string,
    sharedWith: string | undefined,
    ciphertext: string,
    metadata: Pick<Metadata, 'ivNonce' | 'sharedKeyEnc' | 'pubKeyCS'> | null,
  ): Promise<string> {
    const iv = this.#iv(label, metadata?.ivNonce);
    if (role === 'self') return this.#aesDecrypt(label, this.#settings.keys.selfEncryptionKey, ciphertext, iv);
    if (role === 'outgoing') {
      const shared = await this.#sharedKeys.outgoing(sharedWith as string);
      return this.#aesDecrypt(label, shared.key, ciphertext, iv);
    }
    const hints: IncomingKeyHints = { sharedKeyEnc: metadata?.sharedKeyEnc, pubKeyCS: metadata?.pubKeyCS };
    const key = await this.#sharedKeys.incoming(owner, hints);
    try {
      return this.#aesDecrypt(label, key, ciphertext, iv);
    } catch (error) {
      if (!(error instanceof DecryptionError) || hints.sharedKeyEnc !== undefined) throw error;
      const fresh = await this.#sharedKeys.incoming(owner, hints, true);
      if (fresh.equals(key)) throw error;
      return this.#aesDecrypt(label, fresh, ciphertext, iv);
    }
  }

  #iv(label: string, ivNonce: string | undefined): Uint8Array {
    if (ivNonce === undefined) return ZERO_IV;
    try {
      return ivFromBase64(ivNonce);
    } catch (error) {
      throw new DecryptionError(label, `its ivNonce is not 16 bytes of base64`, { cause: error });
    }
  }

  #aesDecrypt(label: string, aes: AesKey, ciphertext: string, iv: Uint8Array): string {
    try {
      return aes.decryptText(ciphertext, iv);
    } catch (error) {
      if (error instanceof AtCryptoError) {
        throw new DecryptionError(label, `${error.message} (wrong key, or not encrypted by an @protocol SDK)`, { cause: error });
      }
      throw error;
    }
  }

  async #decodePlain(key: AtKey, value: string, metadata: Metadata, isPublic: boolean): Promise<DecodedValue> {
    let text = value;
    if (metadata.encoding === 'base64') {
      try {
        text = decodeBase64(value, 'base64-encoded value').toString('utf8');
      } catch (error) {
        throw new DecryptionError(key.text, 'it is marked encoding:base64 but is not base64', { cause: error });
      }
    }
    let signatureVerified: boolean | undefined;
    if (isPublic && this.#settings.verifyPublicData && metadata.dataSignature !== undefined) {
      const publicKey = await this.#publicKeys.get(ownerOf(key, this.#settings.atSign));
      if (!publicKey.verifyText(text, metadata.dataSignature)) throw new DataSignatureError(key.text);
      signatureVerified = true;
    }
    return { value: metadata.isBinary === true ? this.#fromBase2e15(key.text, text) : text, signatureVerified };
  }

  #fromBase2e15(label: string, text: string): Uint8Array {
    try {
      return base2e15.decode(text);
    } catch (error) {
      throw new DecryptionError(label, 'it is marked isBinary but is not base2e15 text', { cause: error });
    }
  }
}
