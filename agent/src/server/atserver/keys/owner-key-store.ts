/**
 * The key-store semantics of one atSign on top of the storage engine: metadata merging,
 * which writes are committed and with which operation, expiry (lazy on read, and the
 * periodic purge), and the change events. Keys given here are already normalised.
 *
 * Every method is synchronous: the engine writes (write(2)) before returning, so when a verb
 * answers, what it answered about survives a crash of the process.
 */
import type { MetadataOptions, NotificationPriority } from '../../../protocol/index.js';
import type { ServerStorage } from '../../storage/index.js';
import type { Clock } from '../clock.js';
import type { KeyChange, KeyChangeOrigin, KeyEvents } from '../key-events.js';
import { isCommitted } from './commit-policy.js';
import { isActive, isExpired } from './key-activity.js';
import { hasMetadataOptions, mergeMetadata } from './metadata-merge.js';
import type { StoredMetadata, StoredRecord } from './stored-record.js';

export interface WriteOptions {
  readonly origin?: KeyChangeOrigin;
  readonly priority?: NotificationPriority;
}

export type Lookup =
  | { readonly state: 'missing' }
  | { readonly state: 'inactive'; readonly record: StoredRecord }
  | { readonly state: 'active'; readonly record: StoredRecord };

const MISSING: Lookup = { state: 'missing' };

export class OwnerKeyStore {
  readonly atSign: string;
  readonly #storage: ServerStorage<StoredRecord>;
  readonly #clock: Clock;
  readonly #events: KeyEvents;

  constructor(storage: ServerStorage<StoredRecord>, atSign: string, clock: Clock, events: KeyEvents) {
    this.#storage = storage;
    this.atSign = atSign;
    this.#clock = clock;
    this.#events = events;
  }

  get lastCommitId(): number {
    return this.#storage.commitLog.lastCommitId;
  }

  /** The stored record whatever its state (expired or unborn included). */
  get(key: string): StoredRecord | undefined {
    return this.#storage.keys.get(key);
  }

  has(key: string): boolean {
    return this.#storage.keys.has(key);
  }

  /** The record with its visibility now (server.md §4.2). */
  lookup(key: string): Lookup {
    const record = this.#storage.keys.get(key);
    if (record === undefined) return MISSING;
    return isActive(record.metadata, this.#clock.now()) ? { state: 'active', record } : { state: 'inactive', record };
  }

  /** The record if it is active now. */
  getActive(key: string): StoredRecord | undefined {
    const record = this.#storage.keys.get(key);
    return record !== undefined && isActive(record.metadata, this.#clock.now()) ? record : undefined;
  }

  keys(): IterableIterator<string> {
    return this.#storage.keys.keys();
  }

  entries(): IterableIterator<[string, StoredRecord]> {
    return this.#storage.keys.entries();
  }

  /**
   * `update`: value plus metadata options merged over the existing key. An expired key is
   * gone: it is dropped first (uncommitted) so it cannot shape the record replacing it.
   */
  update(key: string, value: string | null, options: MetadataOptions, write: WriteOptions = {}): number {
    const now = this.#clock.now();
    const previous = this.#liveRecord(key, now);
    const metadata = mergeMetadata({ options, existing: previous?.metadata, atSign: this.atSign, now });
    const operation = hasMetadataOptions(options) ? '*' : '+';
    return this.#write(key, { value, metadata }, previous, operation, 'update', write);
  }

  /** `update:meta`: metadata only; a missing key is created with a null value. */
  updateMeta(key: string, options: MetadataOptions, write: WriteOptions = {}): number {
    const now = this.#clock.now();
    const previous = this.#liveRecord(key, now);
    const metadata = mergeMetadata({ options, existing: previous?.metadata, atSign: this.atSign, now });
    return this.#write(key, { value: previous?.value ?? null, metadata }, previous, '#', 'update:meta', write);
  }

  /**
   * Stores a complete record as given (cached copies, server-internal keys). `operation`
   * picks the commit operation for committed keys.
   */
  putRecord(key: string, record: StoredRecord, write: WriteOptions & { readonly operation?: '+' | '#' | '*' } = {}): number {
    const previous = this.#storage.keys.get(key);
    return this.#write(key, record, previous, write.operation ?? '*', 'update', write);
  }

  /** Record for a new server-maintained value: created/updated by this atSign now. */
  newMetadata(extra: StoredMetadata = {}): StoredMetadata {
    const now = this.#clock.now();
    return { createdBy: this.atSign, updatedBy: this.atSign, createdAt: now, updatedAt: now, status: 'active', version: 0, ...extra };
  }

  /** Deletes a key; committed keys get a `-` entry even when the key did not exist. */
  delete(key: string, write: WriteOptions = {}): number {
    const previous = this.#storage.keys.get(key);
    const commitId = this.#storage.keys.delete(key, isCommitted(key));
    if (previous !== undefined || commitId !== -1) this.#emit('delete', key, undefined, previous, commitId, write);
    return commitId;
  }

  /**
   * Physically removes every key expired by now, each deletion committed as the reference
   * does so clients learn about it by sync. Returns how many were removed.
   */
  removeExpired(): number {
    const now = this.#clock.now();
    const expired: string[] = [];
    for (const [key, record] of this.#storage.keys.entries()) {
      if (isExpired(record.metadata, now)) expired.push(key);
    }
    for (const key of expired) this.delete(key, { origin: 'expiry' });
    return expired.length;
  }

  #liveRecord(key: string, now: number): StoredRecord | undefined {
    const record = this.#storage.keys.get(key);
    if (record === undefined || !isExpired(record.metadata, now)) return record;
    this.#storage.keys.delete(key, false);
    return undefined;
  }

  #write(
    key: string,
    record: StoredRecord,
    previous: StoredRecord | undefined,
    operation: '+' | '#' | '*',
    change: 'update' | 'update:meta',
    write: WriteOptions,
  ): number {
    const commitId = this.#storage.keys.put(key, record, isCommitted(key) ? operation : null);
    this.#emit(change, key, this.#storage.keys.get(key) ?? record, previous, commitId, write);
    return commitId;
  }

  #emit(
    operation: KeyChange['operation'],
    key: string,
    record: StoredRecord | undefined,
    previous: StoredRecord | undefined,
    commitId: number,
    write: WriteOptions,
  ): void {
    this.#events.emit({
      operation,
      key,
      record,
      previous,
      commitId,
      origin: write.origin ?? 'client',
      ...(write.priority === undefined ? {} : { priority: write.priority }),
    });
  }
}
