/**
 * JSON payloads that carry a key with its value and metadata: the `meta`/`all` answers of
 * llookup/lookup/plookup (protocol.md §7.8–7.10) and sync entries (§7.14). Metadata is
 * written without unset fields (see metadata-json.ts for why that matters to Java clients).
 */
import { UnexpectedResponseError } from './errors.js';
import { metadataFromJson, metadataToJson } from './metadata-json.js';
import type { Metadata } from './metadata.js';

/** `{"key":…,"data":…,"metaData":{…}}`. */
export interface LookupAllAnswer {
  /** The key as the server names it; `cached:…` when served from the cache. */
  readonly key: string;
  /** The value, or null for an inactive key. */
  readonly data: string | null;
  readonly metaData: Metadata;
}

function parseJson(payload: string, what: string): unknown {
  try {
    return JSON.parse(payload);
  } catch (cause) {
    throw new UnexpectedResponseError(`${what} is not valid JSON`, { cause });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function optionalText(value: unknown, what: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new UnexpectedResponseError(`${what} is not text`);
  return value;
}

export function formatLookupAll(answer: LookupAllAnswer): string {
  return JSON.stringify({ key: answer.key, data: answer.data, metaData: metadataToJson(answer.metaData) });
}

export function parseLookupAll(payload: string): LookupAllAnswer {
  const json = parseJson(payload, 'lookup answer');
  if (!isObject(json) || typeof json['key'] !== 'string') {
    throw new UnexpectedResponseError('lookup answer needs a key');
  }
  const metaData = json['metaData'];
  return {
    key: json['key'],
    data: optionalText(json['data'], 'lookup data'),
    metaData: metaData === undefined || metaData === null ? {} : metadataFromJson(metaData),
  };
}

/** Commit-log operations: `+` value update, `#` metadata update, `*` both, `-` delete. */
export type CommitOperation = '+' | '#' | '*' | '-';

const COMMIT_OPERATIONS: ReadonlySet<string> = new Set(['+', '#', '*', '-']);

export interface SyncEntry {
  readonly atKey: string;
  readonly value: string | null;
  /** Null for deletes. */
  readonly metadata: Metadata | null;
  readonly commitId: number;
  readonly operation: CommitOperation;
}

/** `[{"atKey":…,"value":…,"metadata":{all strings},"commitId":n,"operation":"*"},…]`. */
export function formatSyncEntries(entries: readonly SyncEntry[]): string {
  return JSON.stringify(
    entries.map((entry) => ({
      atKey: entry.atKey,
      value: entry.value,
      metadata: entry.metadata === null ? null : metadataToJson(entry.metadata, { allStrings: true }),
      commitId: entry.commitId,
      operation: entry.operation,
    })),
  );
}

export function parseSyncEntries(payload: string): SyncEntry[] {
  const json = parseJson(payload, 'sync answer');
  if (!Array.isArray(json)) throw new UnexpectedResponseError('sync answer is not a JSON array');
  return json.map((entry: unknown) => {
    if (!isObject(entry) || typeof entry['atKey'] !== 'string') {
      throw new UnexpectedResponseError('sync entry needs an atKey');
    }
    const commitId = typeof entry['commitId'] === 'string' ? Number(entry['commitId']) : entry['commitId'];
    if (typeof commitId !== 'number' || !Number.isSafeInteger(commitId)) {
      throw new UnexpectedResponseError('sync entry needs an integer commitId');
    }
    const operation = entry['operation'];
    if (typeof operation !== 'string' || !COMMIT_OPERATIONS.has(operation)) {
      throw new UnexpectedResponseError(`sync entry has an unknown operation ${JSON.stringify(operation)}`);
    }
    const metadata = entry['metadata'];
    return {
      atKey: entry['atKey'],
      value: optionalText(entry['value'], 'sync value'),
      metadata: metadata === undefined || metadata === null ? null : metadataFromJson(metadata),
      commitId,
      operation: operation as CommitOperation,
    };
  });
}
