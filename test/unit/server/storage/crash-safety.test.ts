/**
 * The storage engine under real crashes: a child process runs a deterministic workload
 * and is killed with SIGKILL mid-stream or at each step of a compaction; the test then
 * reopens the files and checks that every acknowledged write is there, and that the state
 * is exactly "operations 0..M" for some M at or after the last acknowledgement (nothing
 * half-applied, nothing out of order).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openServerStorage } from '../../../../agent/src/server/storage/index.js';
import { expectedState, notificationFor } from './child/workload.js';
import { logFiles, recordingLogger } from './helpers.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const writer = fileURLToPath(new URL('./child/storage-writer.ts', import.meta.url));

interface ChildRun {
  lastAck: number;
  acked: number[];
  lines: string[];
  signal: NodeJS.Signals | null;
  code: number | null;
}

/** Runs the writer child; `killAfterAcks` SIGKILLs it once it has acknowledged that many writes. */
function runWriter(dir: string, mode: string, killAfterAcks?: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dir, mode], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const run: ChildRun = { lastAck: -1, acked: [], lines: [], signal: null, code: null };
    let acks = 0;
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('ack ')) {
        run.lastAck = Number(line.slice(4));
        run.acked.push(run.lastAck);
        acks++;
        // A safety net for a compaction step that never comes: fail instead of hanging.
        if (acks === (killAfterAcks ?? 50_000)) child.kill('SIGKILL');
      } else {
        run.lines.push(line);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ ...run, code, signal }));
  });
}

/**
 * Reopens the storage and checks it holds exactly operations 0..M with M >= lastAck, and
 * the notification of every acknowledged operation in `acked`.
 */
async function assertRecovered(dir: string, lastAck: number, acked: Iterable<number>): Promise<number> {
  const logger = recordingLogger();
  const storage = await openServerStorage(dir, { logger });
  try {
    const last = storage.commitLog.lastCommitId;
    assert.ok(last >= lastAck, `acknowledged up to ${lastAck} but only ${last} survived`);
    const expected = expectedState(last);
    assert.equal(storage.keys.size, expected.records.size);
    for (const [key, record] of expected.records) assert.deepEqual(storage.keys.get(key), record, key);
    assert.deepEqual(
      new Map([...storage.commitLog.entries()].map((entry) => [entry.atKey, entry.commitId])),
      expected.commits,
    );
    for (const i of acked) {
      const notification = notificationFor(i);
      if (notification) assert.deepEqual(storage.notifications.get(notification.id), notification);
    }
    for (const stored of storage.notifications.list()) assert.ok((stored['op'] as number) <= last);
    // At most one interrupted write per store can have been cut off.
    assert.ok(logger.warnings.length <= 2, logger.warnings.join('\n'));
    for (const warning of logger.warnings) assert.match(warning, /incomplete record/);
    return last;
  } finally {
    await storage.close();
  }
}

describe('storage crash safety (child processes killed with SIGKILL)', () => {
  test('every acknowledged write survives repeated kill -9 mid-stream', async (t) => {
    const dir = tempDir(t);
    let lastAck = -1;
    const acked: number[] = [];
    for (const killAfter of [150, 900, 40, 2500, 600]) {
      const run = await runWriter(dir, 'stream', killAfter);
      assert.equal(run.signal, 'SIGKILL');
      assert.ok(run.lastAck > lastAck, 'each round continued the workload');
      acked.push(...run.acked);
      lastAck = await assertRecovered(dir, run.lastAck, acked);
    }
  });

  for (const step of ['log-rotated', 'snapshot-written', 'snapshot-renamed', 'old-logs-removed', 'any']) {
    test(`a kill during compaction (${step === 'any' ? 'while writing the snapshot' : `after ${step}`}) loses nothing`, async (t) => {
      const dir = tempDir(t);
      const run = await runWriter(dir, `compact:${step}`);
      assert.equal(run.signal, 'SIGKILL');
      assert.ok(run.lastAck >= 1500, 'the compaction started after the first writes');
      assert.ok(!run.lines.some((line) => line.startsWith('error')), run.lines.join('\n'));
      const last = await assertRecovered(dir, run.lastAck, run.acked);
      assert.equal(fs.existsSync(path.join(dir, 'keystore.snapshot.tmp')), false);

      // The recovered store compacts, reopens and carries on normally.
      const storage = await openServerStorage(dir);
      await storage.compact();
      await storage.close();
      assert.deepEqual(logFiles(dir, 'keystore').length, 1);
      const next = await runWriter(dir, 'stream', 100);
      assert.ok(next.lastAck > last);
      await assertRecovered(dir, next.lastAck, [...run.acked, ...next.acked]);
    });
  }
});
