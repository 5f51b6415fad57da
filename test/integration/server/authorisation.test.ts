/**
 * The authorisation matrix of server.md §3.1 on live connections: what an unauthenticated,
 * a pol-authenticated (@bob) and an owner connection may do, the owner-only verbs refused
 * before their grammar is even looked at, `from`/`pol` misuse, the block list, ownership
 * checks on writes.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { LineClient } from '../../helpers/line-client.js';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform.js';

const ALICE = '@alice🛠';
const BOB = '@bob🛠';
const COLIN = '@colin🛠';

const OWNER_ONLY = [
  `llookup:public:x${ALICE}`,
  'llookup:not even valid',
  `plookup:publickey${BOB}`,
  `update:public:x${ALICE} v`,
  `update:meta:x${ALICE}:ttl:1`,
  `delete:x${ALICE}`,
  'stats:3',
  'config:block:show',
  'sync:from:-1:limit:10',
  'batch:[]',
  'otp:get',
  'keys:get:self',
  'enroll:list',
];

describe('authorisation matrix', () => {
  let env: TestPlatform;
  let owner: LineClient;

  before(async () => {
    env = await startTestPlatform(null, { demo: [ALICE, BOB, COLIN], tuning: { notifications: { autoNotify: false } } });
    owner = await env.pkamClient(ALICE);
    await owner.data(`update:public:location${ALICE} Hyderabad`);
    await owner.data(`update:public:_proofish${ALICE} hidden`);
    await owner.data(`update:${BOB}:phone${ALICE} for bob`);
    await owner.data(`update:${COLIN}:phone${ALICE} for colin`);
    await owner.data(`update:selfonly${ALICE} mine`);
  });
  after(() => env.close());

  test('unauthenticated: owner-only verbs are AT0401 (even malformed ones), prompt @', async () => {
    const client = await env.connect(ALICE);
    for (const command of OWNER_ONLY) {
      const reply = await client.send(command);
      assert.equal(reply.line, 'error:AT0401-Exception: Command cannot be executed without auth', command);
      assert.equal(reply.prompt, '@');
    }
  });

  test('unauthenticated: lookup reads public keys only; scan lists public non-hidden keys without prefix', async () => {
    const client = await env.connect(ALICE);
    assert.equal(await client.data(`lookup:location${ALICE}`), 'Hyderabad');
    assert.match((await client.send(`lookup:phone${ALICE}`)).line, /^error:AT0015-/);
    assert.match((await client.send(`lookup:selfonly${ALICE}`)).line, /^error:AT0015-/);
    const keys = JSON.parse(await client.data('scan')) as string[];
    assert.ok(keys.includes(`location${ALICE}`));
    assert.ok(!keys.some((key) => key.includes('phone') || key.includes('selfonly') || key.startsWith('_')));
    assert.match((await client.send(`scan:${BOB}`)).line, /^error:AT0401-/);
  });

  test('pol-authenticated as @bob: reads only @bob: keys, scan strips the prefix, owner verbs refused', async () => {
    const asBob = await env.polClient(ALICE, BOB);
    assert.equal(await asBob.data(`lookup:phone${ALICE}`), 'for bob');
    const keys = JSON.parse(await asBob.data('scan')) as string[];
    assert.deepEqual(keys, [`phone${ALICE}`]);
    assert.match((await asBob.send(`lookup:location${ALICE}`)).line, /^error:AT0015-/);
    const refused = await asBob.send(`llookup:${BOB}:phone${ALICE}`);
    assert.deepEqual([refused.line, refused.prompt], ['error:AT0401-Exception: Command cannot be executed without auth', '@']);
    assert.equal((await asBob.send('noop:0')).prompt, `${BOB}@`);
  });

  test('cram and pkam without a challenge fail (open); pol without a foreign from is AT0011 and closes', async () => {
    const client = await env.connect(ALICE);
    assert.match((await client.send('cram:deadbeef')).line, /^error:AT0401-Exception: Authentication Failed$/);
    assert.match((await client.send('pkam:c2ln')).line, /^error:AT0401-Exception: pkam authentication failed$/);
    await client.data(`from:${ALICE}`);
    await client.write('pol\n');
    assert.match(await client.waitClosed(), /^error:AT0011-/);
  });

  test('a blocked atSign gets AT0013 on from and the connection closes; others still connect', async () => {
    await owner.data(`config:block:add:${COLIN}`);
    try {
      await assert.rejects(env.polClient(ALICE, COLIN), /error:AT0013-Exception: Unable to connect/);
      const asBob = await env.polClient(ALICE, BOB);
      assert.equal(await asBob.data(`lookup:phone${ALICE}`), 'for bob');
    } finally {
      await owner.data(`config:block:remove:${COLIN}`);
    }
  });

  test('the block list: own atSign ignored, show/remove, null when empty', async () => {
    assert.equal(await owner.data(`config:block:add:${ALICE} @eve @mallory`), 'success');
    assert.deepEqual(JSON.parse(await owner.data('config:block:show')), ['@eve', '@mallory']);
    assert.equal(await owner.data('config:block:remove:@eve @mallory'), 'success');
    assert.equal(await owner.data('config:block:show'), 'null');
    assert.equal(await owner.data('config:block:remove:@eve'), 'null');
  });

  test('ownership on writes: another owner is AT0016 with the reference wording', async () => {
    const reply = await owner.send(`update:public:x${BOB} v`);
    assert.equal(reply.line, `error:AT0016-Invalid key : Invalid update command - sharedBy atsign ${BOB} should be same as current atsign ${ALICE}`);
    for (const key of [`cached:public:x${BOB}`, `cached:${ALICE}:x${BOB}`, `local:x${ALICE}`, `private:x${ALICE}`]) {
      assert.match((await owner.send(`update:json:${JSON.stringify({ atKey: key, value: 'v' })}`)).line, /^error:AT0016-Invalid key : You may not update keys of type KeyType\./, key);
    }
  });
});
