/**
 * Key-store semantics over the wire (server.md §4): ttl/ttb/ttr/ccd and their dates, updates
 * extending life, metadata merging (absent keeps, `null` clears), versions, commit-log
 * operations, the expiry job, and CRAM staying disabled after at_secret is deleted. Time is a
 * manual clock the test moves.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../agent/src/server/index.js';
import { parseAtDate } from '../../../agent/src/protocol/index.js';
import type { LineClient } from '../../helpers/line-client.js';
import { lastCommitId, startTestPlatform, type TestPlatform } from '../../helpers/platform.js';

const ME = '@alice🛠';

type Json = Record<string, unknown>;

describe('key semantics', () => {
  const clock = new ManualClock(Date.parse('2030-01-01T00:00:00Z'));
  let env: TestPlatform;
  let owner: LineClient;

  before(async () => {
    env = await startTestPlatform(null, { demo: [ME], tuning: { clock } });
    owner = await env.pkamClient(ME);
  });
  after(() => env.close());

  async function meta(key: string): Promise<Json> {
    return JSON.parse(await owner.data(`llookup:meta:${key}`)) as Json;
  }

  function dateOf(json: Json, field: string): number | undefined {
    const text = json[field];
    return typeof text === 'string' ? parseAtDate(text)?.getTime() : undefined;
  }

  async function lastSync(key: string): Promise<Json | undefined> {
    const entries = JSON.parse(await owner.data('sync:from:-1:limit:25')) as Json[];
    let all = entries;
    // Page through to the end.
    while (entries.length > 0 && all.length % 25 === 0) {
      const next = JSON.parse(await owner.data(`sync:from:${String(all[all.length - 1]?.['commitId'])}:limit:25`)) as Json[];
      if (next.length === 0) break;
      all = [...all, ...next];
    }
    return all.find((entry) => entry['atKey'] === key);
  }

  test('ttl: expiresAt = now + ttl; inactive after it; the expiry job deletes it (committed)', async () => {
    const key = `ttl.test${ME}`;
    await owner.data(`update:ttl:1000:${key} soon gone`);
    const m = await meta(key);
    assert.equal(m['ttl'], 1000);
    assert.equal(dateOf(m, 'expiresAt'), clock.now() + 1000);
    clock.advance(1001);
    assert.equal(await owner.data(`llookup:${key}`), 'null');
    assert.ok(!(JSON.parse(await owner.data('scan ttl.test')) as string[]).includes(key));
    assert.ok((env.platform.server(ME)?.removeExpiredKeys() ?? 0) >= 1);
    assert.match((await owner.send(`llookup:${key}`)).line, /^error:AT0015-/);
    assert.equal((await lastSync(key))?.['operation'], '-');
  });

  test('the periodic expiry job runs on its own', async (t) => {
    const jobClock = new ManualClock();
    const quick = await startTestPlatform(t, { demo: [ME], tuning: { clock: jobClock, timings: { expiryJobIntervalMs: 10 } } });
    const client = await quick.pkamClient(ME);
    await client.data(`update:ttl:50:job${ME} x`);
    jobClock.advance(51);
    // Poll the server's state: the job deletes the key within a few intervals.
    while (!(await client.send(`llookup:job${ME}`)).line.startsWith('error:AT0015')) await client.data('noop:5');
  });

  test('updates without ttl keep the stored ttl and extend life from now; ttl:0 clears', async () => {
    const key = `extend${ME}`;
    await owner.data(`update:ttl:1000:${key} v1`);
    clock.advance(600);
    await owner.data(`update:${key} v2`);
    clock.advance(600);
    assert.equal(await owner.data(`llookup:${key}`), 'v2');
    assert.equal(dateOf(await meta(key), 'expiresAt'), clock.now() - 600 + 1000);
    await owner.data(`update:ttl:0:${key} v3`);
    const m = await meta(key);
    assert.equal(m['ttl'], 0);
    assert.equal(m['expiresAt'], undefined);
  });

  test('ttb: unborn until availableAt; with ttl, expiresAt counts from birth', async () => {
    const key = `born${ME}`;
    await owner.data(`update:ttl:500:ttb:1000:${key} later`);
    // An unborn key answers null to every llookup form, metadata included.
    assert.equal(await owner.data(`llookup:meta:${key}`), 'null');
    assert.equal(await owner.data(`llookup:${key}`), 'null');
    const anonymous = await env.connect(ME);
    await owner.data(`update:ttb:1000:public:born${ME} later`);
    assert.equal(await anonymous.data(`lookup:born${ME}`), 'null');
    clock.advance(1000);
    assert.equal(await owner.data(`llookup:${key}`), 'later');
    assert.equal(await anonymous.data(`lookup:born${ME}`), 'later');
    const m = await meta(key);
    assert.equal(dateOf(m, 'expiresAt'), dateOf(m, 'availableAt')! + 500);
    clock.advance(500);
    assert.equal(await owner.data(`llookup:${key}`), 'later');
    clock.advance(1);
    assert.equal(await owner.data(`llookup:${key}`), 'null');
  });

  test('negative ttl/ttb and ttr below -1 are AT0003', async () => {
    for (const options of ['ttl:-1', 'ttb:-5', 'ttr:-2']) {
      assert.match((await owner.send(`update:${options}:bad${ME} v`)).line, /^error:AT0003-/, options);
    }
    assert.match(await owner.data(`update:ttr:-1:ok${ME} v`), /^\d+$/);
  });

  test('ttr in seconds with refreshAt; ccd defaults to false, is kept alone, dropped with ttr 0', async () => {
    const key = `@bob🛠:cache.me${ME}`;
    await owner.data(`update:ttr:100:${key} v`);
    let m = await meta(key);
    assert.deepEqual([m['ttr'], m['ccd'], dateOf(m, 'refreshAt')], [100, false, clock.now() + 100_000]);
    await owner.data(`update:meta:${key}:ccd:true`);
    m = await meta(key);
    assert.deepEqual([m['ttr'], m['ccd']], [100, true]);
    await owner.data(`update:ttr:-1:${key} v`);
    m = await meta(key);
    assert.deepEqual([m['ttr'], m['ccd'], m['refreshAt']], [-1, true, undefined]);
    await owner.data(`update:ttr:0:${key} v`);
    m = await meta(key);
    assert.deepEqual([m['ttr'], m['ccd'], m['refreshAt']], [undefined, undefined, undefined]);
  });

  test('metadata merge: absent options keep, the literal null clears; version counts, createdAt stays', async () => {
    const key = `merge${ME}`;
    await owner.data(`update:isEncrypted:true:ivNonce:AAAA:${key} one`);
    const first = await meta(key);
    clock.advance(10);
    await owner.data(`update:${key} two`);
    let m = await meta(key);
    assert.deepEqual([m['isEncrypted'], m['ivNonce'], m['version']], [true, 'AAAA', 1]);
    assert.equal(m['createdAt'], first['createdAt']);
    assert.notEqual(m['updatedAt'], first['updatedAt']);
    await owner.data(`update:ivNonce:null:${key} three`);
    m = await meta(key);
    assert.deepEqual([m['ivNonce'], m['isEncrypted'], m['version']], [undefined, true, 2]);
    // Unset fields are never written as null: Java's SDK would refuse the object.
    assert.ok(!JSON.stringify(m).includes('null'));
  });

  test('commit log operations: + value, * with metadata, # update:meta, - delete; uncommitted keys', async () => {
    await owner.data(`update:plain${ME} v`);
    assert.equal((await lastSync(`plain${ME}`))?.['operation'], '+');
    await owner.data(`update:isBinary:false:withmeta${ME} v`);
    assert.equal((await lastSync(`withmeta${ME}`))?.['operation'], '*');
    await owner.data(`update:meta:plain${ME}:ttr:-1`);
    assert.equal((await lastSync(`plain${ME}`))?.['operation'], '#');
    const deleted = await owner.data(`delete:plain${ME}`);
    assert.equal((await lastSync(`plain${ME}`))?.['commitId'], Number(deleted));
    for (const key of [`public:_proof${ME}`, 'privatekey:at_pkam_privatekey']) {
      assert.equal(await owner.data(`update:json:${JSON.stringify({ atKey: key, value: 'v' })}`), '-1', key);
    }
    assert.match(await owner.data(`update:public:__shown${ME} v`), /^\d+$/);
  });

  test('update:meta of a missing key creates it with a null value; delete of a missing key commits', async () => {
    assert.match(await owner.data(`update:meta:metaonly${ME}:ttr:10`), /^\d+$/);
    assert.equal(await owner.data(`llookup:metaonly${ME}`), 'null');
    const before = await lastCommitId(owner);
    assert.equal(Number(await owner.data(`delete:never-existed${ME}`)), before + 1);
  });

  test('protected keys are AT0009; cached copies of them may go', async () => {
    for (const key of [`public:signing_publickey${ME}`, `${ME}:signing_privatekey${ME}`, `public:publickey${ME}`, `@x:publickey${ME}`]) {
      assert.match((await owner.send(`delete:${key}`)).line, /^error:AT0009-UnAuthorized client in request : Cannot delete protected key/, key);
    }
    assert.match(await owner.data('delete:cached:public:publickey@bob🛠'), /^\d+$/);
  });

  test('owner llookup reads hidden and private keys by name; scan hides them unless showHidden', async () => {
    await owner.data(`update:_secret${ME} hidden`);
    await owner.data(`update:public:__meta${ME} shown with showHidden`);
    assert.equal(await owner.data(`llookup:_secret${ME}`), 'hidden');
    const plain = JSON.parse(await owner.data('scan')) as string[];
    const hidden = JSON.parse(await owner.data('scan:showHidden:true')) as string[];
    assert.ok(!plain.includes(`_secret${ME}`) && hidden.includes(`_secret${ME}`));
    assert.ok(!plain.includes(`public:__meta${ME}`) && hidden.includes(`public:__meta${ME}`));
    assert.ok(hidden.every((key) => !key.startsWith('privatekey:') && !key.startsWith('private:') && !/^public:_[^_]/.test(key)));
  });

  test('lookup resolves atsign:// references up to 3 hops; llookup returns them as they are', async () => {
    await owner.data(`update:public:target${ME} the value`);
    await owner.data(`update:public:ref1${ME} atsign://target${ME}`);
    await owner.data(`update:public:ref2${ME} atsign://ref1${ME}`);
    await owner.data(`update:public:ref3${ME} atsign://ref2${ME}`);
    await owner.data(`update:public:ref4${ME} atsign://ref3${ME}`);
    const anonymous = await env.connect(ME);
    assert.equal(await anonymous.data(`lookup:ref1${ME}`), 'the value');
    assert.equal(await anonymous.data(`lookup:ref3${ME}`), 'the value');
    assert.equal(await anonymous.data(`lookup:ref4${ME}`), 'null');
    assert.equal(await owner.data(`llookup:public:ref1${ME}`), `atsign://target${ME}`);
    await owner.data(`update:${ME}:selfref${ME} atsign://target${ME}`);
    assert.equal(await owner.data(`lookup:selfref${ME}`), 'the value');
  });

  test('deleting privatekey:at_secret disables CRAM, also after a restart', async (t) => {
    const separate = await startTestPlatform(t, { atSigns: ['@cramgone'] });
    const secret = separate.cramSecrets.get('@cramgone') ?? '';
    const client = await separate.cramClient('@cramgone', secret);
    assert.equal(await client.data('delete:privatekey:at_secret'), '-1');
    await assert.rejects(separate.cramClient('@cramgone', secret), /cram failed: error:AT0401-Exception: Authentication Failed/);
    await separate.platform.close();
    const again = await startTestPlatform(t, { dataDir: separate.dataDir });
    await assert.rejects(again.cramClient('@cramgone', secret), /cram failed/);
  });

  test('a restart keeps commit ids, values and the signing key', async (t) => {
    const first = await startTestPlatform(t, { demo: [ME] });
    const client = await first.pkamClient(ME);
    await client.data(`update:kept${ME} across restarts`);
    const lastId = await lastCommitId(client);
    const signingKey = await client.data(`llookup:public:signing_publickey${ME}`);
    const port = first.port(ME);
    await first.platform.close();
    const second = await startTestPlatform(t, { dataDir: first.dataDir });
    assert.equal(second.port(ME), port);
    const again = await second.pkamClient(ME);
    assert.equal(await again.data(`llookup:kept${ME}`), 'across restarts');
    assert.equal(await again.data(`llookup:public:signing_publickey${ME}`), signingKey);
    assert.equal(Number(await again.data(`update:next${ME} v`)), lastId + 1);
  });
});
