import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  openServerStorage,
  NOT_COMMITTED,
  StorageValueError,
  type CommitOperation,
  type KeyRecord,
} from '../../../../agent/src/server/storage/index.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const record = (value: string, version = 0): KeyRecord => ({ value, metadata: { version, isEncrypted: true } });

describe('key store and commit log', () => {
  test('commit ids start at 0, increase by one, and only the latest entry per key is kept', async (t) => {
    const storage = await openServerStorage(tempDir(t));
    t.after(() => storage.close());
    const { keys, commitLog } = storage;
    assert.equal(commitLog.lastCommitId, -1);
    assert.deepEqual(commitLog.since(-1), []);

    assert.equal(keys.put('phone@alice', record('1'), '*'), 0);
    assert.equal(keys.put('public:location@alice', record('here'), '+'), 1);
    assert.equal(keys.put('phone@alice', record('2', 1), '#'), 2);
    assert.equal(keys.put('privatekey:at_secret', record('s')), NOT_COMMITTED, 'not committed when no operation is given');
    assert.equal(keys.delete('public:location@alice'), 3);
    assert.equal(keys.delete('never-existed@alice'), 4, 'a delete of a missing key is still committed');
    assert.equal(keys.delete('privatekey:at_secret', false), NOT_COMMITTED);

    assert.equal(commitLog.lastCommitId, 4);
    assert.equal(commitLog.size, 3);
    assert.deepEqual(
      commitLog.since(-1).map(({ commitId, atKey, operation }) => [commitId, atKey, operation]),
      [
        [2, 'phone@alice', '#'],
        [3, 'public:location@alice', '-'],
        [4, 'never-existed@alice', '-'],
      ],
    );
    assert.deepEqual(commitLog.since(2).map((e) => e.commitId), [3, 4]);
    assert.deepEqual(commitLog.since(-1, 2).map((e) => e.commitId), [2, 3]);
    assert.deepEqual(commitLog.since(-1, 1, (e) => e.operation === '-').map((e) => e.commitId), [3], 'filter before limit');
    assert.equal(commitLog.latestFor('phone@alice')?.commitId, 2);
    assert.ok(Math.abs(commitLog.latestFor('phone@alice')!.opTime - Date.now()) < 60_000);
    assert.deepEqual(keys.get('phone@alice'), record('2', 1));
    assert.equal(keys.has('privatekey:at_secret'), false);
    assert.equal(commitLog.append('@bob:x@alice', '*').commitId, 5);
  });

  test('a batch commits atomically with one id per committed change', async (t) => {
    const storage = await openServerStorage(tempDir(t));
    t.after(() => storage.close());
    const ids = storage.keys.batch([
      { key: 'shared_key.bob@alice', record: record('old'), commit: '*' },
      { key: 'local:x@alice', record: record('x') },
      { key: 'shared_key.bob@alice', delete: true },
      { key: 'shared_key.bob.until.1@alice', record: record('old'), commit: '*' },
    ]);
    assert.deepEqual(ids, [0, NOT_COMMITTED, 1, 2]);
    assert.deepEqual([...storage.commitLog.entries()].map((e) => [e.commitId, e.atKey]), [
      [1, 'shared_key.bob@alice'],
      [2, 'shared_key.bob.until.1@alice'],
    ]);
    assert.throws(
      () => storage.keys.put('k', record('v'), 'x' as CommitOperation),
      StorageValueError,
    );
    assert.equal(storage.keys.has('k'), false);
    assert.equal(storage.commitLog.lastCommitId, 2);
  });

  test('records, commit order and the next commit id survive a restart and a compaction', async (t) => {
    const dir = tempDir(t);
    let storage = await openServerStorage(dir);
    for (let i = 0; i < 300; i++) storage.keys.put(`k${i % 40}@alice`, record(`v${i}`, i), i % 3 === 0 ? '*' : '+');
    storage.keys.delete('k7@alice');
    const before = [...storage.commitLog.entries()];
    await storage.close();

    storage = await openServerStorage(dir);
    assert.deepEqual([...storage.commitLog.entries()], before);
    assert.equal(storage.keys.put('new@alice', record('n'), '*'), 301);
    await storage.compact();
    await storage.close();

    storage = await openServerStorage(dir);
    t.after(() => storage.close());
    assert.equal(storage.commitLog.lastCommitId, 301);
    assert.deepEqual(storage.commitLog.since(299).map((e) => e.atKey), ['k7@alice', 'new@alice']);
    assert.deepEqual(storage.keys.get('k19@alice'), record('v299', 299));
    assert.deepEqual(storage.keys.get('k39@alice'), record('v279', 279));
    assert.equal(storage.keys.size, 40);
  });

  test('matches a simple model under random operations and restarts', async (t) => {
    const dir = tempDir(t);
    const key = fc.constantFrom('a@me', 'b@me', '@bob:c@me', 'public:d@me', 'e🛠@me');
    const op = fc.oneof(
      fc.record({ kind: fc.constant('put' as const), key, value: fc.string(), commit: fc.constantFrom<CommitOperation | null>('+', '#', '*', null) }),
      fc.record({ kind: fc.constant('delete' as const), key, commit: fc.boolean() }),
      fc.record({ kind: fc.constant('reopen' as const) }),
      fc.record({ kind: fc.constant('compact' as const) }),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const runDir = `${dir}/run${run++}`;
        let storage = await openServerStorage(runDir, { compactMinLogBytes: 512 });
        const records = new Map<string, KeyRecord>();
        const commits = new Map<string, number>();
        let nextId = 0;
        try {
          for (const step of ops) {
            if (step.kind === 'reopen') {
              await storage.close();
              storage = await openServerStorage(runDir, { compactMinLogBytes: 512 });
            } else if (step.kind === 'compact') {
              await storage.compact();
            } else if (step.kind === 'put') {
              const id = storage.keys.put(step.key, record(step.value), step.commit);
              records.set(step.key, record(step.value));
              if (step.commit) commits.set(step.key, nextId++);
              assert.equal(id, step.commit ? nextId - 1 : NOT_COMMITTED);
            } else {
              storage.keys.delete(step.key, step.commit);
              records.delete(step.key);
              if (step.commit) commits.set(step.key, nextId++);
            }
          }
          assert.deepEqual(new Map(storage.keys.entries()), records);
          const entries = [...storage.commitLog.entries()];
          assert.deepEqual(new Map(entries.map((e) => [e.atKey, e.commitId])), commits);
          assert.deepEqual(entries.map((e) => e.commitId), [...commits.values()].sort((a, b) => a - b));
          assert.equal(storage.commitLog.lastCommitId, nextId - 1);
        } finally {
          await storage.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('notification store', () => {
  interface Note {
    readonly id: string;
    readonly expiresAt: number;
    readonly status: string;
    readonly to: string;
  }

  test('put, get, update, list, delete and removeExpired, across a restart', async (t) => {
    const dir = tempDir(t);
    let storage = await openServerStorage<KeyRecord, Note>(dir);
    const now = Date.now();
    storage.notifications.put({ id: 'n1', expiresAt: now + 60_000, status: 'queued', to: '@bob' });
    storage.notifications.put({ id: 'n2', expiresAt: now - 1, status: 'queued', to: '@bob' });
    storage.notifications.put({ id: 'n3', expiresAt: now + 60_000, status: 'queued', to: '@eve' });
    assert.equal(storage.notifications.update('n1', { status: 'delivered' })?.status, 'delivered');
    assert.equal(storage.notifications.update('n3', (n) => ({ ...n, status: 'errored' }))?.status, 'errored');
    assert.equal(storage.notifications.update('missing', { status: 'x' }), undefined);
    assert.throws(() => storage.notifications.update('n1', { id: 'other' }), StorageValueError);
    assert.throws(() => storage.notifications.put({ id: '', expiresAt: 0, status: '', to: '' }), StorageValueError);
    assert.equal(storage.commitLog.lastCommitId, -1, 'notifications are not in the commit log');
    await storage.close();

    storage = await openServerStorage<KeyRecord, Note>(dir);
    t.after(() => storage.close());
    assert.deepEqual(storage.notifications.list().map((n) => [n.id, n.status]), [
      ['n1', 'delivered'],
      ['n2', 'queued'],
      ['n3', 'errored'],
    ]);
    assert.deepEqual(storage.notifications.list((n) => n.to === '@eve').map((n) => n.id), ['n3']);
    assert.equal(storage.notifications.removeExpired(now), 1);
    assert.equal(storage.notifications.has('n2'), false);
    assert.equal(storage.notifications.delete('n3'), true);
    assert.equal(storage.notifications.delete('n3'), false);
    assert.equal(storage.notifications.size, 1);
    assert.equal(storage.notifications.removeExpired(now + 120_000), 1);
    assert.equal(storage.notifications.size, 0);
  });
});
