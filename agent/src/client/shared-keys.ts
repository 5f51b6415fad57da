/**
 * The per-pair AES keys of crypto.md §7.3.
 *
 * Outgoing (we share with @bob): our copy `shared_key.bob@alice` is RSA-encrypted for us; if
 * it does not exist we cut a new key and store bob's copy first (`@bob:shared_key@alice`,
 * with a ttr so his server caches it), then ours, so that "our copy exists" always implies
 * "bob's copy exists". Every value also carries bob's copy as `sharedKeyEnc` plus
 * `pubKeyCS`, so bob can decrypt without any lookup.
 *
 * Incoming (@bob shares with us): `sharedKeyEnc` from the metadata if present, else our
 * server's cached copy `cached:@alice:shared_key@bob`, else `lookup:shared_key@bob`.
 *
 * Keys live in memory after first use; concurrent first uses share one exchange.
 */
import { AesKey, AtCryptoError, type RsaPrivateKey, type RsaPublicKey } from '../crypto/index.js';
import {
  isKeyNotFound,
  llookupCommand,
  lookupCommand,
  normalizeAtSign,
  updateCommand,
  withoutAt,
} from '../protocol/index.js';
import type { CommandRunner } from './command-runner.js';
import { PublicKeyChangedError, SharedKeyUnavailableError } from './errors.js';
import { pendingLookup } from './pending-lookups.js';
import type { PublicKeyCache } from './public-keys.js';

export interface OutgoingSharedKey {
  readonly key: AesKey;
  /** The recipient's RSA-encrypted copy of the key, for `sharedKeyEnc`. */
  readonly sharedKeyEnc: string;
  /** md5 of the recipient public key that copy was made with, for `pubKeyCS`. */
  readonly pubKeyCS: string;
}

export interface IncomingKeyHints {
  readonly sharedKeyEnc?: string | undefined;
  readonly pubKeyCS?: string | undefined;
}

export interface SharedKeySettings {
  readonly atSign: string;
  readonly encryptionPublicKey: RsaPublicKey;
  readonly encryptionPrivateKey: RsaPrivateKey;
  readonly ttrSeconds: number;
}

const UNWRAPPED_LIMIT = 1024;

export class SharedKeyStore {
  readonly #runner: CommandRunner;
  readonly #publicKeys: PublicKeyCache;
  readonly #settings: SharedKeySettings;
  readonly #ownChecksum: string;
  readonly #outgoing = new Map<string, Promise<OutgoingSharedKey>>();
  readonly #incoming = new Map<string, Promise<AesKey>>();
  /** RSA-unwrapped `sharedKeyEnc` texts: RSA decryption is the costly step of reading. */
  readonly #unwrapped = new Map<string, AesKey>();

  constructor(runner: CommandRunner, publicKeys: PublicKeyCache, settings: SharedKeySettings) {
    this.#runner = runner;
    this.#publicKeys = publicKeys;
    this.#settings = { ...settings, atSign: normalizeAtSign(settings.atSign) };
    this.#ownChecksum = settings.encryptionPublicKey.checksum();
  }

  /** The key for values we share with `recipient`, creating and publishing it the first time. */
  outgoing(recipient: string): Promise<OutgoingSharedKey> {
    return pendingLookup(this.#outgoing, normalizeAtSign(recipient), (name) => this.#loadOrCreate(name));
  }

  /**
   * The key `sender` shares with us. `fresh` skips every cache (ours and our server's): for a
   * second attempt after a value did not decrypt with the remembered key.
   */
  async incoming(sender: string, hints: IncomingKeyHints = {}, fresh = false): Promise<AesKey> {
    const name = normalizeAtSign(sender);
    if (hints.pubKeyCS !== undefined && hints.pubKeyCS !== this.#ownChecksum) {
      throw new PublicKeyChangedError(name, this.#ownChecksum, hints.pubKeyCS);
    }
    if (hints.sharedKeyEnc !== undefined && !fresh) return this.#unwrap(name, hints.sharedKeyEnc);
    if (fresh) this.#incoming.delete(name);
    return pendingLookup(this.#incoming, name, (atSign) => this.#fetchIncoming(atSign, fresh));
  }

  #unwrap(sender: string, sharedKeyEnc: string): AesKey {
    const known = this.#unwrapped.get(sharedKeyEnc);
    if (known !== undefined) return known;
    let key: AesKey;
    try {
      key = this.#settings.encryptionPrivateKey.decryptAesKey(sharedKeyEnc);
    } catch (error) {
      if (error instanceof AtCryptoError) {
        throw new SharedKeyUnavailableError(sender, `sharedKeyEnc does not unwrap with our private key (${error.message})`, { cause: error });
      }
      throw error;
    }
    if (this.#unwrapped.size >= UNWRAPPED_LIMIT) this.#unwrapped.clear();
    this.#unwrapped.set(sharedKeyEnc, key);
    return key;
  }

  async #loadOrCreate(recipient: string): Promise<OutgoingSharedKey> {
    const me = this.#settings.atSign;
    const ownCopyName = `shared_key.${withoutAt(recipient)}${me}`;
    const existing = await this.#readIfPresent(llookupCommand(ownCopyName));
    const recipientKey = await this.#publicKeys.get(recipient);
    if (existing !== undefined) {
      const key = this.#settings.encryptionPrivateKey.decryptAesKey(existing);
      return { key, sharedKeyEnc: recipientKey.encryptAesKey(key), pubKeyCS: recipientKey.checksum() };
    }
    const key = AesKey.generate();
    const sharedKeyEnc = recipientKey.encryptAesKey(key);
    await this.#runner.data(updateCommand(`${recipient}:shared_key${me}`, sharedKeyEnc, { ttr: this.#settings.ttrSeconds }));
    await this.#runner.data(updateCommand(ownCopyName, this.#settings.encryptionPublicKey.encryptAesKey(key)));
    return { key, sharedKeyEnc, pubKeyCS: recipientKey.checksum() };
  }

  async #fetchIncoming(sender: string, fresh: boolean): Promise<AesKey> {
    const me = this.#settings.atSign;
    let wrapped = fresh ? undefined : await this.#readIfPresent(llookupCommand(`cached:${me}:shared_key${sender}`));
    if (wrapped === undefined) {
      try {
        const text = await this.#runner.data(lookupCommand(`shared_key${sender}`, fresh ? { bypassCache: true } : {}));
        if (text !== 'null' && text !== '') wrapped = text;
      } catch (error) {
        if (isKeyNotFound(error)) throw new SharedKeyUnavailableError(sender, `${sender} has not shared a key with ${me}`, { cause: error });
        throw error;
      }
    }
    if (wrapped === undefined) throw new SharedKeyUnavailableError(sender, `${sender}'s server returned no shared key for ${me}`);
    return this.#unwrap(sender, wrapped);
  }

  /** The value `command` reads; undefined when the key does not exist or holds nothing. */
  async #readIfPresent(command: string): Promise<string | undefined> {
    try {
      const text = await this.#runner.data(command);
      return text === 'null' || text === '' ? undefined : text;
    } catch (error) {
      if (isKeyNotFound(error)) return undefined;
      throw error;
    }
  }
}
