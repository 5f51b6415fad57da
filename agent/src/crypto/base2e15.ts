/**
 * base2e15, the binary-to-text encoding of `isBinary` values (base2e15.md), on the active
 * crypto engine.
 */
import { cryptoBackend } from './select-backend.js';

export interface Base2e15DecodeOptions {
  /**
   * Reject anything the encoder would not have produced (characters outside the alphabet,
   * text after the 7-bit final character, non-zero padding bits) with BadBase2e15Error,
   * instead of skipping it as the upstream SDKs do. Default false.
   */
  readonly strict?: boolean;
}

export const base2e15 = {
  /** Bytes → text; `ceil(8·n / 15)` UTF-16 code units, no separators or whitespace. */
  encode(bytes: Uint8Array): string {
    return cryptoBackend().base2e15Encode(bytes);
  },
  /** Text → bytes; lenient like the upstream SDKs unless `strict`. */
  decode(text: string, options?: Base2e15DecodeOptions): Uint8Array {
    return cryptoBackend().base2e15Decode(text, options?.strict ?? false);
  },
} as const;
