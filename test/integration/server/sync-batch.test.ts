/**
 * `sync:from` paging (server.md §8) and `batch` (protocol.md §7.24) on a live server: at most
 * 25 entries per page, ascending, the latest entry per key with its current value, deletes
 * with nulls, the ~5 MB cut (never an empty page while entries remain), the regex with the
 * keys every client needs; batch answers per command and refuses what cannot run in it.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { LineClient } from '../../helpers/line-client.js';
import { lastCommitId, startTestPlatform, type TestPlatform } from '../../helpers/platform.js';

const ME = '@alice🛠';

interface Entry {
  atKey: string;
  value: string | null;
  metadata: Record<string, string> | null;
  commitId: number;
  operation: string;
}

describe('sync:from and batch', () => {
  let env: TestPlatform;
  let owner: LineClient;

  before(async () => {
    env = await startTestPlatform(null, { demo: [ME], tuning: { notifications: { autoNotify: false } } });
    owner = await env.pkamClient(ME);
  });
  after(() => env.close());

  async function page(from: number, regex?: string): Promise<Entry[]> {
    return JSON.parse(await owner.data(`sync:from:${from}:limit:100${regex === undefined ? '' : `:${regex}`}`)) as Entry[];
  }

  async function everything(from: number, regex?: string): Promise<Entry[]> {
    const all: Entry[] = [];
    for (let next = from; ; ) {
      const entries = await page(next, regex);
      if (entries.length === 0) return all;
      assert.ok(entries.length <= 25);
      all.push(...entries);
      next = entries[entries.length - 1]!.commitId;
    }
  }

  test('pages of at most 25, ascending, latest entry per key, current values, deletes with nulls', async () => {
    const start = await lastCommitId(owner);
    for (let i = 0; i < 60; i++) await owner.data(`update:item${i}.sync${ME} v${i}`);
    await owner.data(`update:item0.sync${ME} changed`);
    await owner.data(`delete:item1.sync${ME}`);
    const first = await page(start);
    assert.equal(first.length, 25);
    const all = await everything(start);
    const ids = all.map((entry) => entry.commitId);
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
    assert.equal(new Set(all.map((entry) => entry.atKey)).size, all.length, 'one entry per key');
    const item0 = all.find((entry) => entry.atKey === `item0.sync${ME}`);
    assert.deepEqual([item0?.value, item0?.operation], ['changed', '+']);
    assert.equal(item0?.metadata?.['version'], '1');
    const item1 = all.find((entry) => entry.atKey === `item1.sync${ME}`);
    assert.deepEqual([item1?.value, item1?.metadata, item1?.operation], [null, null, '-']);
    assert.equal(all.length, 60);
  });

  test('the regex filters keys but keeps shared keys, the public key and namespace-less public keys', async () => {
    await owner.data(`update:@bob🛠:shared_key${ME} c2s=`);
    await owner.data(`update:shared_key.bob🛠${ME} c2s=`);
    await owner.data(`update:public:nonamespace${ME} v`);
    await owner.data(`update:public:other.ns${ME} v`);
    const keys = (await everything(-1, '\\.wavi')).map((entry) => entry.atKey);
    for (const key of [`@bob🛠:shared_key${ME}`, `shared_key.bob🛠${ME}`, `public:publickey${ME}`, `public:nonamespace${ME}`]) {
      assert.ok(keys.includes(key), key);
    }
    assert.ok(!keys.includes(`public:other.ns${ME}`));
    assert.ok(!keys.some((key) => key.includes('.sync')));
  });

  test('a page is cut at ~5 MB but always holds at least one entry', async () => {
    const start = await lastCommitId(owner);
    const big = 'x'.repeat(3 * 1024 * 1024);
    for (let i = 0; i < 3; i++) await owner.data(`update:big${i}.sync${ME} ${big}`);
    const sizes = [];
    for (let next = start; ; ) {
      const entries = await page(next);
      if (entries.length === 0) break;
      sizes.push(entries.length);
      next = entries[entries.length - 1]!.commitId;
    }
    assert.deepEqual(sizes, [1, 1, 1]);
  });

  test('batch: each command answered by id, errors in place, session-changing verbs refused', async () => {
    const requests = [
      { id: 1, command: `update:batch1${ME} one` },
      { id: 2, command: `llookup:batch1${ME}` },
      { id: 'three', command: `update:public:x@someoneelse v` },
      { id: 4, command: 'lokup:nothing' },
      { id: 5, command: `from:${ME}` },
      { id: 6, command: 'batch:[]' },
      { id: 7, command: `delete:batch1${ME}` },
    ];
    const results = JSON.parse(await owner.data(`batch:${JSON.stringify(requests)}`)) as { id: unknown; response: Record<string, string> }[];
    assert.deepEqual(results.map((result) => result.id), [1, 2, 'three', 4, 5, 6, 7]);
    assert.match(results[0]?.response['data'] ?? '', /^\d+$/);
    assert.equal(results[1]?.response['data'], 'one');
    assert.equal(results[2]?.response['error_code'], 'AT0016');
    assert.equal(results[3]?.response['error_code'], 'AT0003');
    assert.equal(results[4]?.response['error_code'], 'AT0003');
    assert.equal(results[5]?.response['error_code'], 'AT0003');
    assert.match(results[6]?.response['data'] ?? '', /^\d+$/);
    assert.match((await owner.send('batch:{"not":"an array"}')).line, /^error:AT0003-/);
  });
});
