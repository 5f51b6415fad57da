/**
 * The contract every crypto engine fulfils: the native addon (`native-backend.ts`) and the
 * pure node:crypto fallback (`js-backend.ts`). Both must give byte-identical results for
 * every deterministic operation (AES, signatures, base2e15, RSA decryption including the
 * implicit-rejection output for bad padding), so tests can run them side by side.
 *
 * Conventions:
 * - Inputs are Uint8Array (Buffer is one). Wrong argument types throw TypeError.
 * - Hot paths write into caller-owned output (`*Into`): allocating in JS is ~40 ns,
 *   in native code ~500 ns.
 * - Failures on bad data throw the AtCryptoError subclasses of `errors.ts`.
 */

export type HashName = 'sha256' | 'sha512';

/** AES-256-CTR with PKCS#7 padding (crypto.md §3.3) under one key, reusable for any IV. */
export interface AesContext {
  /**
   * Pads `plaintext` with PKCS#7 (1..16 bytes) and encrypts it with counter block `iv`
   * into `out`, which must hold at least `paddedLength(plaintext.length)` bytes.
   * Returns the number of bytes written. `out` may not overlap `plaintext`.
   */
  encryptInto(iv: Uint8Array, plaintext: Uint8Array, out: Uint8Array): number;
  /**
   * Decrypts `ciphertext` (a non-zero multiple of 16 bytes) with counter block `iv` into
   * `out` (at least `ciphertext.length` bytes), checks and strips the PKCS#7 padding,
   * and returns the plaintext length.
   */
  decryptInto(iv: Uint8Array, ciphertext: Uint8Array, out: Uint8Array): number;
}

/** An RSA public key parsed once from SPKI DER. */
export interface RsaPublicContext {
  /** Modulus size in bytes (256 for RSA-2048): the length of ciphertexts and signatures. */
  readonly size: number;
  /** RSAES-PKCS1-v1_5 encryption; at most `size - 11` bytes of plaintext. */
  encrypt(plaintext: Uint8Array): Buffer;
  /** RSASSA-PKCS1-v1_5 verification. Never throws for a wrong signature, only for bad arguments or a failing engine. */
  verify(hash: HashName, message: Uint8Array, signature: Uint8Array): boolean;
  /** The key as SPKI DER. */
  exportSpki(): Buffer;
}

/** An RSA private key parsed once from PKCS#8 DER. */
export interface RsaPrivateContext {
  readonly size: number;
  /**
   * RSAES-PKCS1-v1_5 decryption with implicit rejection (as OpenSSL 3.2+): a ciphertext
   * whose padding is wrong yields a deterministic pseudo-random message derived from the
   * key and the ciphertext, in constant time, instead of an error.
   * Throws BadCiphertextError only when the length is not `size` or the value is >= n.
   */
  decrypt(ciphertext: Uint8Array): Buffer;
  /** RSASSA-PKCS1-v1_5 signature (deterministic). */
  sign(hash: HashName, message: Uint8Array): Buffer;
  /** The matching public key as SPKI DER. */
  exportSpki(): Buffer;
  /** The key as PKCS#8 DER. */
  exportPkcs8(): Buffer;
}

export interface CryptoBackend {
  readonly name: 'native' | 'js';
  /** `key` must be 32 bytes (BadKeyError otherwise). */
  createAes(key: Uint8Array): AesContext;
  createRsaPublic(spkiDer: Uint8Array): RsaPublicContext;
  createRsaPrivate(pkcs8Der: Uint8Array): RsaPrivateContext;
  base2e15Encode(bytes: Uint8Array): string;
  /** Lenient like upstream unless `strict`, which throws BadBase2e15Error instead of skipping. */
  base2e15Decode(text: string, strict: boolean): Buffer;
}

/** Ciphertext length for a plaintext of `n` bytes: PKCS#7 always adds 1..16 bytes. */
export function paddedLength(n: number): number {
  return n - (n % 16) + 16;
}
