/**
 * Errors raised by the storage engine. Match on `code`, never on the message text.
 * The atServer answers every one of them that reaches a verb with AT0002 (DataStore
 * exception): nothing the caller was not told about was acknowledged.
 */
export type StorageErrorCode =
  | 'ERR_ATAGENT_STORAGE_WRITE'
  | 'ERR_ATAGENT_STORAGE_FAILED'
  | 'ERR_ATAGENT_STORAGE_CORRUPT'
  | 'ERR_ATAGENT_STORAGE_LOCKED'
  | 'ERR_ATAGENT_STORAGE_CLOSED'
  | 'ERR_ATAGENT_STORAGE_BAD_VALUE';

export class StorageError extends Error {
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * A write could not be made durable in the page cache (ENOSPC, EFBIG, EIO, …). The partial
 * record, if any, was cut off again, so the store is unchanged and stays usable: the write
 * can be retried once space is freed. `errno` is the system error code.
 */
export class StorageWriteError extends StorageError {
  readonly errno: string;

  constructor(message: string, errno: string, cause: unknown) {
    super('ERR_ATAGENT_STORAGE_WRITE', message, { cause });
    this.errno = errno;
  }
}

/**
 * The store can no longer guarantee what is on disk (fdatasync failed, or a failed write
 * could not be cut off). Every later write is refused until the store is reopened, which
 * re-reads the files and recovers what they really hold.
 */
export class StorageFailedError extends StorageError {
  constructor(message: string, cause?: unknown) {
    super('ERR_ATAGENT_STORAGE_FAILED', message, { cause });
  }
}

/**
 * A file holds damage that is not an interrupted final write: a bad record with good
 * records after it, a damaged snapshot, a missing log generation. The store refuses to
 * open rather than silently drop data. `file` and `offset` say where.
 */
export class StorageCorruptError extends StorageError {
  readonly file: string;
  readonly offset: number;

  constructor(file: string, offset: number, reason: string) {
    super(
      'ERR_ATAGENT_STORAGE_CORRUPT',
      `${file}: ${reason} at byte offset ${offset}; refusing to open the store so nothing is ` +
        'dropped silently (restore a backup, or open with truncateAtCorruption to discard ' +
        'everything from this offset on)',
    );
    this.file = file;
    this.offset = offset;
  }
}

/** Another process (or another open instance in this one) holds the store's lock file. */
export class StorageLockedError extends StorageError {
  readonly lockFile: string;
  readonly holderPid: number | undefined;

  constructor(lockFile: string, holderPid: number | undefined) {
    super(
      'ERR_ATAGENT_STORAGE_LOCKED',
      `${lockFile} is held by ${holderPid === undefined ? 'another process' : `process ${holderPid}`}; ` +
        'two writers would corrupt the store',
    );
    this.lockFile = lockFile;
    this.holderPid = holderPid;
  }
}

/** The store was closed. */
export class StorageClosedError extends StorageError {
  constructor(store: string) {
    super('ERR_ATAGENT_STORAGE_CLOSED', `store ${store} is closed`);
  }
}

/** A value that cannot be stored as JSON (undefined, a function, a bigint, a cycle, …). */
export class StorageValueError extends StorageError {
  constructor(message: string, cause?: unknown) {
    super('ERR_ATAGENT_STORAGE_BAD_VALUE', message, { cause });
  }
}
