/**
 * Write failures: a file-size limit (RLIMIT_FSIZE → EFBIG, works without privileges) and
 * a really full filesystem (a tiny tmpfs → ENOSPC, when this process may mount one; where
 * it may not, the same scenario runs against the file-size limit instead, so nothing is
 * skipped). In every case the caller gets StorageWriteError, nothing unacknowledged is
 * half-applied, and the files reopen cleanly with every acknowledged write.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import {
  DurableStore,
  openServerStorage,
  StorageWriteError,
} from '../../../../agent/src/server/storage/index.js';
import { expectedState } from './child/workload.js';
import { recordingLogger } from './helpers.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const writer = fileURLToPath(new URL('./child/storage-writer.ts', import.meta.url));

/** Runs the writer child in `until-error` mode under `ulimit -f <kib>`. */
function runUntilError(dir: string, fileSizeLimitKib: number): Promise<{ lastAck: number; lines: string[]; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'bash',
      ['-c', `ulimit -f ${fileSizeLimitKib} && exec "$0" "$@"`, process.execPath, '--import', 'tsx', writer, dir, 'until-error'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let lastAck = -1;
    const lines: string[] = [];
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('ack ')) lastAck = Number(line.slice(4));
      else lines.push(line);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ lastAck, lines, code }));
  });
}

async function assertCleanRecovery(dir: string, lastAck: number): Promise<void> {
  const logger = recordingLogger();
  const storage = await openServerStorage(dir, { logger });
  try {
    assert.deepEqual(logger.warnings, [], 'the failed write was cut off: no torn tail to repair');
    assert.equal(storage.commitLog.lastCommitId, lastAck, 'exactly the acknowledged operations survived');
    const expected = expectedState(lastAck);
    assert.equal(storage.keys.size, expected.records.size);
    for (const [key, record] of expected.records) assert.deepEqual(storage.keys.get(key), record);
  } finally {
    await storage.close();
  }
}

async function fileSizeLimitScenario(dir: string): Promise<void> {
  const run = await runUntilError(dir, 2048);
  assert.equal(run.code, 0, run.lines.join('\n'));
  assert.ok(run.lastAck > 100, 'plenty was written before the limit');
  assert.deepEqual(run.lines.slice(1), ['error ERR_ATAGENT_STORAGE_WRITE EFBIG keys', 'closed']);
  await assertCleanRecovery(dir, run.lastAck);
}

/**
 * Mounts a tmpfs of `size` on a fresh directory, unmounted and removed when the test ends
 * (the test must have closed every file on it by then); undefined where mounting is not
 * allowed.
 */
function mountTinyFilesystem(t: TestContext, size: string): string | undefined {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'atagent-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', base], { stdio: 'ignore' });
  } catch {
    fs.rmSync(base, { recursive: true, force: true });
    return undefined;
  }
  t.after(() => {
    // Lazy: a store a failed assertion left open must not keep the mount (and the test) alive.
    execFileSync('umount', ['-l', base]);
    fs.rmSync(base, { recursive: true, force: true });
  });
  return base;
}

describe('storage write errors', () => {
  test('a file-size limit (EFBIG) fails the write cleanly; acknowledged writes all reopen', async (t) => {
    await fileSizeLimitScenario(tempDir(t));
  });

  test('a full disk (ENOSPC) fails writes and compaction cleanly; after space is freed the store carries on', async (t) => {
    const mountPoint = mountTinyFilesystem(t, '1m');
    if (mountPoint === undefined) {
      // Not allowed to mount here: the file-size limit is the write error we can cause.
      await fileSizeLimitScenario(tempDir(t));
      return;
    }
    const filler = path.join(mountPoint, 'filler');
    fs.writeFileSync(filler, Buffer.alloc(640 * 1024));
    const dir = path.join(mountPoint, 'store');
    const store = await DurableStore.open(dir, 'db', { tables: ['rows'], autoCompact: false });
    let acknowledged = 0;
    let failure: unknown;
    try {
      for (;;) {
        store.put('rows', `k${acknowledged}`, 'v'.repeat(3000));
        acknowledged++;
      }
    } catch (error) {
      failure = error;
    }
    assert.ok(failure instanceof StorageWriteError, String(failure));
    assert.equal(failure.errno, 'ENOSPC');
    assert.equal(failure.code, 'ERR_ATAGENT_STORAGE_WRITE');
    assert.equal(store.table('rows').size, acknowledged, 'the failed row is not in memory');
    assert.ok(acknowledged > 50);

    store.put('rows', 'k0', 'small overwrite fits in what is left');
    await assert.rejects(store.compact(), StorageWriteError, 'no room for a snapshot');
    assert.deepEqual(
      fs.readdirSync(dir).filter((name) => name.includes('snapshot')),
      [],
      'the failed snapshot left nothing behind',
    );
    await store.flush();

    fs.rmSync(filler);
    store.put('rows', `k${acknowledged}`, 'v'.repeat(3000));
    await store.compact();
    await store.close();

    const logger = recordingLogger();
    const reopened = await DurableStore.open(dir, 'db', { tables: ['rows'], logger });
    try {
      assert.deepEqual(logger.warnings, []);
      assert.equal(reopened.table('rows').size, acknowledged + 1);
      assert.equal(reopened.get('rows', 'k0'), 'small overwrite fits in what is left');
    } finally {
      await reopened.close();
    }
  });
});
