/**
 * The atServer's key store (server.md §2, §4): key → record ({value, metadata}), held in
 * memory for O(1) reads and written through the engine together with its commit entry.
 *
 * The store does not interpret keys or records: normalising keys (lower-case, no spaces),
 * deciding which keys are committed and with which operation (server.md §4.1), and the
 * shape of metadata are the server's business. Records come back deep-frozen, as the
 * JSON round trip of what was stored.
 */
import type { DurableStore, StoreWrite } from './durable-store.js';
import type { CommitLog, CommitOperation, CommitRequest } from './commit-log.js';

export const KEYS_TABLE = 'keys';

/** The default record shape; the server may use its own through the type parameter. */
export interface KeyRecord {
  readonly value: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** One change inside an atomic `batch()`. */
export type KeyChange<R> =
  | { readonly key: string; readonly record: R; readonly commit?: CommitOperation | null }
  | { readonly key: string; readonly delete: true; readonly commit?: boolean };

/** Commit id returned for a change that was not written to the commit log. */
export const NOT_COMMITTED = -1;

export class KeyStore<R = KeyRecord> {
  readonly #store: DurableStore;
  readonly #commitLog: CommitLog;
  readonly #rows: ReadonlyMap<string, unknown>;

  constructor(store: DurableStore, commitLog: CommitLog) {
    this.#store = store;
    this.#commitLog = commitLog;
    this.#rows = store.table(KEYS_TABLE);
  }

  get(key: string): R | undefined {
    return this.#rows.get(key) as R | undefined;
  }

  has(key: string): boolean {
    return this.#rows.has(key);
  }

  get size(): number {
    return this.#rows.size;
  }

  keys(): IterableIterator<string> {
    return this.#rows.keys();
  }

  entries(): IterableIterator<[string, R]> {
    return this.#rows.entries() as IterableIterator<[string, R]>;
  }

  /**
   * Stores `record` under `key`. With `commit`, the commit log gets an entry with that
   * operation in the same atomic write and its id is returned; otherwise -1.
   */
  put(key: string, record: R, commit?: CommitOperation | null): number {
    return this.batch([{ key, record, commit: commit ?? null }])[0]!;
  }

  /**
   * Removes `key`. With `commit: true` (the default) a `-` entry is committed even when
   * the key did not exist (server.md §4.1) and its id is returned; otherwise -1.
   */
  delete(key: string, commit = true): number {
    return this.batch([{ key, delete: true, commit }])[0]!;
  }

  /** Applies every change atomically; returns a commit id (or -1) per change, in order. */
  batch(changes: readonly KeyChange<R>[]): number[] {
    const writes: StoreWrite[] = [];
    const commits: CommitRequest[] = [];
    const committedAt: number[] = [];
    for (const change of changes) {
      if ('delete' in change) {
        writes.push({ table: KEYS_TABLE, key: change.key, delete: true });
        if (change.commit ?? true) {
          committedAt.push(commits.length);
          commits.push({ atKey: change.key, operation: '-' });
        } else {
          committedAt.push(NOT_COMMITTED);
        }
      } else {
        writes.push({ table: KEYS_TABLE, key: change.key, value: change.record });
        if (change.commit) {
          committedAt.push(commits.length);
          commits.push({ atKey: change.key, operation: change.commit });
        } else {
          committedAt.push(NOT_COMMITTED);
        }
      }
    }
    if (commits.length === 0) {
      this.#store.write(writes);
      return committedAt;
    }
    const entries = this.#commitLog.writeWithCommits(writes, commits);
    return committedAt.map((index) => (index === NOT_COMMITTED ? NOT_COMMITTED : entries[index]!.commitId));
  }
}
