/**
 * The metadata a write stores (server.md §4.1–4.3): the command's options merged over the
 * existing key's metadata, and the derived dates recomputed from now.
 *
 *  - an option in the command replaces the stored value, an absent one keeps it, a string
 *    option with the literal value `null` clears it;
 *  - expiresAt = now + ttl (+ ttb); ttl 0 clears the expiry; a stored ttl is applied again
 *    from now on every update (updates extend life), and so is a stored ttb;
 *  - ttr is in seconds, -1 = cache forever (no refreshAt), 0 = do not cache (clears ttr,
 *    refreshAt and ccd); ccd defaults to false when a ttr is set and is dropped without one;
 *  - createdAt/createdBy survive, updatedAt/updatedBy/status are set, version counts updates.
 */
import type { MetadataOptions } from '../../../protocol/index.js';
import { invalidSyntax } from '../errors.js';
import type { StoredMetadata } from './stored-record.js';

const STRING_FIELDS = [
  'dataSignature',
  'sharedKeyEnc',
  'pubKeyCS',
  'encoding',
  'encKeyName',
  'encAlgo',
  'ivNonce',
  'skeEncKeyName',
  'skeEncAlgo',
] as const;

/** Refuses option values the reference refuses with AT0003 (negative ttl/ttb, ttr ≤ −2). */
export function validateMetadataOptions(options: MetadataOptions): void {
  if (options.ttl !== undefined && options.ttl < 0) {
    throw invalidSyntax(`Valid values for TTL are 0 and integers greater than 0, got ${options.ttl}`);
  }
  if (options.ttb !== undefined && options.ttb < 0) {
    throw invalidSyntax(`Valid values for TTB are 0 and integers greater than 0, got ${options.ttb}`);
  }
  if (options.ttr !== undefined && options.ttr < -1) {
    throw invalidSyntax(`Valid values for TTR are -1 and integers greater than or equal to 0, got ${options.ttr}`);
  }
}

/** Whether the command carried any metadata option (decides `*` versus `+` in the commit log). */
export function hasMetadataOptions(options: MetadataOptions): boolean {
  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined && name !== 'sharedKeyStatus') return true;
  }
  return false;
}

export interface MergeInput {
  readonly options: MetadataOptions;
  /** The current (unexpired) key's metadata, if the key exists. */
  readonly existing: StoredMetadata | undefined;
  /** The server's atSign: updatedBy, and createdBy of new keys. */
  readonly atSign: string;
  readonly now: number;
}

/** What every write of a key sets: createdAt kept, updatedAt now, active, version counted up. */
export function writeStamp(existing: StoredMetadata | undefined, now: number): StoredMetadata {
  return { createdAt: existing?.createdAt ?? now, updatedAt: now, status: 'active', version: existing?.version === undefined ? 0 : existing.version + 1 };
}

export function mergeMetadata({ options, existing, atSign, now }: MergeInput): StoredMetadata {
  validateMetadataOptions(options);
  const merged: Record<string, unknown> = {};
  merged['createdBy'] = existing?.createdBy ?? atSign;
  merged['updatedBy'] = atSign;
  Object.assign(merged, writeStamp(existing, now));

  const ttb = options.ttb ?? existing?.ttb;
  if (ttb !== undefined) {
    merged['ttb'] = ttb;
    merged['availableAt'] = now + ttb;
  }
  const ttl = options.ttl ?? existing?.ttl;
  if (ttl !== undefined) {
    merged['ttl'] = ttl;
    if (ttl > 0) merged['expiresAt'] = now + ttl + (ttb ?? 0);
  }
  const ttr = options.ttr ?? existing?.ttr;
  if (ttr !== undefined && ttr !== 0) {
    merged['ttr'] = ttr;
    if (ttr > 0) merged['refreshAt'] = now + ttr * 1000;
    merged['ccd'] = options.ccd ?? existing?.ccd ?? false;
  }

  const isBinary = options.isBinary ?? existing?.isBinary;
  if (isBinary !== undefined) merged['isBinary'] = isBinary;
  const isEncrypted = options.isEncrypted ?? existing?.isEncrypted;
  if (isEncrypted !== undefined) merged['isEncrypted'] = isEncrypted;

  for (const field of STRING_FIELDS) {
    const given = options[field];
    const value = given === undefined ? existing?.[field] : given === 'null' ? undefined : given;
    if (value !== undefined) merged[field] = value;
  }
  return merged as StoredMetadata;
}
