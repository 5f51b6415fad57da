/**
 * Whether a stored key is visible right now (server.md §4.2): born (availableAt passed or
 * unset) and not expired (expiresAt not passed or unset).
 */
import type { StoredMetadata } from './stored-record.js';

export function isExpired(metadata: StoredMetadata, now: number): boolean {
  return metadata.expiresAt !== undefined && metadata.expiresAt < now;
}

export function isBorn(metadata: StoredMetadata, now: number): boolean {
  return metadata.availableAt === undefined || metadata.availableAt <= now;
}

export function isActive(metadata: StoredMetadata, now: number): boolean {
  return isBorn(metadata, now) && !isExpired(metadata, now);
}
