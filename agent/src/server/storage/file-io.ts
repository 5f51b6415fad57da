/**
 * Small synchronous file primitives the engine is built from. Synchronous on purpose:
 * a write that returned is in the kernel's page cache and survives the process being
 * killed, which is exactly the point at which the server may acknowledge it.
 */
import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes all of `bytes` at `position`, looping over short writes (a nearly full disk or a
 * file-size limit can accept part of a buffer before failing).
 */
export function writeFully(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.length) {
    done += fs.writeSync(fd, bytes, done, bytes.length - done, position + done);
  }
}

/** Makes a rename, create or unlink inside `dir` durable (POSIX needs the directory synced). */
export function fsyncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Replaces `file` so that readers and crashes only ever see the old or the new content
 * (temporary file, fsync, rename, fsync of the directory). The mode is set exactly, not
 * narrowed by the umask.
 */
export function writeFileAtomic(file: string, content: string, mode: number): void {
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temporary, 'w', mode);
  try {
    fs.writeFileSync(fd, content);
    fs.fchmodSync(fd, mode);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, file);
  fsyncDirectory(path.dirname(file));
}

/** The errno string of a Node system error (`ENOSPC`, …), or `EUNKNOWN`. */
export function errnoOf(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return 'EUNKNOWN';
}

export function removeIfPresent(path: string): void {
  try {
    fs.unlinkSync(path);
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw error;
  }
}
