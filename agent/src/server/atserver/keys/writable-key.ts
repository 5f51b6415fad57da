/**
 * What a client may write with `update`/`update:meta` (server.md §3.4, §4.1): a key owned by
 * this server's atSign, of type public, self, shared or reserved, at most 248 characters.
 * Private, cached, local and invalid keys are AT0016, worded as the reference words them.
 */
import { classifyKey, isValidAtSign, maxKeyLength, normalizeAtSign, normalizeStoredKey, parseAtKey } from '../../../protocol/index.js';
import { invalidKey } from '../errors.js';

const TYPE_NAMES: Readonly<Record<string, string>> = {
  privateKey: 'KeyType.privateKey',
  cachedPublicKey: 'KeyType.cachedPublicKey',
  cachedSharedKey: 'KeyType.cachedSharedKey',
  localKey: 'KeyType.localKey',
  invalidKey: 'KeyType.invalidKey',
};

/** Normalises `key` and checks it may be written here; returns the key to store. */
export function writableKey(rawKey: string, sharedBy: string | undefined, atSign: string): string {
  if (sharedBy !== undefined) {
    const owner = isValidAtSign(sharedBy) ? normalizeAtSign(sharedBy) : sharedBy;
    if (owner !== atSign) {
      throw invalidKey(`Invalid update command - sharedBy atsign ${owner} should be same as current atsign ${atSign}`);
    }
  }
  const key = normalizeStoredKey(rawKey);
  const type = classifyKey(key);
  const refused = TYPE_NAMES[type];
  if (refused !== undefined) throw invalidKey(`You may not update keys of type ${refused}`);
  if (key.length > maxKeyLength(key)) {
    throw invalidKey(`key length ${key.length} is greater than max allowed ${maxKeyLength(key)} chars`);
  }
  let parsed;
  try {
    parsed = parseAtKey(key);
  } catch (error) {
    throw invalidKey((error as Error).message);
  }
  if (parsed.sharedBy !== undefined && parsed.sharedBy !== atSign) {
    throw invalidKey(`Invalid update command - sharedBy atsign ${parsed.sharedBy} should be same as current atsign ${atSign}`);
  }
  return key;
}
