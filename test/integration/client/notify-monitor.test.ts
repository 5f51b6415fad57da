/**
 * Notifications end to end on our own platform: alice's client notifies, alice's server
 * delivers to bob's server, bob's monitor receives and decrypts. Then the hard part: the
 * monitor connection killed on the server side, and the whole platform restarted, in the
 * middle of a stream of notifications: every notification arrives, none twice.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { AtClient, type Monitor, type ReceivedNotification } from '../../../agent/src/client/index.js';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform.js';
import { notificationsOf, waitForStatus } from '../server/notifications/support.js';

const ALICE = '@alice🛠';
const BOB = '@bob🛠';

/** Resolves with the first notification `accept` takes. */
function next(monitor: Monitor, accept: (notification: ReceivedNotification) => boolean): Promise<ReceivedNotification> {
  return new Promise((resolve) => {
    const listener = (notification: ReceivedNotification) => {
      if (!accept(notification)) return;
      monitor.off('notification', listener);
      resolve(notification);
    };
    monitor.on('notification', listener);
  });
}

/** Records every notification id a monitor delivers. */
function recorder(monitor: Monitor): { ids: string[]; until(id: string): Promise<void> } {
  const ids: string[] = [];
  const waiters = new Map<string, () => void>();
  monitor.on('notification', (notification) => {
    ids.push(notification.id);
    waiters.get(notification.id)?.();
  });
  return {
    ids,
    until: (id) => (ids.includes(id) ? Promise.resolve() : new Promise((resolve) => waiters.set(id, resolve))),
  };
}

function duplicates(ids: readonly string[]): string[] {
  return ids.filter((id, index) => ids.indexOf(id) !== index);
}

