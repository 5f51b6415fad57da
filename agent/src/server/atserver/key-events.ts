/**
 * The per-atSign hook for key-store changes. autoNotify (queue a notification to the
 * recipient of a shared key) and stats notifications (tell monitors the latest commit id)
 * subscribe here; the key store emits after the change is durable.
 */
import type { NotificationPriority } from '../../protocol/index.js';
import type { StoredRecord } from './keys/stored-record.js';
import type { AtServerLogger } from './server-options.js';

/**
 * Who caused a change: a client verb (`client`, also inside `batch`), the expiry job,
 * a cache write made for a lookup/plookup (`cache`), a notification received from another
 * server (`notification`), or the server itself (`server`: signing keys, block list, …).
 */
export type KeyChangeOrigin = 'client' | 'expiry' | 'cache' | 'notification' | 'server';

export interface KeyChange {
  readonly operation: 'update' | 'update:meta' | 'delete';
  /** The key as stored (normalised). */
  readonly key: string;
  /** The record after the change; undefined for a delete. */
  readonly record: StoredRecord | undefined;
  /** The record before the change, if there was one. */
  readonly previous: StoredRecord | undefined;
  /** Commit id of the change, -1 when it was not committed. */
  readonly commitId: number;
  readonly origin: KeyChangeOrigin;
  /** Notification priority the client asked for (`delete:priority:high:…`). */
  readonly priority?: NotificationPriority;
}

export type KeyChangeListener = (change: KeyChange) => void;

export class KeyEvents {
  readonly #listeners = new Set<KeyChangeListener>();
  readonly #logger: AtServerLogger;

  constructor(logger: AtServerLogger) {
    this.#logger = logger;
  }

  /** Subscribes; returns the unsubscribe function. Listeners must not throw (errors are logged). */
  on(listener: KeyChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(change: KeyChange): void {
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        this.#logger.warn(`key change listener failed for ${change.key}: ${(error as Error).message}`);
      }
    }
  }
}
