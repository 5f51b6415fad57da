/**
 * The monitor against a scripted atServer over real TLS: notifications decrypted (Dart,
 * Python-style and text messages), the shared key's own notification and the stats line
 * left alone, duplicates dropped, resume after a dropped connection from the last epoch,
 * heartbeat failure leading to a reconnect, a refused monitor command ending it, and a regex
 * no monitor command can carry refused before any monitor connection is opened.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { once } from 'node:events';
import type { Monitor, ReceivedNotification } from '../../../agent/src/client/index.js';
import { AtServerError, IllegalArgumentError, notificationToJson, type AtNotification } from '../../../agent/src/protocol/index.js';
import type { ScriptStep } from '../net/support/scripted-peer.js';
import { ALICE, answer, authSteps, BOB, bobKeys, exchange, withPeerClient } from './support.js';

function line(notification: Partial<AtNotification> & { id: string }): string {
  const full: AtNotification = {
    from: ALICE,
    to: BOB,
    key: `${BOB}:phone.wavi${ALICE}`,
    value: null,
    operation: 'update',
    epochMillis: 1_729_733_702_123,
    messageType: 'key',
    isEncrypted: false,
    metadata: null,
    ...notification,
  };
  return `notification: ${notificationToJson(full)}\n`;
}

const dart = line({
  id: 'n1',
  value: exchange.ciphertextWithIvNonce,
  isEncrypted: true,
  epochMillis: 1000,
  metadata: { ivNonce: exchange.ivNonce, sharedKeyEnc: exchange.encryptedForBob },
});
const sharedKeyItself = line({ id: 'n2', key: `${BOB}:shared_key${ALICE}`, value: exchange.encryptedForBob, isEncrypted: true, epochMillis: 1001 });
const stats = line({ id: '-1', from: BOB, to: BOB, key: `statsNotification.${BOB}`, value: '42', epochMillis: 1002 });
const python = line({ id: 'n3', value: exchange.ciphertextLegacyZeroIv, isEncrypted: true, epochMillis: 1003 });
const newer = line({ id: 'n4', key: `${BOB}:${exchange.ciphertextWithIvNonce}`, messageType: 'text', isEncrypted: true, epochMillis: 1004, metadata: { ivNonce: exchange.ivNonce } });

function monitorConnection(command: string | RegExp, extra: ScriptStep[] = []): ScriptStep[] {
  return [...authSteps(BOB, bobKeys()), { expect: command }, { expect: 'noop:0', reply: answer(BOB, 'data:ok') }, ...extra];
}

function collect(monitor: Monitor, count: number): Promise<ReceivedNotification[]> {
  const seen: ReceivedNotification[] = [];
  return new Promise((resolve) => {
    monitor.on('notification', (notification) => {
      seen.push(notification);
      if (seen.length === count) resolve(seen);
    });
  });
}

describe('Monitor', () => {
  test('decrypts, skips what must not be decrypted, drops duplicates and resumes after a drop', async () => {
    const session: ScriptStep[] = [
      ...authSteps(BOB, bobKeys()),
      // the Python-style notification has no sharedKeyEnc: the key is looked up once
      { expect: `llookup:cached:${BOB}:shared_key${ALICE}`, reply: answer(BOB, `data:${exchange.encryptedForBob}`) },
    ];
    const scripts = [session, monitorConnection('monitor .wavi'), monitorConnection('monitor:1002 .wavi')];
    await withPeerClient({ scripts }, { keys: bobKeys(), namespace: 'wavi' }, async (peer, client) => {
      const monitor = await client.startMonitor('.wavi');
      const iterator = monitor[Symbol.asyncIterator]();
      const firstThree = collect(monitor, 3);
      const first = await peer.connection(1);
      await first.write(dart + sharedKeyItself + stats + python, [40, 400, 3]);
      const [a, b, c] = await firstThree;
      assert.equal(a?.value, exchange.value);
      assert.equal(a?.decrypted, true);
      assert.equal(b?.id, 'n2');
      assert.equal(b?.value, exchange.encryptedForBob, 'the shared key notification is not AES-decrypted');
      assert.equal(b?.decrypted, false);
      assert.equal(c?.id, 'n3');
      assert.equal(c?.value, exchange.value);
      assert.equal(monitor.lastEpochMillis, 1003);
      // the iterator saw the same, in order
      assert.deepEqual([(await iterator.next()).value?.id, (await iterator.next()).value?.id, (await iterator.next()).value?.id], ['n1', 'n2', 'n3']);

      // drop the connection: the monitor comes back resuming from just before n3
      const reconnected = once(monitor, 'connected');
      first.socket.destroy();
      const [info] = await reconnected;
      assert.equal(info.resumedFrom, 1002);
      const next = collect(monitor, 1);
      const second = await peer.connection(2);
      await second.write(python + newer);
      const [after] = await next;
      assert.equal(after?.id, 'n4', 'the replayed n3 was dropped as a duplicate');
      assert.equal(after?.text, exchange.value);
      assert.equal(monitor.deliveredCount, 4);
      assert.equal((await iterator.next()).value?.id, 'n4');
      await monitor.stop();
      assert.equal((await iterator.next()).done, true);
      assert.deepEqual(peer.problems, []);
    });
  });

  test('a heartbeat without an answer drops the connection and the monitor reconnects', async () => {
    const scripts = [authSteps(BOB, bobKeys()), monitorConnection('monitor', [{ expect: 'noop:0' }]), monitorConnection('monitor', [{ expect: 'noop:0' }])];
    await withPeerClient({ scripts }, { keys: bobKeys(), preferences: { monitorHeartbeatMs: 30 } }, async (peer, client) => {
      const monitor = await client.startMonitor();
      const [reason] = await once(monitor, 'disconnected');
      assert.match(String(reason), /noop timed out/);
      await once(monitor, 'connected');
      assert.ok(peer.connections.length >= 3);
      await monitor.stop();
    });
  });

  test('a monitor command the server refuses ends startMonitor with the server error', async () => {
    const scripts = [
      authSteps(BOB, bobKeys()),
      [...authSteps(BOB, bobKeys()), { expect: 'monitor [', reply: answer(BOB, 'error:AT0003-Invalid syntax : invalid regex') }, { expect: 'noop:0', reply: answer(BOB, 'data:ok') }],
    ];
    await withPeerClient({ scripts }, { keys: bobKeys() }, async (_peer, client) => {
      await assert.rejects(client.startMonitor('['), (error: unknown) => error instanceof AtServerError && error.code === 'AT0003');
    });
  });

  test('a regex no monitor command can carry ends startMonitor at once, without opening a monitor connection', { timeout: 10_000 }, async () => {
    await withPeerClient({ scripts: [authSteps(BOB, bobKeys())] }, { keys: bobKeys() }, async (peer, client) => {
      for (const regex of ['', 'a\nb']) {
        await assert.rejects(client.startMonitor(regex), (error: unknown) => error instanceof IllegalArgumentError);
      }
      assert.equal(peer.connections.length, 1, 'only the command connection');
      assert.deepEqual(peer.problems, []);
    });
  });
});
