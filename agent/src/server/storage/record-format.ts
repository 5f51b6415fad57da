/**
 * Framing of the records in log and snapshot files:
 *
 *   magic "atR1" (4 bytes) | payload length (u32 LE) | CRC-32 (u32 LE) | payload (UTF-8 JSON)
 *
 * The CRC covers the length field and the payload, so a damaged length is caught too.
 * The magic lets the scanner tell "garbage at the end" (an interrupted write: safe to cut
 * off) from "a damaged record with intact records after it" (real corruption: never
 * dropped silently), by looking for a later record that checks out.
 */
import { crc32 } from './crc32.js';

export const RECORD_MAGIC = Buffer.from('atR1', 'latin1');
export const RECORD_HEADER_BYTES = 12;
/** A record bigger than this is damage, not data (values are capped far lower by the server). */
export const MAX_RECORD_PAYLOAD_BYTES = 256 * 1024 * 1024;

/** One payload serialised into a ready-to-write frame. */
export function encodeRecord(payload: string): Buffer {
  const length = Buffer.byteLength(payload, 'utf8');
  const frame = Buffer.allocUnsafe(RECORD_HEADER_BYTES + length);
  RECORD_MAGIC.copy(frame, 0);
  frame.writeUInt32LE(length, 4);
  frame.write(payload, RECORD_HEADER_BYTES, length, 'utf8');
  const crc = crc32(frame, crc32(frame, 0, 4, 8), RECORD_HEADER_BYTES, frame.length);
  frame.writeUInt32LE(crc, 8);
  return frame;
}

/** Why the record at an offset is not valid. */
type FrameProblem = 'truncated header' | 'bad magic' | 'bad length' | 'truncated payload' | 'checksum mismatch';

function checkFrame(bytes: Buffer, offset: number): { end: number } | { problem: FrameProblem } {
  if (offset + RECORD_HEADER_BYTES > bytes.length) return { problem: 'truncated header' };
  if (bytes.compare(RECORD_MAGIC, 0, 4, offset, offset + 4) !== 0) return { problem: 'bad magic' };
  const length = bytes.readUInt32LE(offset + 4);
  if (length === 0 || length > MAX_RECORD_PAYLOAD_BYTES) return { problem: 'bad length' };
  const end = offset + RECORD_HEADER_BYTES + length;
  if (end > bytes.length) return { problem: 'truncated payload' };
  const expected = bytes.readUInt32LE(offset + 8);
  const actual = crc32(bytes, crc32(bytes, 0, offset + 4, offset + 8), offset + RECORD_HEADER_BYTES, end);
  if (expected !== actual) return { problem: 'checksum mismatch' };
  return { end };
}

export interface ScannedRecord {
  readonly offset: number;
  readonly payload: string;
}

export interface ScanResult {
  readonly records: ScannedRecord[];
  /** Byte offset just after the last good record. */
  readonly validEnd: number;
  /**
   * Set when bytes after `validEnd` are not a record. `trailing: true` means no valid
   * record follows them: an interrupted final write that can be cut off. `trailing: false`
   * means good records follow the damage: corruption in the middle.
   */
  readonly damage?: { readonly offset: number; readonly problem: FrameProblem; readonly trailing: boolean };
}

/** Splits a whole file into records, stopping at the first one that does not check out. */
export function scanRecords(bytes: Buffer): ScanResult {
  const records: ScannedRecord[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const checked = checkFrame(bytes, offset);
    if ('problem' in checked) {
      return {
        records,
        validEnd: offset,
        damage: { offset, problem: checked.problem, trailing: !hasValidRecordAfter(bytes, offset + 1) },
      };
    }
    records.push({
      offset,
      payload: bytes.toString('utf8', offset + RECORD_HEADER_BYTES, checked.end),
    });
    offset = checked.end;
  }
  return { records, validEnd: offset };
}

function hasValidRecordAfter(bytes: Buffer, from: number): boolean {
  for (let at = bytes.indexOf(RECORD_MAGIC, from); at !== -1; at = bytes.indexOf(RECORD_MAGIC, at + 1)) {
    if (!('problem' in checkFrame(bytes, at))) return true;
  }
  return false;
}
