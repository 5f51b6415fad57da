/**
 * Checks that keep command builders honest: a command is one line, and every piece must come
 * back out of the server's grammar exactly as it went in. Failures are IllegalArgumentError
 * (AT0022) raised before anything reaches the wire.
 */
import { IllegalArgumentError } from './errors.js';
import type { VerbName } from './verb-commands.js';
import { matchVerb, type VerbGrammarName } from './verb-grammar.js';
import { dispatchVerb } from './verb-parser.js';

// `.` in the grammar matches none of these, and the server splits commands on \n.
const LINE_BREAK = /[\n\r\u2028\u2029]/;
// The server trims each command, so trailing whitespace of a final value would be lost.
const TRAILING_WHITESPACE = /\s$/;

/**
 * A free-text value that ends a command (update/notify value, monitor or sync regex).
 * Values with newlines must be base64-encoded by the caller (metadata `encoding:base64`).
 */
export function checkLineValue(what: string, value: string): string {
  if (value.length === 0) {
    throw new IllegalArgumentError(`${what} cannot be empty`);
  }
  if (LINE_BREAK.test(value)) {
    throw new IllegalArgumentError(
      `${what} contains a line break; base64-encode it (metadata encoding:base64) before sending`,
    );
  }
  if (TRAILING_WHITESPACE.test(value)) {
    throw new IllegalArgumentError(`${what} ends in whitespace, which the server would strip`);
  }
  return value;
}

/** A piece that must match `pattern` whole (an id, a notifier, an OTP…). */
export function checkPiece(what: string, value: string, pattern: RegExp): string {
  if (!pattern.test(value)) {
    throw new IllegalArgumentError(`${what} ${JSON.stringify(value)} cannot be written in this command`);
  }
  return value;
}

export function checkInteger(what: string, value: number, minimum: number): number {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new IllegalArgumentError(`${what} must be an integer >= ${minimum}, got ${value}`);
  }
  return value;
}

/**
 * JSON on one line. JSON.stringify already escapes \n and \r but writes U+2028/U+2029 raw,
 * which the grammar's `.` refuses, so those are escaped too.
 */
export function singleLineJson(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) {
    throw new IllegalArgumentError('value cannot be written as JSON');
  }
  return text.replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029');
}

const VERB_OF_GRAMMAR: Readonly<Partial<Record<VerbGrammarName, VerbName>>> = {
  update_meta: 'update:meta',
  syncFrom: 'sync:from',
  notifyList: 'notify:list',
  notifyStatus: 'notify:status',
  notifyFetch: 'notify:fetch',
  notifyRemove: 'notify:remove',
  notifyAll: 'notify:all',
  noOp: 'noop',
};

/**
 * Last line of defence: the finished command must match its verb's grammar AND be
 * dispatched to that verb by the server (a self key named `meta…` written as
 * `update:meta…@alice v` matches the update grammar but reaches no handler).
 */
export function checkGrammar(grammar: VerbGrammarName, command: string): string {
  const verb = VERB_OF_GRAMMAR[grammar] ?? (grammar as VerbName);
  if (matchVerb(grammar, command) === null || dispatchVerb(command) !== verb) {
    throw new IllegalArgumentError(`these arguments cannot be expressed as a valid ${verb} command`);
  }
  return command;
}
