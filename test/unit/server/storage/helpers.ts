/** Shared helpers for the storage tests. */
import fs from 'node:fs';
import type { StorageLogger } from '../../../../agent/src/server/storage/index.js';

/** A logger that keeps what it was told, so tests can assert on warnings. */
export function recordingLogger(): StorageLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, warn: (message) => warnings.push(message) };
}

export function logFiles(dir: string, store: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.startsWith(`${store}.`) && name.endsWith('.log'))
    .sort();
}
