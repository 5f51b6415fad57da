/**
 * The storage engine: named tables of JSON values, held in memory (reads are Map lookups)
 * and made durable by an append-only log plus periodic snapshots.
 *
 * Files of a store `<name>` in its directory:
 *   <name>.lock             exclusive lock (pid + boot id)
 *   <name>.snapshot         full state before log generation G (absent until the first compaction)
 *   <name>.<g>.log          one log per generation g >= G, replayed in order on open
 *   <name>.snapshot.tmp     a snapshot being written (deleted on open: never complete)
 *
 * Durability contract:
 *   - `write()` returns only after its record was written to the log with write(2): it
 *     survives a crash of the process (kill -9, OOM kill, uncaught exception).
 *   - Power loss: records older than the group-commit interval (`syncIntervalMs`, default
 *     100 ms) plus one fdatasync are on stable storage; younger ones may be lost, and the
 *     torn tail they leave is cut off on the next open. `syncIntervalMs: 0` makes every
 *     write wait for its own fdatasync (nothing acknowledged is ever lost, much slower).
 *     `flush()` makes everything written so far durable on demand.
 *   - A write error (disk full, file-size limit, I/O error) throws StorageWriteError and
 *     changes nothing, in memory or on disk.
 *
 * Compaction (when the log outgrows the live data) rotates to a new log generation, writes
 * a snapshot of the state at the rotation point under a temporary name, fsyncs it, renames
 * it into place, fsyncs the directory and only then deletes the old logs. A crash at any
 * point leaves either the old snapshot + old and new logs, or the new snapshot + new log
 * (+ stale old logs, deleted on open): both replay to the same state.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppendLog, type AppendLogOptions } from './append-log.js';
import { encodeRecord, scanRecords } from './record-format.js';
import { readSnapshotFile, writeSnapshotFile, parseJson, type SnapshotEntry } from './snapshot-file.js';
import { acquireLockFile, type LockFile } from './lock-file.js';
import { errnoOf, fsyncDirectory, removeIfPresent } from './file-io.js';
import {
  StorageClosedError,
  StorageCorruptError,
  StorageError,
  StorageFailedError,
  StorageValueError,
  StorageWriteError,
} from './errors.js';
import { deepFreeze } from './deep-freeze.js';

export interface StorageLogger {
  warn(message: string): void;
}

/** Points inside a compaction, reported to `onCompactionStep` (for metrics and crash tests). */
export type CompactionStep = 'log-rotated' | 'snapshot-written' | 'snapshot-renamed' | 'old-logs-removed';

export interface DurableStoreOptions {
  /** The tables this store holds. Tables may be added between versions, never removed. */
  readonly tables: readonly string[];
  /** Group-commit fdatasync interval in ms (default 100). 0 = fdatasync before every write returns. */
  readonly syncIntervalMs?: number;
  /** Compact automatically when the log passes the thresholds below (default true). */
  readonly autoCompact?: boolean;
  /** Never compact a log smaller than this (default 8 MiB). */
  readonly compactMinLogBytes?: number;
  /** Compact when the log is larger than this many times the last snapshot (default 2). */
  readonly compactRatio?: number;
  /**
   * Open a store with damage in the middle of a log by discarding everything from the
   * damaged record on (default false: refuse to open). For deliberate operator recovery.
   */
  readonly truncateAtCorruption?: boolean;
  readonly logger?: StorageLogger;
  readonly onCompactionStep?: (step: CompactionStep) => void;
}

/** One change inside an atomic `write()`. */
export type StoreWrite =
  | { readonly table: string; readonly key: string; readonly value: unknown }
  | { readonly table: string; readonly key: string; readonly delete: true };

interface ResolvedOptions {
  readonly syncIntervalMs: number;
  readonly autoCompact: boolean;
  readonly compactMinLogBytes: number;
  readonly compactRatio: number;
  readonly truncateAtCorruption: boolean;
  readonly logger: StorageLogger;
  readonly onCompactionStep: (step: CompactionStep) => void;
}

const LOG_FORMAT = 'atagent-log';
const LOG_FORMAT_VERSION = 1;
const STORE_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** After a failed automatic compaction (e.g. disk full), wait this long before trying again. */
const COMPACTION_RETRY_MS = 30_000;

