/**
 * Value references (server.md §4.4): a value `atsign://<key>` stands for the value of
 * `<key>`, which `lookup` resolves on the owning server — first as the key the requester
 * could read (`<prefix><key>`), then as `public:<key>` — up to 3 hops; what is still a
 * reference after that answers null. `llookup` returns references as they are.
 */
import { normalizeStoredKey } from '../../../protocol/index.js';
import type { OwnerKeyStore } from './owner-key-store.js';

const REFERENCE = 'atsign://';
export const MAX_REFERENCE_DEPTH = 3;

export function isReference(value: string | null): value is string {
  return value !== null && value.startsWith(REFERENCE);
}

/** The value `value` refers to, read with `prefix` (`@me:`, `@bob:` or `public:`). */
export function resolveReference(keys: OwnerKeyStore, value: string, prefix: string): string | null {
  let current: string | null = value;
  for (let hop = 0; hop < MAX_REFERENCE_DEPTH && isReference(current); hop++) {
    const target: string = current.slice(REFERENCE.length);
    const record = keys.getActive(normalizeStoredKey(`${prefix}${target}`)) ?? keys.getActive(normalizeStoredKey(`public:${target}`));
    current = record?.value ?? null;
  }
  return isReference(current) ? null : current;
}
