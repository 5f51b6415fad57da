/**
 * Snapshot files: the whole state of a store as of one log generation, in the same framed
 * records as the log (a header, batches of entries, a footer that counts them). A snapshot
 * is only ever created under a temporary name, fsynced, and renamed into place, so a
 * snapshot that does not check out completely is damage, never an interrupted write.
 */
import fs from 'node:fs';
import { encodeRecord, scanRecords } from './record-format.js';
import { StorageCorruptError } from './errors.js';

export const SNAPSHOT_FORMAT = 'atagent-snapshot';
const FORMAT_VERSION = 1;
/** Entries are written in batches of about this many payload bytes. */
const BATCH_BYTES = 1024 * 1024;

export interface SnapshotHeader {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly version: number;
  readonly store: string;
  /** The first log generation that is NOT contained in this snapshot. */
  readonly generation: number;
}

/** Entries as [table, key, value-as-JSON-text]. */
export type SnapshotEntry = readonly [table: string, key: string, json: string];

/**
 * Writes a snapshot to `tmpPath` and fsyncs it. The caller renames it into place.
 * Yields to the event loop between batches so a large snapshot does not stall requests.
 */
export async function writeSnapshotFile(
  tmpPath: string,
  store: string,
  generation: number,
  entries: Iterable<SnapshotEntry>,
): Promise<number> {
  const handle = await fs.promises.open(tmpPath, 'w', 0o600);
  try {
    let offset = 0;
    const put = async (payload: string) => {
      const frame = encodeRecord(payload);
      let done = 0;
      while (done < frame.length) {
        const { bytesWritten } = await handle.write(frame, done, frame.length - done, offset + done);
        done += bytesWritten;
      }
      offset += frame.length;
    };
    const header: SnapshotHeader = { format: SNAPSHOT_FORMAT, version: FORMAT_VERSION, store, generation };
    await put(JSON.stringify(header));
    let count = 0;
    let batch: string[] = [];
    let batchBytes = 0;
    for (const [table, key, json] of entries) {
      const item = `[${JSON.stringify(table)},${JSON.stringify(key)},${json}]`;
      batch.push(item);
      batchBytes += item.length;
      count++;
      if (batchBytes >= BATCH_BYTES) {
        await put(`[${batch.join(',')}]`);
        batch = [];
        batchBytes = 0;
      }
    }
    if (batch.length > 0) await put(`[${batch.join(',')}]`);
    await put(JSON.stringify({ end: true, entries: count }));
    await handle.datasync();
    return offset;
  } finally {
    await handle.close();
  }
}

export interface LoadedSnapshot {
  readonly header: SnapshotHeader;
  readonly entries: Array<[table: string, key: string, value: unknown]>;
  readonly bytes: number;
}

/** Reads and fully checks a snapshot; throws StorageCorruptError on any damage. */
export function readSnapshotFile(path: string, store: string): LoadedSnapshot {
  const bytes = fs.readFileSync(path);
  const scan = scanRecords(bytes);
  if (scan.damage) {
    throw new StorageCorruptError(path, scan.damage.offset, `damaged snapshot record (${scan.damage.problem})`);
  }
  const [first, ...rest] = scan.records;
  const last = rest.pop();
  if (!first || !last) throw new StorageCorruptError(path, 0, 'snapshot without header and footer');
  const header = parseJson(path, first.offset, first.payload);
  if (!isSnapshotHeader(header) || header.store !== store) {
    throw new StorageCorruptError(path, 0, `not a snapshot of store "${store}"`);
  }
  if (header.version !== FORMAT_VERSION) {
    throw new StorageCorruptError(path, 0, `unsupported snapshot format version ${header.version}`);
  }
  const entries: Array<[string, string, unknown]> = [];
  for (const record of rest) {
    const batch = parseJson(path, record.offset, record.payload);
    if (!Array.isArray(batch)) throw new StorageCorruptError(path, record.offset, 'snapshot record is not a batch');
    for (const item of batch as unknown[]) {
      if (!Array.isArray(item) || item.length !== 3 || typeof item[0] !== 'string' || typeof item[1] !== 'string') {
        throw new StorageCorruptError(path, record.offset, 'malformed snapshot entry');
      }
      entries.push([item[0], item[1], item[2]]);
    }
  }
  const footer = parseJson(path, last.offset, last.payload) as { end?: unknown; entries?: unknown } | null;
  if (footer === null || typeof footer !== 'object' || footer.end !== true || footer.entries !== entries.length) {
    throw new StorageCorruptError(path, last.offset, 'snapshot footer missing or entry count wrong');
  }
  return { header, entries, bytes: bytes.length };
}

function isSnapshotHeader(value: unknown): value is SnapshotHeader {
  if (value === null || typeof value !== 'object') return false;
  const header = value as Record<string, unknown>;
  return (
    header['format'] === SNAPSHOT_FORMAT &&
    typeof header['version'] === 'number' &&
    typeof header['store'] === 'string' &&
    Number.isSafeInteger(header['generation']) &&
    (header['generation'] as number) >= 0
  );
}

export function parseJson(file: string, offset: number, payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    // A record whose checksum matches but whose text is not JSON was written that way:
    // treat it as damage, not as something to skip.
    throw new StorageCorruptError(file, offset, 'record is not valid JSON');
  }
}