interface LogFileInfo {
  readonly generation: number;
  readonly path: string;
}

export class DurableStore {
  readonly name: string;
  readonly dir: string;
  readonly #options: ResolvedOptions;
  readonly #tables: Map<string, Map<string, unknown>>;
  readonly #lock: LockFile;
  #log: AppendLog;
  /** A log being retired by a compaction: it is still flushed by `flush()` until closed. */
  #retiringLog: AppendLog | undefined;
  #generation: number;
  #snapshotBytes: number;
  #compaction: Promise<void> | undefined;
  #autoCompactAfter = 0;
  #failure: StorageFailedError | undefined;
  #closed = false;

  private constructor(init: {
    name: string;
    dir: string;
    options: ResolvedOptions;
    tables: Map<string, Map<string, unknown>>;
    lock: LockFile;
    log: AppendLog;
    generation: number;
    snapshotBytes: number;
  }) {
    this.name = init.name;
    this.dir = init.dir;
    this.#options = init.options;
    this.#tables = init.tables;
    this.#lock = init.lock;
    this.#log = init.log;
    this.#generation = init.generation;
    this.#snapshotBytes = init.snapshotBytes;
  }

  /**
   * Opens (creating if needed) the store `name` in `dir`, replaying snapshot and logs.
   * Throws StorageLockedError if another live process has it open, StorageCorruptError
   * for damage that is not an interrupted final write.
   */
  static async open(dir: string, name: string, options: DurableStoreOptions): Promise<DurableStore> {
    if (!STORE_NAME.test(name)) throw new StorageValueError(`invalid store name ${JSON.stringify(name)}`);
    const tableNames = new Set(options.tables);
    if (tableNames.size === 0 || tableNames.size !== options.tables.length) {
      throw new StorageValueError(`store ${name} needs a non-empty list of distinct table names`);
    }
    const resolved: ResolvedOptions = {
      syncIntervalMs: nonNegative('syncIntervalMs', options.syncIntervalMs, 100),
      autoCompact: options.autoCompact ?? true,
      compactMinLogBytes: nonNegative('compactMinLogBytes', options.compactMinLogBytes, 8 * 1024 * 1024),
      compactRatio: nonNegative('compactRatio', options.compactRatio, 2),
      truncateAtCorruption: options.truncateAtCorruption ?? false,
      logger: options.logger ?? { warn: (message) => console.warn(message) },
      onCompactionStep: options.onCompactionStep ?? (() => undefined),
    };
    const absoluteDir = path.resolve(dir);
    fs.mkdirSync(absoluteDir, { recursive: true, mode: 0o700 });
    const lock = acquireLockFile(path.join(absoluteDir, `${name}.lock`));
    try {
      return DurableStore.#load(absoluteDir, name, [...tableNames], resolved, lock);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  static #load(
    dir: string,
    name: string,
    tableNames: string[],
    options: ResolvedOptions,
    lock: LockFile,
  ): DurableStore {
    const tables = new Map(tableNames.map((table) => [table, new Map<string, unknown>()]));
    const snapshotPath = path.join(dir, `${name}.snapshot`);
    removeIfPresent(`${snapshotPath}.tmp`);

    let generation = 0;
    let snapshotBytes = 0;
    const hasSnapshot = fs.existsSync(snapshotPath);
    if (hasSnapshot) {
      const snapshot = readSnapshotFile(snapshotPath, name);
      generation = snapshot.header.generation;
      snapshotBytes = snapshot.bytes;
      for (const [table, key, value] of snapshot.entries) {
        const rows = tables.get(table);
        if (!rows) throw new StorageCorruptError(snapshotPath, 0, `snapshot holds unknown table "${table}"`);
        rows.set(key, deepFreeze(value));
      }
    }

    const logs = listLogFiles(dir, name);
    const stale = logs.filter((log) => log.generation < generation);
    const live = logs.filter((log) => log.generation >= generation);
    live.forEach((log, index) => {
      if (log.generation !== generation + index) {
        const expected = path.join(dir, `${name}.${generation + index}.log`);
        throw new StorageCorruptError(expected, 0, `log generation ${generation + index} is missing`);
      }
    });
    if (hasSnapshot && live.length === 0) {
      throw new StorageCorruptError(path.join(dir, `${name}.${generation}.log`), 0, 'log file is missing');
    }

    let appendTo: { path: string; size: number } | undefined;
    for (const [index, log] of live.entries()) {
      const validEnd = replayLog(log, name, tables, options);
      if (index === live.length - 1 && validEnd > 0) appendTo = { path: log.path, size: validEnd };
    }

    // The log reports failures to the store, which does not exist yet.
    const failureSink: { store?: DurableStore } = {};
    const logOptions = DurableStore.#logOptionsFor(name, options, (error) => {
      if (failureSink.store) failureSink.store.#onLogFailure(error);
    });
    let log: AppendLog;
    if (appendTo) {
      log = AppendLog.openAt(appendTo.path, appendTo.size, logOptions);
    } else {
      // A fresh store, or a newest log that lost even its header (crash right at creation).
      const logGeneration = live.length > 0 ? live[live.length - 1]!.generation : generation;
      const logPath = path.join(dir, `${name}.${logGeneration}.log`);
      removeIfPresent(logPath);
      log = AppendLog.create(logPath, dir, logHeader(name, logGeneration), logOptions);
    }

