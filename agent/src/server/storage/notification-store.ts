/**
 * The atServer's notification store (server.md §6): notificationId → notification, in
 * its own engine files (it churns far more than the key store and is never synced).
 * The notification's shape is the server's; the store only relies on `id` and, for
 * `removeExpired`, on `expiresAt` (epoch ms; absent or null = never expires).
 */
import type { DurableStore, StoreWrite } from './durable-store.js';
import { StorageValueError } from './errors.js';

export const NOTIFICATIONS_TABLE = 'notifications';

export interface NotificationRecord {
  readonly id: string;
  readonly expiresAt?: number | null;
}

export class NotificationStore<N extends NotificationRecord = NotificationRecord & Readonly<Record<string, unknown>>> {
  readonly #store: DurableStore;
  readonly #rows: ReadonlyMap<string, unknown>;

  constructor(store: DurableStore) {
    this.#store = store;
    this.#rows = store.table(NOTIFICATIONS_TABLE);
  }

  get size(): number {
    return this.#rows.size;
  }

  get(id: string): N | undefined {
    return this.#rows.get(id) as N | undefined;
  }

  has(id: string): boolean {
    return this.#rows.has(id);
  }

  /** Inserts or replaces the notification with `notification.id`. */
  put(notification: N): void {
    if (typeof notification.id !== 'string' || notification.id === '') {
      throw new StorageValueError('a notification needs a non-empty string id');
    }
    this.#store.put(NOTIFICATIONS_TABLE, notification.id, notification);
  }

  /**
   * Replaces fields of a stored notification (or the whole of it, via a function) and
   * returns the stored result; undefined when there is no such notification.
   */
  update(id: string, change: Partial<N> | ((current: N) => N)): N | undefined {
    const current = this.get(id);
    if (current === undefined) return undefined;
    const next = typeof change === 'function' ? change(current) : { ...current, ...change };
    if (next.id !== id) throw new StorageValueError(`an update may not change a notification's id (${id})`);
    this.#store.put(NOTIFICATIONS_TABLE, id, next);
    return this.get(id);
  }

  /** Removes a notification; false when there was none. */
  delete(id: string): boolean {
    if (!this.#rows.has(id)) return false;
    this.#store.delete(NOTIFICATIONS_TABLE, id);
    return true;
  }

  /** Stored notifications in insertion order, optionally filtered. */
  list(filter?: (notification: N) => boolean): N[] {
    const result: N[] = [];
    for (const value of this.#rows.values()) {
      const notification = value as N;
      if (!filter || filter(notification)) result.push(notification);
    }
    return result;
  }

  /** Deletes, in one atomic write, every notification whose `expiresAt` is before `now`. */
  removeExpired(now = Date.now()): number {
    const writes: StoreWrite[] = [];
    for (const [id, value] of this.#rows) {
      const expiresAt = (value as NotificationRecord).expiresAt;
      if (typeof expiresAt === 'number' && expiresAt < now) {
        writes.push({ table: NOTIFICATIONS_TABLE, key: id, delete: true });
      }
    }
    this.#store.write(writes);
    return writes.length;
  }
}
