/**
 * The block list (server.md §9): `private:blocklist@<me>` holding `{"blockList":["@bob",…]}`,
 * committed like the reference (never listed by scan). Enforced only in `from`.
 */
import { normalizeAtSign, isValidAtSign } from '../../protocol/index.js';
import type { OwnerKeyStore } from './keys/owner-key-store.js';

interface BlockListValue {
  readonly blockList: readonly string[];
}

export class BlockList {
  readonly #keys: OwnerKeyStore;
  readonly #key: string;
  /** Normalised entries, for the check in `from`. */
  #normalised: ReadonlySet<string> = new Set();
  #loadedFrom: unknown;

  constructor(keys: OwnerKeyStore) {
    this.#keys = keys;
    this.#key = `private:blocklist${keys.atSign}`;
  }

  /** Entries as they were given. */
  list(): string[] {
    const record = this.#keys.get(this.#key);
    if (record?.value == null) return [];
    try {
      const parsed = JSON.parse(record.value) as Partial<BlockListValue>;
      return Array.isArray(parsed.blockList) ? parsed.blockList.filter((entry): entry is string => typeof entry === 'string') : [];
    } catch {
      return [];
    }
  }

  isBlocked(atSign: string): boolean {
    const record = this.#keys.get(this.#key);
    if (record !== this.#loadedFrom) {
      this.#loadedFrom = record;
      this.#normalised = new Set(this.list().filter(isValidAtSign).map(normalizeAtSign));
    }
    return this.#normalised.has(atSign);
  }

  /** Adds entries (the server's own atSign is ignored); returns the new list. */
  add(atSigns: readonly string[]): string[] {
    const current = this.list();
    const next = [...current];
    for (const atSign of atSigns) {
      if (isValidAtSign(atSign) && normalizeAtSign(atSign) === this.#keys.atSign) continue;
      if (!next.includes(atSign)) next.push(atSign);
    }
    if (next.length !== current.length) this.#store(next);
    return next;
  }

  /** Removes entries; returns false when the list was empty to begin with. */
  remove(atSigns: readonly string[]): boolean {
    const current = this.list();
    if (current.length === 0) return false;
    const next = current.filter((entry) => !atSigns.includes(entry));
    if (next.length !== current.length) this.#store(next);
    return true;
  }

  #store(list: readonly string[]): void {
    const value: BlockListValue = { blockList: list };
    this.#keys.update(this.#key, JSON.stringify(value), {}, { origin: 'server' });
  }
}