    for (const old of stale) removeIfPresent(old.path);
    if (stale.length > 0) fsyncDirectory(dir);

    const store = new DurableStore({
      name,
      dir,
      options,
      tables,
      lock,
      log,
      generation: live.length > 0 ? live[live.length - 1]!.generation : generation,
      snapshotBytes,
    });
    failureSink.store = store;
    return store;
  }

  static #logOptionsFor(
    name: string,
    options: ResolvedOptions,
    onFailure: (error: StorageFailedError) => void,
  ): AppendLogOptions {
    return {
      syncIntervalMs: options.syncIntervalMs,
      onFailure: (error) => {
        options.logger.warn(`store ${name}: ${error.message}; refusing further writes until reopened`);
        onFailure(error);
      },
    };
  }

  #onLogFailure(error: StorageFailedError): void {
    this.#failure ??= error;
  }

  /** The live rows of a table. Values are deep-frozen: treat them as immutable. */
  table(name: string): ReadonlyMap<string, unknown> {
    const rows = this.#tables.get(name);
    if (!rows) throw new StorageValueError(`store ${this.name} has no table "${name}"`);
    return rows;
  }

  get(table: string, key: string): unknown {
    return this.table(table).get(key);
  }

  /**
   * Applies all `writes` atomically: they are logged as one checksummed record, so after
   * a crash either all of them or none are present. Values are stored as JSON: what `get`
   * returns afterwards is the JSON round trip of the value, frozen (exactly what a restart
   * would give back).
   */
  write(writes: readonly StoreWrite[]): void {
    this.#assertWritable();
    if (writes.length === 0) return;
    const parts: string[] = [];
    const values: unknown[] = [];
    for (const change of writes) {
      const rows = this.#tables.get(change.table);
      if (!rows) throw new StorageValueError(`store ${this.name} has no table "${change.table}"`);
      if (typeof change.key !== 'string') throw new StorageValueError('keys must be strings');
      if ('delete' in change && change.delete === true) {
        parts.push(JSON.stringify([change.table, change.key]));
        values.push(undefined);
      } else {
        const json = toJson('value' in change ? change.value : undefined);
        parts.push(`[${JSON.stringify(change.table)},${JSON.stringify(change.key)},${json}]`);
        values.push(deepFreeze(JSON.parse(json)));
      }
    }
    this.#log.append(encodeRecord(`[${parts.join(',')}]`));
    writes.forEach((change, index) => {
      const rows = this.#tables.get(change.table)!;
      if ('delete' in change && change.delete === true) rows.delete(change.key);
      else rows.set(change.key, values[index]);
    });
    this.#maybeCompact();
  }

  put(table: string, key: string, value: unknown): void {
    this.write([{ table, key, value }]);
  }

  delete(table: string, key: string): void {
    this.write([{ table, key, delete: true }]);
  }

  /** Resolves once every write made before the call is on stable storage. */
  async flush(): Promise<void> {
    if (this.#closed) throw new StorageClosedError(this.name);
    await Promise.all([this.#retiringLog?.flush(), this.#log.flush()]);
  }

  /** Rewrites the live data as a snapshot and drops the logs it replaces. */
  compact(): Promise<void> {
    try {
      this.#assertWritable();
    } catch (error) {
      return Promise.reject(error);
    }
    this.#compaction ??= this.#runCompaction().finally(() => {
      this.#compaction = undefined;
    });
    return this.#compaction;
  }

  /** Numbers for tests, benchmarks and the server's stats. */
  get stats(): { generation: number; logBytes: number; snapshotBytes: number; compacting: boolean } {
    return {
      generation: this.#generation,
      logBytes: this.#log.size,
      snapshotBytes: this.#snapshotBytes,
      compacting: this.#compaction !== undefined,
    };
  }

  /** Waits for a running compaction, flushes, closes the files and releases the lock. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#compaction?.catch(() => undefined);
      await this.#log.close();
    } finally {
      this.#lock.release();
    }
  }

  #assertWritable(): void {
    if (this.#closed) throw new StorageClosedError(this.name);
    if (this.#failure) throw this.#failure;
  }

  #maybeCompact(): void {
    if (!this.#options.autoCompact || this.#compaction || Date.now() < this.#autoCompactAfter) return;
    const threshold = Math.max(this.#options.compactMinLogBytes, this.#options.compactRatio * this.#snapshotBytes);
    if (this.#log.size < threshold) return;
    this.compact().catch((error: unknown) => {
      this.#autoCompactAfter = Date.now() + COMPACTION_RETRY_MS;
      const message = error instanceof Error ? error.message : String(error);
      this.#options.logger.warn(`store ${this.name}: compaction failed, will retry later: ${message}`);
    });
  }

  async #runCompaction(): Promise<void> {
    const step = this.#options.onCompactionStep;
    const oldLog = this.#log;
    // Make the old log durable before anything depends on it being complete.
    await oldLog.flush();
    // Closing while the old log was flushing: abandon the compaction, nothing was changed.
    if (this.#closed) return;
    if (this.#failure) throw this.#failure;

    const generation = this.#generation + 1;
    const newLog = AppendLog.create(
      path.join(this.dir, `${this.name}.${generation}.log`),
      this.dir,
      logHeader(this.name, generation),
      DurableStore.#logOptionsFor(this.name, this.#options, (error) => this.#onLogFailure(error)),
    );
    // Switch and capture in the same synchronous step: the captured rows are exactly the
    // state that the old logs add up to, and every later write lands in the new log.
    this.#log = newLog;
    this.#generation = generation;
    this.#retiringLog = oldLog;
    const captured = [...this.#tables].map(([table, rows]) => [table, [...rows]] as const);
    step('log-rotated');
    try {
      await oldLog.close();
    } finally {
      this.#retiringLog = undefined;
    }

    const snapshotPath = path.join(this.dir, `${this.name}.snapshot`);
    const tmpPath = `${snapshotPath}.tmp`;
    let snapshotBytes: number;
    try {
      snapshotBytes = await writeSnapshotFile(tmpPath, this.name, generation, snapshotEntries(captured));
      step('snapshot-written');
      fs.renameSync(tmpPath, snapshotPath);
      fsyncDirectory(this.dir);
    } catch (error) {
      removeIfPresent(tmpPath);
      if (error instanceof StorageError) throw error;
      throw new StorageWriteError(
        `${tmpPath}: ${errnoOf(error)} while writing a snapshot; the logs still hold everything`,
        errnoOf(error),
        error,
      );
    }
    this.#snapshotBytes = snapshotBytes;
    step('snapshot-renamed');

    for (const log of listLogFiles(this.dir, this.name)) {
      if (log.generation < generation) removeIfPresent(log.path);
    }
    fsyncDirectory(this.dir);
    step('old-logs-removed');
  }
}

/**
 * Replays one log into `tables` and returns the offset after its last good record. An
 * interrupted final write is cut off (one warning); damage with good records after it
 * throws StorageCorruptError unless `truncateAtCorruption` is set.
 */
function replayLog(
  log: LogFileInfo,
  store: string,
  tables: Map<string, Map<string, unknown>>,
  options: ResolvedOptions,
): number {
  const bytes = fs.readFileSync(log.path);
  const scan = scanRecords(bytes);
  if (scan.damage) {
    const { offset, problem, trailing } = scan.damage;
    if (!trailing && !options.truncateAtCorruption) {
      throw new StorageCorruptError(log.path, offset, `damaged record (${problem}) with intact records after it`);
    }
    options.logger.warn(
      trailing
        ? `store ${store}: ${log.path}: discarding ${bytes.length - offset} bytes of an incomplete record at ` +
            `offset ${offset} (${problem}), left by an interrupted write; everything before it is kept`
        : `store ${store}: ${log.path}: truncateAtCorruption is set: discarding ${bytes.length - offset} bytes ` +
            `from the damaged record at offset ${offset} (${problem}) on, including intact records after it`,
    );
    truncateFile(log.path, offset);
  }
  const [header, ...changes] = scan.records;
  if (!header) return 0;
  const parsedHeader = parseJson(log.path, header.offset, header.payload) as Record<string, unknown> | null;
  if (
    parsedHeader === null ||
    typeof parsedHeader !== 'object' ||
    parsedHeader['format'] !== LOG_FORMAT ||
    parsedHeader['store'] !== store ||
    parsedHeader['generation'] !== log.generation
  ) {
    throw new StorageCorruptError(log.path, 0, `not log generation ${log.generation} of store "${store}"`);
  }
  if (parsedHeader['version'] !== LOG_FORMAT_VERSION) {
    throw new StorageCorruptError(log.path, 0, `unsupported log format version ${String(parsedHeader['version'])}`);
  }
  for (const record of changes) {
    const ops = parseJson(log.path, record.offset, record.payload);
    applyLoggedOps(log.path, record.offset, ops, tables);
  }
  return scan.validEnd;
}

function applyLoggedOps(file: string, offset: number, ops: unknown, tables: Map<string, Map<string, unknown>>): void {
  if (!Array.isArray(ops)) throw new StorageCorruptError(file, offset, 'log record is not a list of changes');
  for (const op of ops as unknown[]) {
    if (!Array.isArray(op) || (op.length !== 2 && op.length !== 3) || typeof op[0] !== 'string' || typeof op[1] !== 'string') {
      throw new StorageCorruptError(file, offset, 'malformed change in log record');
    }
    const rows = tables.get(op[0]);
    if (!rows) throw new StorageCorruptError(file, offset, `log record names unknown table "${op[0]}"`);
    if (op.length === 2) rows.delete(op[1]);
    else rows.set(op[1], deepFreeze(op[2]));
  }
}

function truncateFile(file: string, size: number): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.ftruncateSync(fd, size);
    fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function logHeader(store: string, generation: number): Buffer {
  return encodeRecord(JSON.stringify({ format: LOG_FORMAT, version: LOG_FORMAT_VERSION, store, generation }));
}

function listLogFiles(dir: string, store: string): LogFileInfo[] {
  const pattern = new RegExp(`^${store}\\.(0|[1-9][0-9]*)\\.log$`);
  const logs: LogFileInfo[] = [];
  for (const entry of fs.readdirSync(dir)) {
    const match = pattern.exec(entry);
    if (match) logs.push({ generation: Number(match[1]), path: path.join(dir, entry) });
  }
  return logs.sort((a, b) => a.generation - b.generation);
}

function* snapshotEntries(
  captured: ReadonlyArray<readonly [string, ReadonlyArray<readonly [string, unknown]>]>,
): Generator<SnapshotEntry> {
  for (const [table, rows] of captured) {
    for (const [key, value] of rows) yield [table, key, JSON.stringify(value)];
  }
}

function toJson(value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new StorageValueError(`value cannot be stored as JSON: ${(error as Error).message}`, error);
  }
  if (json === undefined) throw new StorageValueError(`value of type ${typeof value} cannot be stored as JSON`);
  return json;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new StorageValueError(`${name} must be a non-negative number`);
  return value;
}
