import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  DurableStore,
  StorageClosedError,
  StorageCorruptError,
  StorageLockedError,
  StorageValueError,
  type CompactionStep,
} from '../../../../agent/src/server/storage/index.js';
import { encodeRecord } from '../../../../agent/src/server/storage/record-format.js';
import { logFiles, recordingLogger } from './helpers.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const tables = ['rows', 'other'];

describe('DurableStore', () => {
  test('stores, overwrites and deletes rows, and finds them again after a restart', async (t) => {
    const dir = tempDir(t);
    const store = await DurableStore.open(dir, 'db', { tables });
    store.put('rows', 'a', { value: 'A', metadata: { n: 1 } });
    store.put('rows', 'b', 'B');
    store.put('other', 'a', [1, 2, 3]);
    store.put('rows', 'a', { value: 'A2', metadata: { n: 2 } });
    store.delete('rows', 'b');
    store.delete('rows', 'never-there');
    assert.deepEqual(store.get('rows', 'a'), { value: 'A2', metadata: { n: 2 } });
    assert.equal(store.get('rows', 'b'), undefined);
    await store.close();

    const reopened = await DurableStore.open(dir, 'db', { tables });
    t.after(() => reopened.close());
    assert.deepEqual([...reopened.table('rows')], [['a', { value: 'A2', metadata: { n: 2 } }]]);
    assert.deepEqual(reopened.get('other', 'a'), [1, 2, 3]);
  });

  test('a batch is applied atomically, and emoji keys and values survive', async (t) => {
    const dir = tempDir(t);
    const store = await DurableStore.open(dir, 'db', { tables });
    store.write([
      { table: 'rows', key: '@bob🛠:message.demo@alice🛠', value: 'héllo 🦄' },
      { table: 'other', key: 'x', value: null },
      { table: 'rows', key: 'gone', value: 1 },
      { table: 'rows', key: 'gone', delete: true },
    ]);
    assert.throws(
      () => store.write([{ table: 'rows', key: 'k', value: 1 }, { table: 'nope', key: 'k', value: 1 }]),
      StorageValueError,
    );
    assert.equal(store.get('rows', 'k'), undefined, 'a rejected batch changes nothing');
    await store.close();
    const reopened = await DurableStore.open(dir, 'db', { tables });
    t.after(() => reopened.close());
    assert.equal(reopened.get('rows', '@bob🛠:message.demo@alice🛠'), 'héllo 🦄');
    assert.equal(reopened.get('other', 'x'), null);
    assert.equal(reopened.table('rows').has('gone'), false);
    assert.equal(reopened.table('rows').has('k'), false);
  });

  test('values come back as their frozen JSON round trip, and non-JSON values are refused', async (t) => {
    const dir = tempDir(t);
    const store = await DurableStore.open(dir, 'db', { tables });
    t.after(() => store.close());
    const original = { when: new Date(0), missing: undefined, nested: { list: [1] } };
    store.put('rows', 'k', original);
    const stored = store.get('rows', 'k') as { when: string; nested: { list: number[] } };
    assert.deepEqual(stored, { when: '1970-01-01T00:00:00.000Z', nested: { list: [1] } });
    assert.throws(() => stored.nested.list.push(2), TypeError);
    original.nested.list.push(2);
    assert.deepEqual((store.get('rows', 'k') as typeof stored).nested.list, [1], 'the caller keeps its own object');

    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    for (const bad of [undefined, () => 1, 10n, cyclic]) {
      assert.throws(() => store.put('rows', 'bad', bad), StorageValueError);
    }
    assert.equal(store.table('rows').has('bad'), false);
  });

  test('a second open of the same store is refused while the first is open, allowed after close', async (t) => {
    const dir = tempDir(t);
    const store = await DurableStore.open(dir, 'db', { tables });
    await assert.rejects(DurableStore.open(dir, 'db', { tables }), (error: unknown) => {
      assert.ok(error instanceof StorageLockedError);
      assert.equal(error.holderPid, process.pid);
      return true;
    });
    await store.close();
    const again = await DurableStore.open(dir, 'db', { tables });
    await again.close();
  });

  test('a lock left by a dead process or an earlier boot is taken over', async (t) => {
    const dir = tempDir(t);
    // No process has pid 2^22+1 (above Linux's pid_max limit).
    fs.writeFileSync(path.join(dir, 'db.lock'), `4194305 -\n`);
    const store = await DurableStore.open(dir, 'db', { tables });
    await store.close();
    // Our parent is alive, but the lock claims a boot that is not this one.
    fs.writeFileSync(path.join(dir, 'db.lock'), `${process.ppid} 00000000-0000-0000-0000-000000000000\n`);
    const after = await DurableStore.open(dir, 'db', { tables });
    await after.close();
  });

  test('writes after close are refused with a typed error', async (t) => {
    const store = await DurableStore.open(tempDir(t), 'db', { tables });
    await store.close();
    assert.throws(() => store.put('rows', 'k', 1), StorageClosedError);
    await assert.rejects(store.flush(), StorageClosedError);
  });

  test('an interrupted final write is cut off with one warning and everything before it kept', async (t) => {
    const dir = tempDir(t);
    const store = await DurableStore.open(dir, 'db', { tables, syncIntervalMs: 0 });
    for (let i = 0; i < 10; i++) store.put('rows', `k${i}`, i);
    await store.close();
    const [log] = logFiles(dir, 'db');
    const logPath = path.join(dir, log!);
    const goodSize = fs.statSync(logPath).size;
    const torn = encodeRecord(JSON.stringify([['rows', 'k10', 10]]));
    fs.appendFileSync(logPath, torn.subarray(0, torn.length - 3));

    const logger = recordingLogger();
    const reopened = await DurableStore.open(dir, 'db', { tables, logger });
    assert.equal(logger.warnings.length, 1);
    assert.match(logger.warnings[0]!, /incomplete record at offset \d+/);
    assert.ok(logger.warnings[0]!.includes(logPath));
    assert.equal(reopened.table('rows').size, 10);
    assert.equal(fs.statSync(logPath).size, goodSize, 'the torn bytes were cut off');
    reopened.put('rows', 'k10', 'after');
    await reopened.close();

    const logger2 = recordingLogger();
    const third = await DurableStore.open(dir, 'db', { tables, logger: logger2 });
    t.after(() => third.close());
    assert.deepEqual(logger2.warnings, [], 'the repaired log is clean');
    assert.equal(third.get('rows', 'k10'), 'after');
  });

  test('damage in the middle of a log refuses to open, naming the file and offset', async (t) => {
    const dir = tempDir(t);
    const store = await DurableStore.open(dir, 'db', { tables });
    for (let i = 0; i < 5; i++) store.put('rows', `k${i}`, `value-${i}`);
    await store.close();
    const logPath = path.join(dir, logFiles(dir, 'db')[0]!);
    const bytes = fs.readFileSync(logPath);
    const offset = bytes.indexOf('value-2');
    bytes[offset]! ^= 0x20;
    fs.writeFileSync(logPath, bytes);
    const before = Buffer.from(bytes);

    await assert.rejects(DurableStore.open(dir, 'db', { tables }), (error: unknown) => {
      assert.ok(error instanceof StorageCorruptError);
      assert.equal(error.file, logPath);
      assert.ok(error.offset > 0 && error.offset < offset);
      assert.ok(error.message.includes(logPath) && error.message.includes(String(error.offset)));
      return true;
    });
    assert.deepEqual(fs.readFileSync(logPath), before, 'a refused open changes nothing on disk');
    assert.equal(fs.existsSync(path.join(dir, 'db.lock')), false, 'a refused open releases the lock');

    const logger = recordingLogger();
    const recovered = await DurableStore.open(dir, 'db', { tables, logger, truncateAtCorruption: true });
    t.after(() => recovered.close());
    assert.deepEqual([...recovered.table('rows').keys()], ['k0', 'k1']);
    assert.equal(logger.warnings.length, 1);
    assert.match(logger.warnings[0]!, /truncateAtCorruption/);
  });

  test('compaction keeps every row, shrinks the files and replays the same state', async (t) => {
    const dir = tempDir(t);
    const steps: CompactionStep[] = [];
    const store = await DurableStore.open(dir, 'db', { tables, autoCompact: false, onCompactionStep: (s) => steps.push(s) });
    for (let i = 0; i < 2000; i++) store.put('rows', `k${i % 100}`, { i, pad: 'p'.repeat(100) });
    store.put('other', 'x', 'y');
    store.delete('rows', 'k5');
    const before = new Map(store.table('rows'));
    const logBefore = store.stats.logBytes;
    await store.compact();
    assert.deepEqual(steps, ['log-rotated', 'snapshot-written', 'snapshot-renamed', 'old-logs-removed']);
    assert.deepEqual(logFiles(dir, 'db'), ['db.1.log']);
    assert.ok(store.stats.snapshotBytes < logBefore / 5);
    store.put('rows', 'after', 1);
    await store.close();

    const reopened = await DurableStore.open(dir, 'db', { tables });
    t.after(() => reopened.close());
    assert.equal(reopened.get('rows', 'after'), 1);
    const rows = new Map(reopened.table('rows'));
    rows.delete('after');
    assert.deepEqual(rows, before);
    assert.equal(reopened.get('other', 'x'), 'y');
  });

  test('compaction starts on its own once the log outgrows the thresholds, and writes go on meanwhile', async (t) => {
    const dir = tempDir(t);
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const store = await DurableStore.open(dir, 'db', {
      tables,
      compactMinLogBytes: 64 * 1024,
      onCompactionStep: (step) => step === 'old-logs-removed' && done(),
    });
    t.after(() => store.close());
    let i = 0;
    while (!store.stats.compacting) store.put('rows', `k${i++ % 10}`, 'v'.repeat(200));
    assert.ok(store.stats.logBytes >= 64 * 1024);
    // Keep writing while the compaction runs (these land in the old or the new log).
    for (let j = 0; j < 50; j++) store.put('rows', `late${j}`, j);
    await finished;
    assert.deepEqual(logFiles(dir, 'db'), ['db.1.log']);
    await store.close();
    const reopened = await DurableStore.open(dir, 'db', { tables });
    t.after(() => reopened.close());
    assert.equal(reopened.table('rows').size, 60);
    assert.equal(reopened.get('rows', 'late49'), 49);
  });

  test('a leftover temporary snapshot is ignored and removed', async (t) => {
    const dir = tempDir(t);
    const store = await DurableStore.open(dir, 'db', { tables });
    store.put('rows', 'k', 1);
    await store.close();
    fs.writeFileSync(path.join(dir, 'db.snapshot.tmp'), 'half a snapshot');
    const reopened = await DurableStore.open(dir, 'db', { tables });
    t.after(() => reopened.close());
    assert.equal(reopened.get('rows', 'k'), 1);
    assert.equal(fs.existsSync(path.join(dir, 'db.snapshot.tmp')), false);
  });

  test('a damaged snapshot or a missing log generation refuses to open', async (t) => {
    const dir = tempDir(t);
    const store = await DurableStore.open(dir, 'db', { tables });
    store.put('rows', 'k', 'value');
    await store.compact();
    store.put('rows', 'k2', 'value2');
    await store.close();

    const snapshotPath = path.join(dir, 'db.snapshot');
    const good = fs.readFileSync(snapshotPath);
    const damaged = Buffer.from(good);
    damaged[damaged.indexOf('value')]! ^= 1;
    fs.writeFileSync(snapshotPath, damaged);
    await assert.rejects(DurableStore.open(dir, 'db', { tables }), (error: unknown) => {
      assert.ok(error instanceof StorageCorruptError);
      assert.equal(error.file, snapshotPath);
      return true;
    });
    fs.writeFileSync(snapshotPath, good.subarray(0, good.length - 5));
    await assert.rejects(DurableStore.open(dir, 'db', { tables }), StorageCorruptError);
    fs.writeFileSync(snapshotPath, good);

    fs.renameSync(path.join(dir, 'db.1.log'), path.join(dir, 'db.2.log'));
    await assert.rejects(DurableStore.open(dir, 'db', { tables }), /log generation 1 is missing/);
  });

  test('a log of another store or an unknown table refuses to open', async (t) => {
    const dir = tempDir(t);
    const store = await DurableStore.open(dir, 'db', { tables });
    store.put('other', 'k', 1);
    await store.close();
    await assert.rejects(DurableStore.open(dir, 'db', { tables: ['rows'] }), /unknown table "other"/);
    fs.renameSync(path.join(dir, 'db.0.log'), path.join(dir, 'elsewhere.0.log'));
    await assert.rejects(DurableStore.open(dir, 'elsewhere', { tables }), /not log generation 0 of store "elsewhere"/);
  });

  test('flush() and syncIntervalMs 0 both leave nothing waiting for fdatasync', async (t) => {
    const dir = tempDir(t);
    const grouped = await DurableStore.open(dir, 'grouped', { tables, syncIntervalMs: 10_000 });
    for (let i = 0; i < 100; i++) grouped.put('rows', `k${i}`, i);
    await grouped.flush();
    await grouped.close();
    const eager = await DurableStore.open(dir, 'eager', { tables, syncIntervalMs: 0 });
    eager.put('rows', 'k', 1);
    await eager.close();
    const again = await DurableStore.open(dir, 'grouped', { tables });
    t.after(() => again.close());
    assert.equal(again.table('rows').size, 100);
  });

  test('invalid options are refused', async (t) => {
    const dir = tempDir(t);
    await assert.rejects(DurableStore.open(dir, '../escape', { tables }), StorageValueError);
    await assert.rejects(DurableStore.open(dir, 'db', { tables: [] }), StorageValueError);
    await assert.rejects(DurableStore.open(dir, 'db', { tables: ['a', 'a'] }), StorageValueError);
    await assert.rejects(DurableStore.open(dir, 'db', { tables, syncIntervalMs: -1 }), StorageValueError);
  });
});
