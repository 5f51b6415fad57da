/**
 * Strict RFC 4648 base64 (standard alphabet, `=` padding, no whitespace or line breaks), the
 * only form the @protocol uses (crypto.md §2). Node's own decoder silently skips junk and
 * accepts missing padding and URL-safe characters, which would let a corrupted key or
 * ciphertext decode to different bytes instead of failing; this one refuses them.
 */
import { BadBase64Error } from './errors.js';

const BASE64_SHAPE = /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Value of each base64 alphabet character, -1 for anything else. */
const ALPHABET_VALUE = (() => {
  const table = new Int8Array(128).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
})();

/**
 * Decodes strict base64. `what` names the value in the error message ("ivNonce",
 * "signature", …). The empty string is valid and decodes to zero bytes.
 * Throws BadBase64Error for a length that is not a multiple of 4, a character outside the
 * standard alphabet (incl. whitespace and `-`/`_`), misplaced or missing `=`, and for
 * non-canonical encodings whose unused trailing bits are not zero (no encoder emits those,
 * and accepting them would let two different texts stand for the same bytes).
 */
export function decodeBase64(text: string, what = 'value'): Buffer {
  if (typeof text !== 'string') throw new TypeError(`${what}: base64 text must be a string`);
  if (text.length % 4 !== 0) {
    throw new BadBase64Error(`${what} is not valid base64: length ${text.length} is not a multiple of 4`);
  }
  if (!BASE64_SHAPE.test(text)) {
    throw new BadBase64Error(`${what} is not valid base64: ${describeBadCharacter(text)}`);
  }
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  if (padding > 0) {
    const lastDataChar = text.charCodeAt(text.length - padding - 1);
    const unusedBits = padding === 2 ? 0b1111 : 0b11;
    if (((ALPHABET_VALUE[lastDataChar] ?? 0) & unusedBits) !== 0) {
      throw new BadBase64Error(`${what} is not valid base64: non-zero bits before the '=' padding`);
    }
  }
  return Buffer.from(text, 'base64');
}

/** Standard base64 with padding. */
export function encodeBase64(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  return Buffer.isBuffer(bytes)
    ? bytes.toString('base64')
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function describeBadCharacter(text: string): string {
  const body = text.replace(/=+$/, '');
  for (let i = 0; i < body.length; i++) {
    const code = body.charCodeAt(i);
    if (code === 0x3d) return `'=' inside the text at offset ${i}`;
    if (code >= 128 || ALPHABET_VALUE[code] === -1) {
      const shown = code < 0x20 || code === 0x7f ? `U+${code.toString(16).padStart(4, '0')}` : `'${body[i]}'`;
      return `character ${shown} at offset ${i} is not in the standard base64 alphabet`;
    }
  }
  return 'misplaced or excess \'=\' padding';
}
