export { openServerStorage, type ServerStorage, type ServerStorageOptions } from './server-storage.js';
export { KeyStore, NOT_COMMITTED, type KeyRecord, type KeyChange } from './key-store.js';
export { CommitLog, type CommitEntry, type CommitOperation } from './commit-log.js';
export { NotificationStore, type NotificationRecord } from './notification-store.js';
export {
  DurableStore,
  type DurableStoreOptions,
  type StoreWrite,
  type StorageLogger,
  type CompactionStep,
} from './durable-store.js';
export {
  StorageError,
  StorageWriteError,
  StorageFailedError,
  StorageCorruptError,
  StorageLockedError,
  StorageClosedError,
  StorageValueError,
  type StorageErrorCode,
} from './errors.js';
