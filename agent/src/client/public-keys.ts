/**
 * Other atSigns' encryption public keys (`public:publickey@bob`), fetched through our own
 * server with `plookup` (which also caches them there) and kept in memory: every shared
 * put to bob needs his key, and asking each time would double the round trips.
 */
import { RsaPublicKey } from '../crypto/index.js';
import { normalizeAtSign, plookupCommand, UnexpectedResponseError } from '../protocol/index.js';
import type { CommandRunner } from './command-runner.js';
import { pendingLookup } from './pending-lookups.js';

export class PublicKeyCache {
  readonly #runner: CommandRunner;
  readonly #own: { atSign: string; key: RsaPublicKey };
  readonly #keys = new Map<string, Promise<RsaPublicKey>>();

  constructor(runner: CommandRunner, ownAtSign: string, ownKey: RsaPublicKey) {
    this.#runner = runner;
    this.#own = { atSign: normalizeAtSign(ownAtSign), key: ownKey };
  }

  /** The encryption public key of `atSign` (ours from the key file, others' via plookup). */
  get(atSign: string): Promise<RsaPublicKey> {
    const name = normalizeAtSign(atSign);
    if (name === this.#own.atSign) return Promise.resolve(this.#own.key);
    return pendingLookup(this.#keys, name, (atSign) => this.#fetch(atSign));
  }

  async #fetch(atSign: string): Promise<RsaPublicKey> {
    const text = await this.#runner.data(plookupCommand(`publickey${atSign}`));
    if (text === 'null' || text === '') throw new UnexpectedResponseError(`${atSign} has no public encryption key (public:publickey${atSign})`);
    return RsaPublicKey.fromBase64(text.trim());
  }
}
