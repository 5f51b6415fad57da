/**
 * What a platform remembers between starts (`<dataDir>/platform.json`): the root's port and,
 * per atSign, its port and storage directory, so a restart serves every atSign on the same
 * port (clients cache addresses). Written atomically: a crash leaves the old or the new file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../storage/file-io.js';

export interface AtSignRecord {
  readonly port: number;
  /** Storage directory, relative to the platform's data directory. */
  readonly dir: string;
}

export interface PlatformState {
  readonly rootPort?: number;
  readonly atSigns: Readonly<Record<string, AtSignRecord>>;
}

const FILE = 'platform.json';

export function readPlatformState(dataDir: string): PlatformState {
  const file = path.join(dataDir, FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { atSigns: {} };
    throw error;
  }
  let parsed: Partial<PlatformState>;
  try {
    parsed = JSON.parse(text) as Partial<PlatformState>;
  } catch (error) {
    throw new Error(`${file} is not a platform state file: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || typeof parsed.atSigns !== 'object' || parsed.atSigns === null) {
    throw new Error(`${file} is not a platform state file`);
  }
  return { ...(typeof parsed.rootPort === 'number' ? { rootPort: parsed.rootPort } : {}), atSigns: parsed.atSigns };
}

export function writePlatformState(dataDir: string, state: PlatformState): void {
  writeFileAtomic(path.join(dataDir, FILE), `${JSON.stringify(state, null, 2)}\n`, 0o600);
}

/** A file-system-safe directory name for an atSign's storage (emoji percent-encoded). */
export function atSignDirectoryName(atSign: string): string {
  return encodeURIComponent(atSign.slice(1)).replaceAll('%', '_');
}
