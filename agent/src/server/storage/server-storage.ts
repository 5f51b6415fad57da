/**
 * Everything an atServer persists, opened as one unit: the key store with its commit log
 * (one engine store, `keystore`, so a key change and its commit entry are atomic) and the
 * notification store (its own engine store, `notifications`).
 */
import { DurableStore, type DurableStoreOptions } from './durable-store.js';
import { CommitLog, COMMITS_TABLE } from './commit-log.js';
import { KeyStore, KEYS_TABLE, type KeyRecord } from './key-store.js';
import { NotificationStore, NOTIFICATIONS_TABLE, type NotificationRecord } from './notification-store.js';

export type ServerStorageOptions = Omit<DurableStoreOptions, 'tables'>;

export interface ServerStorage<R = KeyRecord, N extends NotificationRecord = NotificationRecord & Readonly<Record<string, unknown>>> {
  readonly keys: KeyStore<R>;
  readonly commitLog: CommitLog;
  readonly notifications: NotificationStore<N>;
  /** Makes every write so far durable against power loss. */
  flush(): Promise<void>;
  /** Compacts both stores now (they also compact on their own as their logs grow). */
  compact(): Promise<void>;
  close(): Promise<void>;
}

/** Opens (creating if needed) the atServer's stores in `dir`. */
export async function openServerStorage<
  R = KeyRecord,
  N extends NotificationRecord = NotificationRecord & Readonly<Record<string, unknown>>,
>(dir: string, options: ServerStorageOptions = {}): Promise<ServerStorage<R, N>> {
  const keyEngine = await DurableStore.open(dir, 'keystore', { ...options, tables: [KEYS_TABLE, COMMITS_TABLE] });
  let notificationEngine: DurableStore;
  try {
    notificationEngine = await DurableStore.open(dir, 'notifications', { ...options, tables: [NOTIFICATIONS_TABLE] });
  } catch (error) {
    await keyEngine.close();
    throw error;
  }
  let commitLog: CommitLog;
  try {
    commitLog = new CommitLog(keyEngine);
  } catch (error) {
    await Promise.allSettled([keyEngine.close(), notificationEngine.close()]);
    throw error;
  }
  return {
    keys: new KeyStore<R>(keyEngine, commitLog),
    commitLog,
    notifications: new NotificationStore<N>(notificationEngine),
    async flush() {
      await Promise.all([keyEngine.flush(), notificationEngine.flush()]);
    },
    async compact() {
      await Promise.all([keyEngine.compact(), notificationEngine.compact()]);
    },
    async close() {
      const results = await Promise.allSettled([keyEngine.close(), notificationEngine.close()]);
      const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
