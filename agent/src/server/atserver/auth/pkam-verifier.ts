/**
 * Checks a PKAM signature over the challenge (crypto.md §5): RSA-2048 PKCS#1 v1.5 with
 * SHA-256 (default) or SHA-512 against a base64 SPKI public key, or ECDSA P-256 against an
 * uncompressed-point hex key, the signature being base64 of the ASCII hex `r‖s`.
 */
import { verify } from 'node:crypto';
import type { PkamHashingAlgo, PkamSigningAlgo } from '../../../protocol/index.js';
import { ecPublicKey, rsaPublicKey } from './parsed-public-keys.js';

export interface PkamCheck {
  readonly publicKey: string;
  readonly challenge: string;
  readonly signature: string;
  readonly signingAlgo?: PkamSigningAlgo;
  readonly hashingAlgo?: PkamHashingAlgo;
}

export function verifyPkamSignature(check: PkamCheck): boolean {
  if (check.signingAlgo === 'ecc_secp256r1') {
    const key = ecPublicKey(check.publicKey.trim());
    if (key === null) return false;
    const rs = Buffer.from(check.signature, 'base64').toString('latin1');
    if (!/^[0-9a-f]{128}$/i.test(rs)) return false;
    return verify('sha256', Buffer.from(check.challenge, 'utf8'), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(rs, 'hex'));
  }
  const key = rsaPublicKey(check.publicKey.trim());
  if (key === null) return false;
  return key.verifyText(check.challenge, check.signature, check.hashingAlgo ?? 'sha256');
}
