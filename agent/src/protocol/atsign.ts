/**
 * atSign normalisation as the reference server does it (at_utils `fixAtSign`, protocol.md
 * §4.1): lower-case, exactly one leading `@`, dots dropped, reserved characters, whitespace
 * and control characters refused. Emoji pass through untouched.
 */
import { InvalidAtSignError } from './errors.js';

const RESERVED_CHARACTERS = /[!*'`();:&=+$,/?#[\]{}]/;
const WHITESPACE = /\s/;
// C0, DEL and C1 controls: invisible on a terminal and never part of a registered atSign.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Returns the canonical form of an atSign (`Alice` → `@alice`, `@colin.constable` →
 * `@colinconstable`). Throws InvalidAtSignError for anything the server would refuse.
 */
export function normalizeAtSign(input: string): string {
  if (input.length === 0) {
    throw new InvalidAtSignError('an atSign cannot be empty');
  }
  let atSign = input.toLowerCase();
  if (!atSign.startsWith('@')) {
    atSign = `@${atSign}`;
  }
  if (atSign.indexOf('@', 1) !== -1) {
    throw new InvalidAtSignError(`an atSign may contain only one @: ${JSON.stringify(input)}`);
  }
  if (WHITESPACE.test(atSign)) {
    throw new InvalidAtSignError(`an atSign may not contain whitespace: ${JSON.stringify(input)}`);
  }
  if (CONTROL_CHARACTERS.test(atSign)) {
    throw new InvalidAtSignError(`an atSign may not contain control characters: ${JSON.stringify(input)}`);
  }
  const reserved = RESERVED_CHARACTERS.exec(atSign);
  if (reserved !== null) {
    throw new InvalidAtSignError(`an atSign may not contain the reserved character ${reserved[0]}: ${JSON.stringify(input)}`);
  }
  atSign = atSign.replaceAll('.', '');
  if (atSign.length === 1) {
    throw new InvalidAtSignError(`an atSign needs a name after the @: ${JSON.stringify(input)}`);
  }
  return atSign;
}

export function isValidAtSign(input: string): boolean {
  try {
    normalizeAtSign(input);
    return true;
  } catch {
    return false;
  }
}

/** The normalised atSign without its `@`: what the root lookup and some SDKs send. */
export function withoutAt(atSign: string): string {
  return normalizeAtSign(atSign).slice(1);
}

/** Whether two spellings name the same atSign (`@Alice` and `alice`). */
export function isSameAtSign(a: string, b: string): boolean {
  return normalizeAtSign(a) === normalizeAtSign(b);
}
