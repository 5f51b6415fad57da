/** The digests the @protocol uses on the wire, all as lowercase hex (crypto.md §3.4, §4). */
import { createHash } from 'node:crypto';

type Digestible = string | Uint8Array;

function hexDigest(algorithm: string, data: Digestible): string {
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) {
    throw new TypeError('data must be a string (hashed as UTF-8) or a Uint8Array');
  }
  return createHash(algorithm).update(data).digest('hex');
}

/** SHA-512 as lowercase hex; strings are hashed as UTF-8. */
export function sha512Hex(data: Digestible): string {
  return hexDigest('sha512', data);
}

/** SHA-256 as lowercase hex; strings are hashed as UTF-8. */
export function sha256Hex(data: Digestible): string {
  return hexDigest('sha256', data);
}

/** MD5 as lowercase hex; strings are hashed as UTF-8. Only for `pubKeyCS`, never for security. */
export function md5Hex(data: Digestible): string {
  return hexDigest('md5', data);
}

/**
 * The CRAM proof: SHA-512 of the secret immediately followed by the challenge (the `from`
 * response without `data:`), no separator. Send as `cram:<digest>`.
 */
export function cramDigest(cramSecret: string, challenge: string): string {
  if (typeof cramSecret !== 'string' || typeof challenge !== 'string') {
    throw new TypeError('cramSecret and challenge must be strings');
  }
  return sha512Hex(cramSecret + challenge);
}

/** `pubKeyCS`: MD5 of the recipient's public key as its base64 text (not the DER bytes). */
export function publicKeyChecksum(publicKeyBase64: string): string {
  if (typeof publicKeyBase64 !== 'string') throw new TypeError('publicKeyBase64 must be a string');
  return md5Hex(publicKeyBase64);
}
