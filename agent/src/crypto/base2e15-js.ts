/**
 * base2e15 in TypeScript (base2e15.md): each UTF-16 code unit carries 15 bits of input; a
 * final character from U+3400..U+347F may carry 7 bits instead. Output is built as UTF-16LE
 * bytes in one Buffer and decoded once, never by string concatenation.
 *
 * Decoding follows the upstream Dart decoder bit for bit in lenient mode: code units outside
 * the alphabet are skipped, a 7-bit character ends the text. The one input upstream cannot
 * decode (it throws on a negative shift) is a 7-bit character arriving when no bits are
 * pending, e.g. as the first character; both modes reject it with BadBase2e15Error.
 * Strict mode accepts exactly the texts the encoder produces: every code unit in the
 * alphabet, a 7-bit character only in last position, and zero padding bits.
 */
import { BadBase2e15Error } from './errors.js';

const RANGE1_START = 0x3480; // values 0x0000..0x1935
const RANGE2_START = 0x4e00; // values 0x1936..0x545b
const RANGE3_START = 0xac00; // values 0x545c..0x7fff
const TAIL_START = 0x3400; // 7-bit values 0x00..0x7f, final character only
const RANGE2_FIRST_VALUE = 0x1936;
const RANGE3_FIRST_VALUE = 0x545c;

function charFor15Bits(value: number): number {
  if (value < RANGE2_FIRST_VALUE) return value + RANGE1_START;
  if (value < RANGE3_FIRST_VALUE) return value + (RANGE2_START - RANGE2_FIRST_VALUE);
  return value + (RANGE3_START - RANGE3_FIRST_VALUE);
}

/** Number of characters `encode` produces for `byteLength` bytes. */
export function base2e15EncodedLength(byteLength: number): number {
  return Math.ceil((byteLength * 8) / 15);
}

/** The most bytes `chars` code units can decode to, floor(15 * chars / 8): the decoders' output size. */
export function base2e15MaxDecodedLength(chars: number): number {
  return Math.floor((chars * 15) / 8);
}

export function base2e15Encode(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('base2e15 input must be a Uint8Array');
  const chars = base2e15EncodedLength(bytes.length);
  if (chars === 0) return '';
  const out = Buffer.allocUnsafe(chars * 2);
  let pos = 0;
  let acc = 0; // pending input bits, right-aligned; never more than 22 bits
  let bits = 0;
  for (let i = 0; i < bytes.length; i++) {
    acc = (acc << 8) | (bytes[i] as number);
    bits += 8;
    if (bits >= 15) {
      bits -= 15;
      const code = charFor15Bits(acc >>> bits);
      acc &= (1 << bits) - 1;
      out[pos++] = code & 0xff;
      out[pos++] = code >>> 8;
    }
  }
  if (bits > 0) {
    const code = bits <= 7 ? TAIL_START + (acc << (7 - bits)) : charFor15Bits(acc << (15 - bits));
    out[pos++] = code & 0xff;
    out[pos++] = code >>> 8;
  }
  return out.toString('utf16le', 0, pos);
}

const NOT_IN_ALPHABET = -1;
const TAIL_CHAR = -2;

/** 15-bit value of a code unit, TAIL_CHAR for U+3400..U+347F, NOT_IN_ALPHABET otherwise. */
function valueOf(code: number): number {
  if (code >= RANGE3_START) return code <= 0xd7a3 ? code - (RANGE3_START - RANGE3_FIRST_VALUE) : NOT_IN_ALPHABET;
  if (code >= RANGE2_START) return code <= 0x8925 ? code - (RANGE2_START - RANGE2_FIRST_VALUE) : NOT_IN_ALPHABET;
  if (code >= RANGE1_START) return code <= 0x4db5 ? code - RANGE1_START : NOT_IN_ALPHABET;
  if (code >= TAIL_START) return TAIL_CHAR;
  return NOT_IN_ALPHABET;
}

export function base2e15Decode(text: string, strict: boolean): Buffer {
  if (typeof text !== 'string') throw new TypeError('base2e15 input must be a string');
  const out = Buffer.allocUnsafe(base2e15MaxDecodedLength(text.length));
  let pos = 0;
  let acc = 0; // pending bits, right-aligned; never more than 22 bits
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = valueOf(code);
    if (value >= 0) {
      acc = (acc << 15) | value;
      bits += 15;
      bits -= 8;
      out[pos++] = (acc >>> bits) & 0xff;
      if (bits >= 8) {
        bits -= 8;
        out[pos++] = (acc >>> bits) & 0xff;
      }
      acc &= (1 << bits) - 1;
    } else if (value === TAIL_CHAR) {
      if (bits === 0) {
        throw new BadBase2e15Error(
          `invalid base2e15: 7-bit final character U+${hex(code)} at offset ${i} with no pending bits`,
        );
      }
      const tail = code - TAIL_START;
      const used = 8 - bits; // bits of the tail character completing the last byte
      out[pos++] = ((acc << used) | (tail >>> (7 - used))) & 0xff;
      if (strict) {
        if (i !== text.length - 1) {
          throw new BadBase2e15Error(`invalid base2e15: text continues after the 7-bit final character at offset ${i}`);
        }
        if ((tail & ((1 << (7 - used)) - 1)) !== 0) {
          throw new BadBase2e15Error('invalid base2e15: non-zero padding bits in the final character');
        }
      }
      return out.subarray(0, pos);
    } else if (strict) {
      throw new BadBase2e15Error(`invalid base2e15: U+${hex(code)} at offset ${i} is not a base2e15 character`);
    }
  }
  if (strict && acc !== 0) {
    throw new BadBase2e15Error('invalid base2e15: non-zero padding bits in the final character');
  }
  return out.subarray(0, pos);
}

function hex(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}
