/**
 * Random IVs for new ciphertexts, drawn from a pooled buffer: one `randomFillSync` per 256
 * IVs instead of one `randomBytes` call (~2 µs) per encrypted value. The returned view is
 * valid until the next 256 draws, which is fine for its only use: encrypting right away.
 */
import { randomFillSync } from 'node:crypto';
import { AES_IV_BYTES } from '../crypto/index.js';

const POOL_IVS = 256;

export class IvSource {
  readonly #pool = Buffer.allocUnsafe(AES_IV_BYTES * POOL_IVS);
  #next = POOL_IVS;

  /** 16 fresh random bytes (a view into the pool: use them before 256 more are drawn). */
  next(): Buffer {
    if (this.#next === POOL_IVS) {
      randomFillSync(this.#pool);
      this.#next = 0;
    }
    const start = this.#next++ * AES_IV_BYTES;
    return this.#pool.subarray(start, start + AES_IV_BYTES);
  }
}
