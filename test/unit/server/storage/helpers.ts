/** Shared helpers for the storage tests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import type { StorageLogger } from '../../../../agent/src/server/storage/index.js';

/** A fresh directory removed when the test ends. */
export function tempDir(t: TestContext, prefix = 'atagent-storage-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

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
