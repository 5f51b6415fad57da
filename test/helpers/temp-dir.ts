/** Scratch directories for tests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CleanupScope } from './platform.js';

/** A fresh directory under the system's temporary directory, removed when the test (`t`) ends. */
export function tempDir(t: CleanupScope): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atagent-test-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
