/**
 * Server-to-server delivery: @alice🛠's server forwards to @bob🛠's over TLS and pol, bob's
 * monitor sees the notification, bob's server caches the value; the exact command a sending
 * server writes (checked against a scripted recipient); refused and unanswered notifications
 * are retried with a lower priority up to the retry limit.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { parseNotificationJson, parseVerb } from '../../../../agent/src/protocol/index.js';
import type { LineClient } from '../../../helpers/line-client.js';
import { startTestPlatform, type TestPlatform } from '../../../helpers/platform.js';
import { ScriptedPeer } from './scripted-peer.js';
import { monitorClient, notificationsOf, readMonitorLine, readNotification, waitForStatus, waitForStored } from './support.js';

const ALICE = '@alice🛠';
const BOB = '@bob🛠';

describe('notification delivery between two atServers', () => {
  let env: TestPlatform;
  let alice: LineClient;

  before(async () => {
    env = await startTestPlatform(null, {
      demo: [ALICE, BOB],
      tuning: { notifications: { statsIntervalMs: -1, queueJobIntervalMs: 20, quarantineMs: 200, sendTimeoutMs: 300, maxRetries: 3 } },
    });
    alice = await env.pkamClient(ALICE);
  });
  after(() => env.close());

  test('bob\'s monitor gets the notification (live shape), his server caches the value for llookup and lookup', async () => {
    const monitor = await monitorClient(env, BOB);
    const id = randomUUID();
    const reply = await alice.data(
      `notify:id:${id}:update:messageType:key:notifier:SYSTEM:ttln:86400000:ttr:86400:isEncrypted:true:sharedKeyEnc:U0tF:pubKeyCS:5d52f6f28:ivNonce:SVY=:${BOB}:phone.wavi${ALICE}:Q1Q=`,
    );
    assert.equal(reply, id);
    const line = await readMonitorLine(monitor);
    const notification = parseNotificationJson(line.slice('notification:'.length));
    assert.equal(notification.id, id);
    assert.equal(notification.from, ALICE);
    assert.equal(notification.to, BOB);
    assert.equal(notification.key, `${BOB}:phone.wavi${ALICE}`);
    assert.equal(notification.value, 'Q1Q=');
    assert.equal(notification.operation, 'update');
    assert.equal(notification.isEncrypted, true);
    assert.equal(notification.metadata?.sharedKeyEnc, 'U0tF');
    assert.equal(notification.metadata?.ivNonce, 'SVY=');
    assert.ok(!line.includes('pubKeyCS'), 'pubKeyCS is never shown to monitors');
    assert.match(line, /"metadata":\{"encKeyName":null,"encAlgo":null,"ivNonce":"SVY=","skeEncKeyName":null,"skeEncAlgo":null,"sharedKeyEnc":"U0tF"\}\}$/);
    await waitForStatus(notificationsOf(env.platform.server(ALICE)), id, 'delivered');
    assert.equal(await alice.data(`notify:status:${id}`), 'delivered');

    const bob = await env.pkamClient(BOB);
    assert.equal(await bob.data(`llookup:cached:${BOB}:phone.wavi${ALICE}`), 'Q1Q=');
    // alice has no such key: only bob's cached copy can answer this lookup.
    assert.equal(await bob.data(`lookup:phone.wavi${ALICE}`), 'Q1Q=');
    const meta = JSON.parse(await bob.data(`llookup:meta:cached:${BOB}:phone.wavi${ALICE}`)) as Record<string, unknown>;
    assert.equal(meta['ttr'], 86400);
    assert.equal(meta['sharedKeyEnc'], 'U0tF');
    const listed = JSON.parse(await bob.data('notify:list phone.wavi')) as Array<{ id: string }>;
    assert.deepEqual(listed.map((entry) => entry.id), [id]);
  });

  test('a text message and a delete notification arrive as such; a notification without ttr is not cached', async () => {
    const monitor = await monitorClient(env, BOB);
    await alice.data(`notify:messageType:text:${BOB}:hello bob`);
    const text = await readNotification(monitor);
    assert.equal(text.messageType, 'text');
    assert.equal(text.key, `${BOB}:hello bob`);
    assert.equal(text.isEncrypted, false);
    await alice.data(`notify:update:${BOB}:nocache${ALICE}:v`);
    assert.equal((await readNotification(monitor)).value, 'v');
    await alice.data(`notify:delete:${BOB}:nocache${ALICE}`);
    const deleted = await readNotification(monitor);
    assert.equal(deleted.operation, 'delete');
    assert.equal(deleted.value, null);
    const bob = await env.pkamClient(BOB);
    assert.match((await bob.send(`llookup:cached:${BOB}:nocache${ALICE}`)).line, /^error:AT0015-/);
  });

  test('the command on the wire: reference field order, lifetime left as ttln, sender-only fields withheld', async () => {
    const peer = await ScriptedPeer.start(env, `peer${randomUUID().slice(0, 8)}`);
    try {
      const id = randomUUID();
      await alice.data(
        `notify:id:${id}:update:messageType:key:priority:high:strategy:latest:latestN:3:notifier:n1:ttln:60000` +
          `:ttl:1000:ttb:0:ttr:10:ccd:true:dataSignature:c2ln:isBinary:false:isEncrypted:true:sharedKeyEnc:c2tl:pubKeyCS:cs` +
          `:encoding:base64:encKeyName:ekn:encAlgo:ea:ivNonce:aXY=:skeEncKeyName:sekn:skeEncAlgo:sea:${peer.atSign}:key1${ALICE}:val:ue`,
      );
      await alice.data(`notify:messageType:text:${peer.atSign}:hi there`);
      await alice.data(`notify:delete:${peer.atSign}:gone${ALICE}`);
      const [first, second, third] = await peer.received(3);
      const pattern = new RegExp(
        `^notify:id:${id}:update:messageType:key:notifier:n1:ttln:(\\d+):ttl:1000:ttb:0:ttr:10:ccd:true:isEncrypted:true` +
          `:sharedKeyEnc:c2tl:pubKeyCS:cs:encKeyName:ekn:encAlgo:ea:ivNonce:aXY=:skeEncKeyName:sekn:skeEncAlgo:sea:${peer.atSign}:key1${ALICE}:val:ue$`,
      );
      const match = pattern.exec(first ?? '');
      assert.ok(match !== null, first);
      const ttln = Number(match[1]);
      assert.ok(ttln > 0 && ttln <= 60_000, `ttln ${ttln}`);
      assert.match(second ?? '', new RegExp(`^notify:id:[0-9a-f-]{36}:update:messageType:text:notifier:system:ttln:\\d+:isEncrypted:false:${peer.atSign}:hi there$`));
      assert.match(third ?? '', new RegExp(`^notify:id:[0-9a-f-]{36}:delete:messageType:key:notifier:system:ttln:\\d+:isEncrypted:true:${peer.atSign}:gone${ALICE}$`));
      // The reference grammar takes every one of them back.
      for (const line of [first, second, third]) assert.equal(parseVerb(line ?? '').verb, 'notify');
    } finally {
      await peer.close();
    }
  });

  test('refused and unanswered notifications are retried with a lower priority, then given up after maxRetries', async () => {
    const service = notificationsOf(env.platform.server(ALICE));
    const peer = await ScriptedPeer.start(env, `retry${randomUUID().slice(0, 8)}`);
    try {
      // 1st attempt refused, 2nd never answered (timeout: the connection is dropped), 3rd succeeds.
      peer.answer = (_line, index) => (index === 0 ? 'error:AT0011-Internal server exception' : index === 1 ? 'silence' : 'data:success');
      const id = await alice.data(`notify:priority:high:${peer.atSign}:retried${ALICE}:x`);
      const delivered = await waitForStatus(service, id, 'delivered');
      assert.equal(delivered.retryCount, 3);
      assert.equal(delivered.priority, 'low');
      assert.equal(peer.notifyLines.length, 3);

      peer.answer = () => 'error:AT0011-Internal server exception';
      const before = peer.notifyLines.length;
      const doomed = await alice.data(`notify:${peer.atSign}:doomed${ALICE}:x`);
      await peer.received(before + 3);
      // The answer to the third attempt is still on its way: the sender's verdict comes next.
      const final = await waitForStored(service, (notification) => notification.id === doomed && notification.retryCount === 3 && notification.status === 'errored');
      assert.equal(final.priority, 'low');
      assert.equal(service.queue.waitingFor(peer.atSign), 0, 'not queued again after the last attempt');
      assert.equal(await alice.data(`notify:status:${doomed}`), 'errored');
      assert.equal(peer.notifyLines.length - before, 3);
    } finally {
      await peer.close();
    }
  });
});

