/**
 * One append-only log file. `append` writes synchronously: when it returns, the record is
 * in the kernel's page cache and survives a crash of this process (kill -9). Power-loss
 * durability comes from group commit: a timer fdatasyncs whatever was appended since the
 * last sync, so the cost of a disk flush is shared by every write in the interval and is
 * never on the acknowledgement path (unless the interval is 0: then every append waits
 * for its own fdatasync).
 */
import fs from 'node:fs';
import { errnoOf, fsyncDirectory, writeFully } from './file-io.js';
import { StorageFailedError, StorageWriteError } from './errors.js';

export interface AppendLogOptions {
  /** Group-commit interval in ms; 0 = fdatasync inside every append. */
  readonly syncIntervalMs: number;
  /** Called once when the log can no longer vouch for its contents. */
  readonly onFailure: (error: StorageFailedError) => void;
}

export class AppendLog {
  readonly path: string;
  readonly #fd: number;
  readonly #options: AppendLogOptions;
  #size: number;
  /** Appends made so far, and how many of them an fdatasync has covered. */
  #appended = 0;
  #synced = 0;
  #inFlight: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #failure: StorageFailedError | undefined;
  #closed = false;

  private constructor(path: string, fd: number, size: number, options: AppendLogOptions) {
    this.path = path;
    this.#fd = fd;
    this.#size = size;
    this.#options = options;
  }

  /**
   * Creates a new log whose first record is `header`, and makes both the file and its
   * directory entry durable before anything is appended to it.
   */
  static create(path: string, dir: string, header: Buffer, options: AppendLogOptions): AppendLog {
    const fd = fs.openSync(path, 'wx+', 0o600);
    try {
      writeFully(fd, header, 0);
      fs.fdatasyncSync(fd);
      fsyncDirectory(dir);
    } catch (error) {
      fs.closeSync(fd);
      fs.rmSync(path, { force: true });
      throw new StorageWriteError(`${path}: ${errnoOf(error)} while creating the log`, errnoOf(error), error);
    }
    return new AppendLog(path, fd, header.length, options);
  }

  /** Opens an existing log for appending after its first `size` bytes (all checked good). */
  static openAt(path: string, size: number, options: AppendLogOptions): AppendLog {
    const fd = fs.openSync(path, 'r+');
    return new AppendLog(path, fd, size, options);
  }

  get size(): number {
    return this.#size;
  }

  get failure(): StorageFailedError | undefined {
    return this.#failure;
  }

  /**
   * Writes one framed record. Throws StorageWriteError (the file is cut back to where it
   * was, so the log stays clean and usable) or StorageFailedError (it could not be cut
   * back, or the per-write fdatasync failed: the log is unusable until reopened).
   */
  append(frame: Buffer): void {
    if (this.#failure) throw this.#failure;
    try {
      writeFully(this.#fd, frame, this.#size);
    } catch (error) {
      const errno = errnoOf(error);
      try {
        fs.ftruncateSync(this.#fd, this.#size);
      } catch (truncateError) {
        throw this.#fail(
          `${this.path}: ${errno} while appending, and the partial record could not be cut off (${errnoOf(truncateError)})`,
          truncateError,
        );
      }
      throw new StorageWriteError(
        `${this.path}: ${errno} while appending a record of ${frame.length} bytes; nothing was written`,
        errno,
        error,
      );
    }
    this.#size += frame.length;
    this.#appended++;
    if (this.#options.syncIntervalMs === 0) {
      try {
        fs.fdatasyncSync(this.#fd);
      } catch (error) {
        throw this.#fail(`${this.path}: fdatasync failed (${errnoOf(error)})`, error);
      }
      this.#synced = this.#appended;
    } else if (this.#timer === undefined && this.#inFlight === undefined) {
      this.#scheduleSync();
    }
  }

  /** Resolves once everything appended before the call is on stable storage. */
  async flush(): Promise<void> {
    const target = this.#appended;
    while (this.#synced < target) {
      if (this.#failure) throw this.#failure;
      await this.#syncNow();
    }
    if (this.#failure) throw this.#failure;
  }

  /** Flushes, then closes the file. The file is closed even if the final flush fails. */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.flush();
    } finally {
      this.#closed = true;
      clearTimeout(this.#timer);
      this.#timer = undefined;
      await this.#inFlight?.catch(() => undefined);
      fs.closeSync(this.#fd);
    }
  }

  #scheduleSync(): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#syncNow().catch(() => {
        // Already recorded in #failure and reported through onFailure.
      });
    }, this.#options.syncIntervalMs);
    // A pending group commit must not keep the process alive: what was appended is in the
    // page cache already and survives the process exiting.
    this.#timer.unref();
  }

  #syncNow(): Promise<void> {
    if (this.#inFlight) return this.#inFlight;
    if (this.#failure) return Promise.reject(this.#failure);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const covering = this.#appended;
    const run = new Promise<void>((resolve, reject) => {
      fs.fdatasync(this.#fd, (error) => {
        this.#inFlight = undefined;
        if (error) {
          reject(this.#fail(`${this.path}: fdatasync failed (${errnoOf(error)})`, error));
          return;
        }
        this.#synced = Math.max(this.#synced, covering);
        if (this.#appended > this.#synced && !this.#closed && this.#timer === undefined) this.#scheduleSync();
        resolve();
      });
    });
    this.#inFlight = run;
    return run;
  }

  #fail(message: string, cause: unknown): StorageFailedError {
    // After a failed fsync the kernel may have dropped the dirty pages and marked them
    // clean: retrying would "succeed" without the data. Only a reopen tells the truth.
    if (!this.#failure) {
      this.#failure = new StorageFailedError(message, cause);
      this.#options.onFailure(this.#failure);
    }
    return this.#failure;
  }
}
