/**
 * The atServer's commit log (server.md §8): commitId → {atKey, operation, opTime}, keeping
 * only the latest entry per key, with ids increasing by one from 0. It lives in the
 * `commits` table of the key store's engine, so a key change and its commit entry are
 * written in one atomic record.
 *
 * In memory: the table (atKey → entry) plus an array ordered by commitId in which
 * superseded entries leave holes, so `since()` is a binary search plus a scan.
 */
import type { DurableStore, StoreWrite } from './durable-store.js';
import { StorageCorruptError, StorageValueError } from './errors.js';

/** `+` value update, `#` metadata update, `*` value and metadata, `-` delete. */
export type CommitOperation = '+' | '#' | '*' | '-';

export interface CommitEntry {
  readonly commitId: number;
  readonly atKey: string;
  readonly operation: CommitOperation;
  /** Epoch milliseconds of the change. */
  readonly opTime: number;
}

export const COMMITS_TABLE = 'commits';
const OPERATIONS: ReadonlySet<string> = new Set(['+', '#', '*', '-']);

export interface CommitRequest {
  readonly atKey: string;
  readonly operation: CommitOperation;
}

export class CommitLog {
  readonly #store: DurableStore;
  readonly #byKey: ReadonlyMap<string, unknown>;
  /** Ascending commit ids, and the entry for each (null once superseded). */
  #ids: number[] = [];
  #slots: Array<CommitEntry | null> = [];
  #holes = 0;
  #nextId = 0;

  constructor(store: DurableStore) {
    this.#store = store;
    this.#byKey = store.table(COMMITS_TABLE);
    const entries: CommitEntry[] = [];
    for (const [atKey, value] of this.#byKey) {
      if (!isCommitEntry(value) || value.atKey !== atKey) {
        throw new StorageCorruptError(store.dir, 0, `commit log entry for ${JSON.stringify(atKey)} is malformed`);
      }
      entries.push(value);
    }
    entries.sort((a, b) => a.commitId - b.commitId);
    for (const entry of entries) {
      this.#ids.push(entry.commitId);
      this.#slots.push(entry);
    }
    this.#nextId = entries.length > 0 ? entries[entries.length - 1]!.commitId + 1 : 0;
  }

  /** The highest commit id, -1 while the log is empty. */
  get lastCommitId(): number {
    return this.#nextId - 1;
  }

  /** Number of entries (one per key). */
  get size(): number {
    return this.#byKey.size;
  }

  /** The latest entry for `atKey`, if the key was ever committed. */
  latestFor(atKey: string): CommitEntry | undefined {
    return this.#byKey.get(atKey) as CommitEntry | undefined;
  }

  /**
   * Entries with commitId > `afterId`, ascending, at most `limit` of them among those that
   * pass `filter` (applied before the limit, as `sync:from` filters by regex/namespace).
   */
  since(afterId: number, limit = Number.POSITIVE_INFINITY, filter?: (entry: CommitEntry) => boolean): CommitEntry[] {
    const result: CommitEntry[] = [];
    if (limit <= 0) return result;
    for (let i = this.#firstIndexAfter(afterId); i < this.#slots.length; i++) {
      const entry = this.#slots[i];
      if (!entry || (filter && !filter(entry))) continue;
      result.push(entry);
      if (result.length >= limit) break;
    }
    return result;
  }

  /** Every entry, ascending by commit id. */
  *entries(): IterableIterator<CommitEntry> {
    for (const entry of this.#slots) if (entry) yield entry;
  }

  /** Appends an entry on its own, without a key change (e.g. a delete of a missing key). */
  append(atKey: string, operation: CommitOperation): CommitEntry {
    return this.writeWithCommits([], [{ atKey, operation }])[0]!;
  }

  /**
   * Writes `writes` and the commit entries for `commits` as one atomic record and returns
   * the new entries in order. Used by the key store; on any error nothing changes and no
   * commit id is used up.
   */
  writeWithCommits(writes: readonly StoreWrite[], commits: readonly CommitRequest[]): CommitEntry[] {
    const opTime = Date.now();
    const entries = commits.map((commit, index): CommitEntry => {
      if (!OPERATIONS.has(commit.operation)) {
        throw new StorageValueError(`unknown commit operation ${JSON.stringify(commit.operation)}`);
      }
      return Object.freeze({ commitId: this.#nextId + index, atKey: commit.atKey, operation: commit.operation, opTime });
    });
    // The ids these commits supersede, read before the write replaces them.
    const liveIds = new Map<string, number>();
    for (const entry of entries) {
      const previous = this.#byKey.get(entry.atKey) as CommitEntry | undefined;
      if (previous && !liveIds.has(entry.atKey)) liveIds.set(entry.atKey, previous.commitId);
    }
    this.#store.write([
      ...writes,
      ...entries.map((entry): StoreWrite => ({ table: COMMITS_TABLE, key: entry.atKey, value: entry })),
    ]);
    for (const entry of entries) {
      const superseded = liveIds.get(entry.atKey);
      if (superseded !== undefined) this.#punchHole(superseded);
      liveIds.set(entry.atKey, entry.commitId);
      this.#ids.push(entry.commitId);
      // The store holds its own copy of the entry (the JSON round trip, as a restart loads
      // it): index that one rather than keep a second copy per key for the log's lifetime.
      const stored = this.#byKey.get(entry.atKey) as CommitEntry;
      this.#slots.push(stored.commitId === entry.commitId ? stored : entry);
    }
    this.#nextId += entries.length;
    if (this.#holes > 1024 && this.#holes > this.#slots.length / 2) this.#dropHoles();
    return entries;
  }

  #punchHole(commitId: number): void {
    const index = this.#firstIndexAfter(commitId - 1);
    if (this.#ids[index] === commitId && this.#slots[index]) {
      this.#slots[index] = null;
      this.#holes++;
    }
  }

  #firstIndexAfter(afterId: number): number {
    let low = 0;
    let high = this.#ids.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.#ids[mid]! <= afterId) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  #dropHoles(): void {
    const ids: number[] = [];
    const slots: CommitEntry[] = [];
    for (const entry of this.#slots) {
      if (entry) {
        ids.push(entry.commitId);
        slots.push(entry);
      }
    }
    this.#ids = ids;
    this.#slots = slots;
    this.#holes = 0;
  }
}

function isCommitEntry(value: unknown): value is CommitEntry {
  if (value === null || typeof value !== 'object') return false;
  const entry = value as Record<string, unknown>;
  return (
    Number.isSafeInteger(entry['commitId']) &&
    (entry['commitId'] as number) >= 0 &&
    typeof entry['atKey'] === 'string' &&
    typeof entry['operation'] === 'string' &&
    OPERATIONS.has(entry['operation']) &&
    typeof entry['opTime'] === 'number'
  );
}
