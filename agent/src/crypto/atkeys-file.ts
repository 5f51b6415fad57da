/**
 * Reading and writing `.atKeys` files. The file's only protection is its permissions (the
 * key that decrypts it is inside it), so a file others can read is refused, and files are
 * written 0600, atomically, never replacing existing keys unless asked to.
 */
import { randomBytes } from 'node:crypto';
import { constants, type FileHandle, link, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { CryptoBackend } from './backend.js';
import {
  KeyFileCorruptError,
  KeyFileExistsError,
  KeyFileNotFoundError,
  KeyFilePermissionsError,
  KeyFileUnreadableError,
} from './atkeys-errors.js';
import { parseAtKeys, serializeAtKeys, type AtKeys } from './atkeys.js';
import { cryptoBackend } from './select-backend.js';

/** Real key files are about 10 kB; anything this big is not one. */
const MAX_KEY_FILE_BYTES = 1024 * 1024;
const OWNER_ONLY = 0o600;
const GROUP_OR_OTHER_ACCESS = 0o077;

/** POSIX permission bits mean nothing on Windows. */
const checkPermissions = process.platform !== 'win32';

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

/**
 * Loads, decrypts and checks an `.atKeys` file. Errors (all KeyFileError, match on `code`):
 * NOT_FOUND, UNREADABLE, PERMISSIONS (group/other access: fix with `chmod 600`),
 * CORRUPT (with the `field` at fault), MISMATCH (a key pair that does not belong together).
 */
export async function loadAtKeys(path: string, options: { backend?: CryptoBackend } = {}): Promise<AtKeys> {
  if (typeof path !== 'string' || path.length === 0) throw new TypeError('path must be a non-empty string');
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new KeyFileNotFoundError(path, { cause: error });
    throw new KeyFileUnreadableError(path, (error as Error).message, { cause: error });
  }
  let text: string;
  try {
    // fstat on the open handle: the file checked is the file read (symlinks are followed).
    const info = await handle.stat();
    if (!info.isFile()) throw new KeyFileUnreadableError(path, 'not a regular file');
    if (checkPermissions && (info.mode & GROUP_OR_OTHER_ACCESS) !== 0) throw new KeyFilePermissionsError(path, info.mode);
    if (info.size > MAX_KEY_FILE_BYTES) {
      throw new KeyFileCorruptError(path, undefined, `it is ${info.size} bytes, far too large for a key file`);
    }
    text = await handle.readFile({ encoding: 'utf8' });
  } catch (error) {
    if (error instanceof KeyFileUnreadableError || error instanceof KeyFilePermissionsError || error instanceof KeyFileCorruptError) {
      throw error;
    }
    throw new KeyFileUnreadableError(path, (error as Error).message, { cause: error });
  } finally {
    await handle.close();
  }
  return parseAtKeys(text, path, options.backend ?? cryptoBackend());
}

export interface WriteAtKeysOptions {
  /** Replace an existing file (default false: KeyFileExistsError). */
  readonly overwrite?: boolean;
}

/**
 * Writes `keys` to `path` (mode 0600; missing directories are created 0700). The file
 * appears complete or not at all: the text goes to a temporary file in the same directory,
 * is flushed to disk, then linked or renamed into place.
 */
export async function writeAtKeys(path: string, keys: AtKeys, options: WriteAtKeysOptions = {}): Promise<void> {
  if (typeof path !== 'string' || path.length === 0) throw new TypeError('path must be a non-empty string');
  const text = serializeAtKeys(keys);
  const directory = dirname(path);
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const temporary = join(directory, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', OWNER_ONLY);
  let placed = false;
  try {
    try {
      await handle.writeFile(text, { encoding: 'utf8' });
      await handle.chmod(OWNER_ONLY);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.overwrite === true) {
      await rename(temporary, path);
      placed = true;
    } else {
      await placeWithoutReplacing(temporary, path);
      placed = true;
    }
    await syncDirectory(directory);
  } finally {
    if (!placed) await unlink(temporary).catch(() => undefined);
  }
}

/** link() fails atomically if the target exists; filesystems without hard links (FAT) get a checked rename. */
async function placeWithoutReplacing(temporary: string, path: string): Promise<void> {
  try {
    await link(temporary, path);
    await unlink(temporary);
    return;
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') throw new KeyFileExistsError(path);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
  }
  await refuseExistingKeyFile(path);
  await rename(temporary, path);
}

/** Throws KeyFileExistsError when anything is at `path` already. */
export async function refuseExistingKeyFile(path: string): Promise<void> {
  const existing = await stat(path).catch((error: unknown) => {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  });
  if (existing !== undefined) throw new KeyFileExistsError(path);
}

/** Makes the new directory entry durable; not every filesystem can, which is not an error. */
async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, constants.O_RDONLY);
    await handle.sync();
  } catch {
    // e.g. EISDIR/EINVAL on filesystems that cannot fsync a directory
  } finally {
    await handle?.close();
  }
}
