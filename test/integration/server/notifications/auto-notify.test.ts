/**
 * autoNotify between two live atServers: alice's `update` of `@bob:shared_key@alice` (with a
 * ttr) ends up as `cached:@bob:shared_key@alice` on bob's server, readable with llookup and
 * lookup, exactly what bob's client needs to decrypt what alice shares; `update:meta` sends
 * the metadata alone, `delete` a delete notification that removes a cascading cached copy;
 * keys that are not shared with someone else notify nobody; the setting turns it off.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { LineClient } from '../../../helpers/line-client.js';
import { startTestPlatform, type TestPlatform } from '../../../helpers/platform.js';
import { monitorClient, notificationsOf, readNotification, waitForStored } from './support.js';

const ALICE = '@alice🛠';
const BOB = '@bob🛠';

describe('autoNotify', () => {
  let env: TestPlatform;
  let alice: LineClient;
  let bob: LineClient;

  before(async () => {
    env = await startTestPlatform(null, { demo: [ALICE, BOB], tuning: { notifications: { statsIntervalMs: -1, queueJobIntervalMs: 20 } } });
    alice = await env.pkamClient(ALICE);
    bob = await env.pkamClient(BOB);
  });
  after(() => env.close());

  /** Resolves once bob's server has applied the next received notification about `key`. */
  function bobReceives(key: string) {
    return waitForStored(notificationsOf(env.platform.server(BOB)), (notification) => notification.type === 'received' && notification.notification === key);
  }

  test('update of @bob:shared_key@alice caches it on bob\'s server: llookup:cached and lookup read it', async () => {
    const monitor = await monitorClient(env, BOB, 'monitor shared_key');
    const key = `${BOB}:shared_key${ALICE}`;
    await alice.data(`update:ttr:86400:ccd:true:${key} RSA-encrypted-aes-key`);
    const shown = await readNotification(monitor);
    assert.equal(shown.key, key);
    assert.equal(shown.value, 'RSA-encrypted-aes-key');
    assert.equal(shown.from, ALICE);
    assert.equal(await bob.data(`llookup:cached:${key}`), 'RSA-encrypted-aes-key');
    assert.equal(await bob.data(`lookup:shared_key${ALICE}`), 'RSA-encrypted-aes-key');
    const meta = JSON.parse(await bob.data(`llookup:meta:cached:${key}`)) as Record<string, unknown>;
    assert.equal(meta['ttr'], 86400);
    assert.equal(meta['ccd'], true);
  });

  test('update of a shared value carries its metadata (sharedKeyEnc, pubKeyCS, ivNonce)', async () => {
    const monitor = await monitorClient(env, BOB, 'monitor phone\\.wavi');
    await alice.data(`update:isEncrypted:true:sharedKeyEnc:U0tF:pubKeyCS:5d52f6:ivNonce:SVY=:${BOB}:phone.wavi${ALICE} Q1Q=`);
    const shown = await readNotification(monitor);
    assert.equal(shown.value, 'Q1Q=');
    assert.equal(shown.isEncrypted, true);
    assert.equal(shown.metadata?.sharedKeyEnc, 'U0tF');
    assert.equal(shown.metadata?.ivNonce, 'SVY=');
    // pubKeyCS travels to bob's server (it is in the stored notification), not to monitors.
    const stored = notificationsOf(env.platform.server(BOB)).records.get(shown.id);
    assert.equal(stored?.atMetadata?.pubKeyCS, '5d52f6');
  });

  test('update:meta sends the metadata alone: the cached copy keeps its value, takes the new ttr', async () => {
    const key = `${BOB}:meta.change${ALICE}`;
    let arrived = bobReceives(key);
    await alice.data(`update:ttr:3600:${key} original`);
    await arrived;
    arrived = bobReceives(key);
    await alice.data(`update:meta:${key}:ttr:60`);
    const received = await arrived;
    assert.equal(received.atValue, undefined);
    assert.equal(await bob.data(`llookup:cached:${key}`), 'original');
    const meta = JSON.parse(await bob.data(`llookup:meta:cached:${key}`)) as Record<string, unknown>;
    assert.equal(meta['ttr'], 60);
  });

  test('delete sends a delete notification: a cascading cached copy goes, a non-cascading one stays', async () => {
    const cascading = `${BOB}:cascading${ALICE}`;
    const keeping = `${BOB}:keeping${ALICE}`;
    let arrived = Promise.all([bobReceives(cascading), bobReceives(keeping)]);
    await alice.data(`update:ttr:-1:ccd:true:${cascading} a`);
    await alice.data(`update:ttr:-1:ccd:false:${keeping} b`);
    await arrived;
    arrived = Promise.all([bobReceives(cascading), bobReceives(keeping)]);
    await alice.data(`delete:${cascading}`);
    await alice.data(`delete:${keeping}`);
    const [deleted] = await arrived;
    assert.equal(deleted.opType, 'delete');
    assert.match((await bob.send(`llookup:cached:${cascading}`)).line, /^error:AT0015-/);
    assert.equal(await bob.data(`llookup:cached:${keeping}`), 'b');
  });

  test('keys not shared with another atSign notify nobody', async () => {
    const service = notificationsOf(env.platform.server(ALICE));
    const before = service.records.size;
    await alice.data(`update:public:location${ALICE} here`);
    await alice.data(`update:phone.self${ALICE} mine`);
    await alice.data(`update:${ALICE}:note${ALICE} also-mine`);
    assert.equal(service.records.size, before);
  });
});

describe('autoNotify switched off', () => {
  test('no notification for a shared key update', async (t) => {
    const env = await startTestPlatform(t, { demo: [ALICE, BOB], tuning: { notifications: { autoNotify: false, statsIntervalMs: -1 } } });
    const alice = await env.pkamClient(ALICE);
    const monitor = await monitorClient(env, BOB);
    await alice.data(`update:ttr:-1:${BOB}:quiet${ALICE} v`);
    const explicit = await alice.data(`notify:${BOB}:loud${ALICE}:w`);
    // The first thing bob sees is the explicit notification.
    assert.equal((await readNotification(monitor)).id, explicit);
    const bob = await env.pkamClient(BOB);
    assert.match((await bob.send(`llookup:cached:${BOB}:quiet${ALICE}`)).line, /^error:AT0015-/);
  });
});
