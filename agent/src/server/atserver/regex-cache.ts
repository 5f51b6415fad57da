/**
 * Client-supplied regexes (scan, sync:from, stats:3) compiled once and reused: clients send
 * the same few patterns over and over, and compiling on every command is wasted work on the
 * hot path. An invalid pattern is AT0003. Bounded, least recently used out first.
 */
import { invalidSyntax } from './errors.js';

const MAX_ENTRIES = 256;
const cache = new Map<string, RegExp>();

/** The compiled pattern (JavaScript syntax, no flags: the reference's Dart RegExp default). */
export function clientRegex(pattern: string): RegExp {
  let regex = cache.get(pattern);
  if (regex !== undefined) {
    cache.delete(pattern);
    cache.set(pattern, regex);
    return regex;
  }
  try {
    regex = new RegExp(pattern);
  } catch {
    throw invalidSyntax(`invalid regular expression ${JSON.stringify(pattern.slice(0, 80))}`);
  }
  cache.set(pattern, regex);
  if (cache.size > MAX_ENTRIES) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return regex;
}
