/**
 * The notification store, typed with this stack's record (the engine only knows `id` and
 * `expiresAt`), plus a change hook: whoever wants to know that a notification was stored or
 * changed status (tests, benchmarks, operators' tooling) listens here instead of polling.
 */
import type { NotificationStore } from '../../storage/index.js';
import type { StoredNotification } from './stored-notification.js';

export type NotificationChangeListener = (notification: StoredNotification) => void;

export class NotificationRecords {
  readonly #store: NotificationStore<StoredNotification>;
  readonly #listeners = new Set<NotificationChangeListener>();

  constructor(store: NotificationStore<StoredNotification>) {
    this.#store = store;
  }

  get size(): number {
    return this.#store.size;
  }

  get(id: string): StoredNotification | undefined {
    return this.#store.get(id);
  }

  put(notification: StoredNotification): StoredNotification {
    this.#store.put(notification);
    const stored = this.#store.get(notification.id) ?? notification;
    this.#emit(stored);
    return stored;
  }

  /** Changes fields of a stored notification; undefined when it is gone. */
  update(id: string, changes: Partial<Omit<StoredNotification, 'id'>>): StoredNotification | undefined {
    const stored = this.#store.update(id, changes);
    if (stored !== undefined) this.#emit(stored);
    return stored;
  }

  delete(id: string): boolean {
    return this.#store.delete(id);
  }

  /** The notifications `filter` takes, oldest first (the order every listing and replay needs). */
  list(filter?: (notification: StoredNotification) => boolean): StoredNotification[] {
    return this.#store.list(filter).sort((a, b) => a.notificationDateTime - b.notificationDateTime);
  }

  /** Deletes every notification expired before `now`; returns how many. */
  removeExpired(now: number): number {
    return this.#store.removeExpired(now);
  }

  /** The newest creation time stored (0 when empty): new stamps continue after it. */
  newestStamp(): number {
    let newest = 0;
    for (const notification of this.#store.list()) newest = Math.max(newest, notification.notificationDateTime);
    return newest;
  }

  /** Subscribes to stores and changes; returns the unsubscribe function. */
  onChange(listener: NotificationChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(notification: StoredNotification): void {
    for (const listener of this.#listeners) {
      try {
        listener(notification);
      } catch {
        // An observer's failure is its own business; the store write has happened.
      }
    }
  }
}
