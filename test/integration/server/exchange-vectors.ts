/**
 * verb_exchanges.json for live-server tests: placeholders filled in, response regex and
 * prompt checked exactly as the vectors describe (regex on the reply line without its
 * prompt). Which exchanges belong to the notification stack is listed here, so the two
 * test files together cover every exchange and neither skips one.
 */
import assert from 'node:assert/strict';
import { verbExchanges, type Exchange } from '../../helpers/vectors.js';
import type { Reply } from '../../helpers/line-client.js';

export const EXCHANGES: readonly Exchange[] = verbExchanges();

/** Exchanges of notify / notify:* / monitor: tested in verb-exchanges-notifications.test.ts. */
export const NOTIFICATION_EXCHANGES: ReadonlySet<number> = new Set([57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 74, 75]);

export interface Placeholders {
  readonly me: string;
  readonly other: string;
  readonly uid: string;
  readonly n?: number;
}

export function fill(text: string, values: Placeholders): string {
  return text
    .replaceAll('{me}', values.me)
    .replaceAll('{other}', values.other)
    .replaceAll('{uid}', values.uid)
    .replaceAll('{n}', String(values.n ?? -1));
}

export function exchange(index: number): Exchange {
  const found = EXCHANGES[index];
  if (found === undefined) throw new Error(`no exchange #${index}`);
  return found;
}

/** Asserts a reply against exchange #index: its response regex, and its prompt when it names one. */
export function assertExchange(index: number, reply: Reply, values: Placeholders): void {
  const vector = exchange(index);
  const pattern = new RegExp(fill(vector.responseRegex, values));
  assert.match(reply.line, pattern, `exchange #${index} ${vector.command}`);
  if (vector.prompt !== null) assert.equal(reply.prompt, fill(vector.prompt, values), `prompt after exchange #${index}`);
}
