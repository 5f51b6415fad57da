/**
 * The `batch` verb as a CommandBatcher (protocol.md §7.24): consecutive queued puts go to
 * the server as one `batch:[…]` command, each answer handed back in the shape it would
 * have had alone (`data:12`, `error:AT0015-…`), so callers cannot tell the difference
 * except by the time saved. A server that refuses the batch gets the commands one by one.
 */
import type { CommandBatcher } from '../net/index.js';
import { batchCommand, parseResponse } from '../protocol/index.js';

/** Batches stay far below the server's 10 MB command limit and keep each put's wait short. */
const MAX_COMMANDS = 100;
const MAX_LENGTH = 512 * 1024;

interface BatchEntry {
  readonly id?: unknown;
  readonly response?: { readonly data?: unknown; readonly error_code?: unknown; readonly error_message?: unknown };
}

function answerOf(entry: BatchEntry): string | undefined {
  const response = entry.response;
  if (response === undefined || response === null || typeof response !== 'object') return undefined;
  if (typeof response.error_code === 'string') return `error:${response.error_code}-${String(response.error_message ?? '')}`;
  if (response.data === undefined) return undefined;
  return `data:${response.data === null ? 'null' : String(response.data)}`;
}

export const batchCodec: CommandBatcher = {
  maxCommands: MAX_COMMANDS,
  maxLength: MAX_LENGTH,
  combine(commands) {
    return batchCommand(commands.map((command, index) => ({ id: index + 1, command })));
  },
  split(response, count) {
    let parsed;
    try {
      parsed = parseResponse(response);
    } catch {
      return undefined;
    }
    if (parsed.kind !== 'data') return undefined;
    let entries: unknown;
    try {
      entries = JSON.parse(parsed.payload);
    } catch {
      return undefined;
    }
    if (!Array.isArray(entries) || entries.length !== count) return undefined;
    const byId = new Map<number, string>();
    for (const entry of entries as BatchEntry[]) {
      const answer = answerOf(entry);
      if (typeof entry.id !== 'number' || answer === undefined) return undefined;
      byId.set(entry.id, answer);
    }
    const answers: string[] = [];
    for (let id = 1; id <= count; id++) {
      const answer = byId.get(id);
      if (answer === undefined) return undefined;
      answers.push(answer);
    }
    return answers;
  },
};
