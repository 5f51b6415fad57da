/**
 * Public keys sent as text (PKAM keys, remote servers' signing keys), parsed once. Parsing a
 * public key costs far more than verifying with it, and the same few keys come back on every
 * login and every `pol`. A key that does not parse is remembered as null.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { RsaPublicKey } from '../../../crypto/index.js';

const EC_POINT_HEX = /^04[0-9a-f]{128}$/i;
const MAX_CACHED_KEYS = 64;

const rsaKeys = new Map<string, RsaPublicKey | null>();
const ecKeys = new Map<string, KeyObject | null>();

function remember<T>(cache: Map<string, T>, text: string, make: () => T): T {
  if (cache.has(text)) return cache.get(text) as T;
  const value = make();
  if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value as string);
  cache.set(text, value);
  return value;
}

/** An RSA public key from base64 SPKI; null when it is not one. */
export function rsaPublicKey(base64: string): RsaPublicKey | null {
  return remember(rsaKeys, base64, () => {
    try {
      return RsaPublicKey.fromBase64(base64);
    } catch {
      return null;
    }
  });
}

/** A P-256 public key from an uncompressed-point hex string; null when it is not one. */
export function ecPublicKey(hex: string): KeyObject | null {
  return remember(ecKeys, hex, () => {
    if (!EC_POINT_HEX.test(hex)) return null;
    const point = Buffer.from(hex, 'hex');
    try {
      return createPublicKey({
        key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
        format: 'jwk',
      });
    } catch {
      return null;
    }
  });
}
