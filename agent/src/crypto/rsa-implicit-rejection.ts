/**
 * PKCS#1 v1.5 type-2 unpadding with implicit rejection, reproducing OpenSSL 3.2+
 * (`derive_kdk` in crypto/rsa/rsa_ossl.c, `ossl_rsa_prf` and
 * `ossl_rsa_padding_check_PKCS1_type_2` in crypto/rsa/rsa_pk1.c) so that the node:crypto
 * fallback and the native addon return the same bytes for every ciphertext.
 *
 * A ciphertext whose padding is wrong does not raise an error (an error, or its timing, is
 * the Bleichenbacher oracle); it decrypts to a synthetic message that only the key holder
 * can compute and that is stable for a given key and ciphertext. The algorithm, with
 * k = modulus length in bytes, C = ciphertext (k bytes), EM = raw RSA decryption of C
 * (k bytes, big-endian, leading zeros kept):
 *
 *   dHash = SHA-256(d as big-endian bytes left-padded with zeros to k bytes)
 *   KDK   = HMAC-SHA256(key = dHash, C left-padded with zeros to k bytes)
 *   PRF(label, L bytes) = first L bytes of
 *           HMAC-SHA256(KDK, be16(i) ‖ label ‖ be16(8·L)) for i = 0, 1, 2, …
 *   synthetic   = PRF("message", k)
 *   candidates  = PRF("length", 256), read as 128 big-endian uint16
 *   maxLen      = k − 10;  mask = maxLen with every bit below its top bit set
 *   synthLen    = the LAST candidate c with (c & mask) < maxLen, masked; 0 if none
 *   good        = EM[0] = 0 ∧ EM[1] = 2 ∧ the first zero byte at index ≥ 2 is at index ≥ 10
 *   result      = good ? EM[zeroIndex+1 ..] : synthetic[k − synthLen ..]
 *
 * JavaScript gives no constant-time guarantees; the code below at least has no branch or
 * memory access that depends on the padding bytes: the synthetic message is always
 * computed, the scan touches every byte, and selections use masks. The result's length is
 * not secret (a synthetic message has a random length too).
 */
import { createHash, createHmac } from 'node:crypto';

const LENGTH_CANDIDATES = 128;
const PKCS1_MIN_PADDING = 11; // 0x00 0x02, 8 padding bytes, 0x00

/** SHA-256 of the private exponent padded to the modulus length: computed once per key. */
export function privateExponentHash(d: Uint8Array, modulusBytes: number): Buffer {
  const padded = Buffer.alloc(modulusBytes);
  padded.set(d, modulusBytes - d.length);
  const hash = createHash('sha256').update(padded).digest();
  padded.fill(0);
  return hash;
}

function prf(kdk: Buffer, label: string, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  const header = Buffer.from(`\0\0${label}\0\0`, 'latin1');
  header.writeUInt16BE((length * 8) & 0xffff, header.length - 2);
  for (let pos = 0, iter = 0; pos < length; pos += 32, iter++) {
    header.writeUInt16BE(iter, 0);
    const block = createHmac('sha256', kdk).update(header).digest();
    block.copy(out, pos, 0, Math.min(32, length - pos));
  }
  return out;
}

/** 1 if x (0..0xffff) is zero, else 0. */
function isZero(x: number): number {
  return ((x - 1) >>> 31) & 1;
}

/** 1 if a < b for non-negative integers below 2^31, else 0. */
function lessThan(a: number, b: number): number {
  return ((a - b) >>> 31) & 1;
}

/** a if bit is 1, b if bit is 0. */
function select(bit: number, a: number, b: number): number {
  const mask = -bit;
  return (a & mask) | (b & ~mask);
}

/**
 * Removes the type-2 padding from `em` (the raw decryption of `ciphertext`, both exactly
 * modulus-sized), returning the message or, for bad padding, the synthetic message.
 */
export function unpadPkcs1Type2(em: Uint8Array, ciphertext: Uint8Array, dHash: Uint8Array): Buffer {
  const k = em.length;
  const kdk = createHmac('sha256', dHash).update(ciphertext).digest();
  const synthetic = prf(kdk, 'message', k);
  const candidates = prf(kdk, 'length', LENGTH_CANDIDATES * 2);

  const maxLen = k - 2 - 8;
  let lengthMask = maxLen;
  lengthMask |= lengthMask >> 1;
  lengthMask |= lengthMask >> 2;
  lengthMask |= lengthMask >> 4;
  lengthMask |= lengthMask >> 8;
  let syntheticLength = 0;
  for (let i = 0; i < LENGTH_CANDIDATES * 2; i += 2) {
    const candidate = (((candidates[i] as number) << 8) | (candidates[i + 1] as number)) & lengthMask;
    syntheticLength = select(lessThan(candidate, maxLen), candidate, syntheticLength);
  }

  let good = isZero(em[0] as number) & isZero((em[1] as number) ^ 2);
  let foundZero = 0;
  let zeroIndex = 0;
  for (let i = 2; i < k; i++) {
    const equalsZero = isZero(em[i] as number);
    zeroIndex = select(~foundZero & equalsZero & 1, i, zeroIndex);
    foundZero |= equalsZero;
  }
  good &= 1 - lessThan(zeroIndex, PKCS1_MIN_PADDING - 1);

  const messageIndex = select(good, zeroIndex + 1, k - syntheticLength);
  const out = Buffer.allocUnsafe(k - messageIndex);
  for (let i = messageIndex, j = 0; i < k; i++, j++) {
    out[j] = select(good, em[i] as number, synthetic[i] as number);
  }
  kdk.fill(0);
  synthetic.fill(0);
  candidates.fill(0);
  return out;
}
