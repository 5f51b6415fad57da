/**
 * What a received notification does to the recipient's cache (server.md §5.5, §6.3 step 3),
 * on the key `cached:<key text>` (`cached:@bob:phone@alice`):
 *
 *  - delete → the cached copy is removed if its own metadata says ccd (cascade delete);
 *  - update with a ttr and a value → the copy is created or updated, value and metadata
 *    merged into what it had (refreshAt from the ttr, expiry from the key's ttl);
 *  - update with a ttr but no value → only the metadata of an existing copy changes;
 *  - anything else leaves the cache alone.
 *
 * A cached name longer than 255 characters, or that is not a cached key at all, is AT0016.
 * `lookup:<key>@sender` is then served from the copy until refreshAt (remote-lookups.ts).
 */
import { classifyKey, MAX_CACHED_KEY_LENGTH, normalizeStoredKey, type MetadataOptions } from '../../../protocol/index.js';
import { invalidKey } from '../errors.js';
import { isExpired as isKeyExpired } from '../keys/key-activity.js';
import { mergeMetadata } from '../keys/metadata-merge.js';
import type { OwnerKeyStore } from '../keys/owner-key-store.js';
import type { StoredNotification } from './stored-notification.js';

type CacheAction = 'remove-if-cascading' | 'store' | 'update-metadata' | 'none';

function actionFor(notification: StoredNotification): CacheAction {
  if (notification.messageType !== 'key') return 'none';
  if (notification.opType === 'delete') return 'remove-if-cascading';
  const ttr = notification.atMetadata?.ttr;
  if (ttr === undefined || ttr === 0) return 'none';
  return notification.atValue === undefined ? 'update-metadata' : 'store';
}

/** The cached name a notification would touch, checked; undefined when it touches none. */
export function cacheKeyFor(notification: StoredNotification): string | undefined {
  if (actionFor(notification) === 'none') return undefined;
  const name = normalizeStoredKey(`cached:${notification.notification}`);
  if (name.length > MAX_CACHED_KEY_LENGTH) {
    throw invalidKey(`cached key length ${name.length} is greater than max allowed ${MAX_CACHED_KEY_LENGTH} chars`);
  }
  const type = classifyKey(name);
  if (type !== 'cachedSharedKey' && type !== 'cachedPublicKey') throw invalidKey(`${name} cannot be cached: not a shared or public key`);
  return name;
}

function mergeOptions(notification: StoredNotification): MetadataOptions {
  const { availableAt: _availableAt, expiresAt: _expiresAt, ...options } = notification.atMetadata ?? {};
  return options;
}

/** Applies a received notification to the cache on `name`, what cacheKeyFor gave for it. */
export function applyToCache(notification: StoredNotification, name: string | undefined, keys: OwnerKeyStore, now: number): void {
  if (name === undefined) return;
  const write = { origin: 'notification' as const };
  const existing = keys.get(name);
  const live = existing !== undefined && !isKeyExpired(existing.metadata, now) ? existing : undefined;
  switch (actionFor(notification)) {
    case 'remove-if-cascading':
      if (existing?.metadata.ccd === true) keys.delete(name, write);
      return;
    case 'store': {
      const metadata = mergeMetadata({ options: mergeOptions(notification), existing: live?.metadata, atSign: notification.fromAtSign, now });
      keys.putRecord(name, { value: notification.atValue ?? null, metadata }, { ...write, operation: '*' });
      return;
    }
    case 'update-metadata': {
      if (live === undefined) return;
      const metadata = mergeMetadata({ options: mergeOptions(notification), existing: live.metadata, atSign: notification.fromAtSign, now });
      keys.putRecord(name, { value: live.value, metadata }, { ...write, operation: '#' });
      return;
    }
    case 'none':
      return;
  }
}