describe('notify → monitor on our platform', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'atagent-client-notify-'));
  let env: TestPlatform;
  let alice: AtClient;
  let bob: AtClient;
  let monitor: Monitor;
  const run = Date.now().toString(36);

  before(async () => {
    env = await startTestPlatform(null, { demo: [ALICE, BOB], dataDir });
    alice = await AtClient.create(ALICE, 'itest', env.clientPreferences(ALICE));
    bob = await AtClient.create(BOB, 'itest', env.clientPreferences(BOB));
    monitor = await bob.startMonitor();
  });

  after(async () => {
    await alice?.close();
    await bob?.close();
    await env?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('the first share creates the shared key; its own notification arrives undecrypted', { timeout: 20_000 }, async () => {
    const sharedKey = next(monitor, (n) => n.key === `${BOB}:shared_key${ALICE}`);
    const value = next(monitor, (n) => n.key === `${BOB}:first-${run}.itest${ALICE}`);
    await alice.put(`@bob🛠:first-${run}`, 'first value');
    const keyNotification = await sharedKey;
    assert.equal(keyNotification.decrypted, false);
    assert.equal(keyNotification.decryptionError, undefined);
    const valueNotification = await value;
    assert.equal(valueNotification.value, 'first value', 'the autoNotify of a shared update arrives decrypted');
    assert.equal(valueNotification.decrypted, true);
  });

  test('notify with a value and a text message arrive decrypted; the status becomes delivered', { timeout: 20_000 }, async () => {
    const keyed = next(monitor, (n) => n.key === `${BOB}:news-${run}.itest${ALICE}`);
    const id = await alice.notify({ key: `@bob🛠:news-${run}`, value: 'hello bob 🦄' });
    const received = await keyed;
    assert.equal(received.id, id);
    assert.equal(received.value, 'hello bob 🦄');
    assert.equal(received.from, ALICE);

    const texted = next(monitor, (n) => n.messageType === 'text' && n.from === ALICE);
    await alice.notify({ text: `ping ${run}`, recipient: BOB });
    const text = await texted;
    assert.equal(text.text, `ping ${run}`, JSON.stringify({ ...text, decryptionError: text.decryptionError?.message }));

    // No event tells the client about delivery; alice's server (in this process) says when to ask.
    await waitForStatus(notificationsOf(env.platform.server(ALICE)), id, 'delivered');
    const status = await alice.notifyStatus(id);
    assert.equal(status, 'delivered');
  });

  test('notifyAll: one notification per recipient, each encrypted for it', { timeout: 20_000 }, async () => {
    const toBob = next(monitor, (n) => n.key === `${BOB}:all-${run}.itest${ALICE}`);
    const results = await alice.notifyAll([BOB, ALICE], { key: `@bob🛠:all-${run}`, value: 'to everyone' });
    assert.deepEqual(results.map((result) => [result.recipient, typeof result.id]), [[BOB, 'string'], [ALICE, 'string']]);
    assert.equal((await toBob).value, 'to everyone');
  });

  test('the async iterator delivers the same notifications', { timeout: 20_000 }, async () => {
    const iterator = monitor[Symbol.asyncIterator]();
    const id = await alice.notify({ key: `@bob🛠:iter-${run}`, value: 'via iterator' });
    for (;;) {
      const { value } = await iterator.next();
      if (value?.id === id) {
        assert.equal(value.value, 'via iterator');
        break;
      }
    }
    await iterator.return?.();
  });

  test('notifyList on bob shows what he received, decrypted', { timeout: 20_000 }, async () => {
    const list = await bob.notifyList({ regex: `news-${run}` });
    const news = list.find((n) => n.key === `${BOB}:news-${run}.itest${ALICE}`);
    assert.equal(news?.value, 'hello bob 🦄');
  });

  test('the monitor connection killed by the server mid-stream: nothing lost, nothing twice', { timeout: 30_000 }, async () => {
    const seen = recorder(monitor);
    const sent: string[] = [];
    const reconnected = once(monitor, 'connected');
    for (let i = 0; i < 60; i++) {
      if (i === 20) {
        const server = env.platform.server(BOB);
        const monitors = [...(server?.connections ?? [])].filter((connection) => connection.session.isMonitor);
        assert.equal(monitors.length, 1);
        monitors[0]?.close();
      }
      sent.push(await alice.notify({ key: `@bob🛠:stream-${run}`, value: `message ${i}` }));
    }
    await reconnected;
    for (const id of sent) await seen.until(id);
    const fence = await alice.notify({ key: `@bob🛠:fence-${run}`, value: 'fence' });
    await seen.until(fence);
    assert.deepEqual(duplicates(seen.ids), []);
    assert.deepEqual(sent.filter((id) => !seen.ids.includes(id)), []);
  });

  test('the whole platform restarted mid-stream: the monitor is back and authenticated, nothing lost, nothing twice', { timeout: 60_000 }, async () => {
    const seen = recorder(monitor);
    const sent: string[] = [];
    for (let i = 0; i < 10; i++) sent.push(await alice.notify({ key: `@bob🛠:before-${run}`, value: `before ${i}` }));
    for (const id of sent) await seen.until(id);
    const disconnected = once(monitor, 'disconnected');
    await env.close();
    await disconnected;
    const reconnected = once(monitor, 'connected');
    env = await startTestPlatform(null, { demo: [ALICE, BOB], dataDir });
    const restartedAt = performance.now();
    // Sent while bob's monitor is (most likely) still waiting to reconnect: replayed on resume.
    for (let i = 0; i < 20; i++) sent.push(await alice.notify({ key: `@bob🛠:after-${run}`, value: `after ${i}` }));
    const [info] = await reconnected;
    const backAfterMs = performance.now() - restartedAt;
    process.stderr.write(`# monitor back ${backAfterMs.toFixed(0)} ms after the platform returned (resumed from ${info.resumedFrom})\n`);
    for (const id of sent) await seen.until(id);
    const fence = await alice.notify({ key: `@bob🛠:fence2-${run}`, value: 'fence' });
    await seen.until(fence);
    assert.deepEqual(duplicates(seen.ids), []);
  });
});
