/**
 * Checks a PKAM signature over the challenge (crypto.md §5): RSA-2048 PKCS#1 v1.5 with
 * SHA-256 (default) or SHA-512 against a base64 SPKI public key, or ECDSA P-256 against an
 * uncompressed-point hex key, the signature being base64 of the ASCII hex `r‖s`.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { RsaPublicKey } from '../../../crypto/index.js';
import type { PkamHashingAlgo, PkamSigningAlgo } from '../../../protocol/index.js';

const EC_POINT_HEX = /^04[0-9a-f]{128}$/i;
const MAX_CACHED_KEYS = 64;

// Parsing a public key costs far more than verifying with it; the same few keys come back
// on every login, so they are parsed once.
const rsaKeys = new Map<string, RsaPublicKey | null>();
const ecKeys = new Map<string, KeyObject | null>();

function remember<T>(cache: Map<string, T>, text: string, make: () => T): T {
  if (cache.has(text)) return cache.get(text) as T;
  const value = make();
  if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value as string);
  cache.set(text, value);
  return value;
}

function rsaKey(base64: string): RsaPublicKey | null {
  return remember(rsaKeys, base64, () => {
    try {
      return RsaPublicKey.fromBase64(base64);
    } catch {
      return null;
    }
  });
}

function ecKey(hex: string): KeyObject | null {
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

export interface PkamCheck {
  readonly publicKey: string;
  readonly challenge: string;
  readonly signature: string;
  readonly signingAlgo?: PkamSigningAlgo;
  readonly hashingAlgo?: PkamHashingAlgo;
}

export function verifyPkamSignature(check: PkamCheck): boolean {
  if (check.signingAlgo === 'ecc_secp256r1') {
    const key = ecKey(check.publicKey.trim());
    if (key === null) return false;
    const rs = Buffer.from(check.signature, 'base64').toString('latin1');
    if (!/^[0-9a-f]{128}$/i.test(rs)) return false;
    return verify('sha256', Buffer.from(check.challenge, 'utf8'), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(rs, 'hex'));
  }
  const key = rsaKey(check.publicKey.trim());
  if (key === null) return false;
  return key.verifyText(check.challenge, check.signature, check.hashingAlgo ?? 'sha256');
}
