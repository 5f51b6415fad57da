/**
 * An exclusive lock file holding the owner's pid and the kernel boot id. Two processes
 * appending to one log would interleave records and corrupt it, so a store refuses to open
 * while another live process holds its lock. A lock left behind by a killed process is
 * taken over: its pid no longer exists, or it was written before the last reboot (after a
 * power cut the same pid may belong to some unrelated process, which must not keep a
 * device's server from starting).
 */
import fs from 'node:fs';
import { errnoOf } from './file-io.js';
import { StorageLockedError } from './errors.js';

export interface LockFile {
  readonly path: string;
  release(): void;
}

/** Lock files this process holds, so a second open in the same process is refused too. */
const heldHere = new Set<string>();

export function acquireLockFile(path: string): LockFile {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (heldHere.has(path)) throw new StorageLockedError(path, process.pid);
    try {
      const fd = fs.openSync(path, 'wx', 0o600);
      try {
        fs.writeSync(fd, `${process.pid} ${currentBootId() ?? '-'}\n`);
      } finally {
        fs.closeSync(fd);
      }
      heldHere.add(path);
      return {
        path,
        release() {
          if (!heldHere.delete(path)) return;
          try {
            fs.unlinkSync(path);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (error) {
      if (errnoOf(error) !== 'EEXIST') throw error;
    }
    const holder = readHolder(path);
    if (holder !== undefined && holder.pid !== process.pid && holder.sameBoot && isProcessAlive(holder.pid)) {
      throw new StorageLockedError(path, holder.pid);
    }
    // Stale: its owner died without releasing it (or it is unreadable). Remove and retry.
    try {
      fs.unlinkSync(path);
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT') throw error;
    }
  }
  throw new StorageLockedError(path, readHolder(path)?.pid);
}

function readHolder(path: string): { pid: number; sameBoot: boolean } | undefined {
  try {
    const [pidText = '', bootId = '-'] = fs.readFileSync(path, 'utf8').trim().split(' ');
    const pid = Number.parseInt(pidText, 10);
    if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
    const current = currentBootId();
    return { pid, sameBoot: current === undefined || bootId === '-' || bootId === current };
  } catch {
    return undefined;
  }
}

let bootId: string | null | undefined;

/** Linux's per-boot random id; undefined where /proc does not offer it. */
function currentBootId(): string | undefined {
  if (bootId === undefined) {
    try {
      bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      bootId = null;
    }
  }
  return bootId ?? undefined;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return errnoOf(error) === 'EPERM';
  }
}
