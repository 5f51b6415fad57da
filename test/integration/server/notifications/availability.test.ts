/**
 * When the recipient's server is not there: the notification is errored and the recipient
 * quarantined (nothing else is tried until the quarantine ends), delivery happens once the
 * server is back; undelivered notifications survive a restart of the SENDER; strategy
 * `latest` keeps only the newest latestN per notifier while the recipient is away; an atSign
 * that does not exist is errored and quarantined like an unreachable one.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AtServerTuning } from '../../../../agent/src/server/index.js';
import { startTestPlatform, type TestPlatform } from '../../../helpers/platform.js';
import { notificationsOf, RestartableServer, waitForStatus } from './support.js';

const ALICE = '@alice🛠';
const BOB = '@bob🛠';
const TUNING: AtServerTuning = { notifications: { statsIntervalMs: -1, queueJobIntervalMs: 20, quarantineMs: 1_000 } };

describe('notifications while the recipient is unavailable', () => {
  let env: TestPlatform;
  let alice: RestartableServer;
  let bob: RestartableServer;

  before(async () => {
    env = await startTestPlatform(null, { demo: [ALICE, BOB], tuning: TUNING });
    alice = new RestartableServer(env, ALICE);
    bob = new RestartableServer(env, BOB);
  });
  after(async () => {
    await alice.close();
    await bob.close();
    await env.close();
  });

  test('recipient down: errored and quarantined; a later notification waits; both delivered once it is back', async () => {
    const client = await env.pkamClient(ALICE);
    const service = notificationsOf(alice.running());
    await bob.stop();
    const first = await client.data(`notify:${BOB}:while-down${ALICE}:one`);
    const errored = await waitForStatus(service, first, 'errored');
    assert.equal(errored.retryCount, 2);
    assert.ok(service.queue.isQuarantined(BOB, Date.now()));
    const second = await client.data(`notify:${BOB}:while-quarantined${ALICE}:two`);
    assert.equal(await client.data(`notify:status:${second}`), 'queued');
    await bob.start();
    await waitForStatus(service, first, 'delivered');
    const delivered = await waitForStatus(service, second, 'delivered');
    assert.equal(delivered.retryCount, 1, 'not attempted during the quarantine');
    const received = notificationsOf(bob.running()).records;
    assert.equal(received.get(first)?.atValue, 'one');
    assert.equal(received.get(second)?.atValue, 'two');
  });

  test('sender restart: notifications not yet delivered are re-queued on start and delivered', async () => {
    const client = await env.pkamClient(ALICE);
    await bob.stop();
    const ids = [
      await client.data(`notify:${BOB}:restart-1${ALICE}:a`),
      await client.data(`notify:priority:high:${BOB}:restart-2${ALICE}:b`),
      await client.data(`notify:messageType:text:${BOB}:restart 3`),
    ];
    await waitForStatus(notificationsOf(alice.running()), ids[0] ?? '', 'errored');
    await alice.stop();
    await bob.start();
    const restarted = notificationsOf(await alice.start());
    for (const id of ids) await waitForStatus(restarted, id, 'delivered');
    const received = notificationsOf(bob.running()).records;
    assert.deepEqual(
      ids.map((id) => received.get(id)?.notification),
      [`${BOB}:restart-1${ALICE}`, `${BOB}:restart-2${ALICE}`, `${BOB}:restart 3`],
    );
  });

  test('strategy latest: only the newest latestN per notifier are delivered, the rest report expired', async () => {
    const client = await env.pkamClient(ALICE);
    const service = notificationsOf(alice.running());
    await bob.stop();
    // Let alice find bob away first, then hold the quarantine until bob is back: an attempt
    // already under way when bob returns would (rightly) deliver what it had taken.
    await waitForStatus(service, await client.data(`notify:${BOB}:probe${ALICE}:p`), 'errored');
    service.queue.quarantine(BOB, Date.now() + 60_000);
    const latest: string[] = [];
    for (let reading = 1; reading <= 5; reading++) {
      latest.push(await client.data(`notify:strategy:latest:latestN:2:notifier:sensor1:${BOB}:reading${ALICE}:${reading}`));
    }
    const other = await client.data(`notify:strategy:latest:notifier:sensor2:${BOB}:reading${ALICE}:other`);
    const all = [await client.data(`notify:${BOB}:log${ALICE}:x`), await client.data(`notify:${BOB}:log${ALICE}:y`)];
    await bob.start();
    service.queue.quarantine(BOB, 0);
    for (const id of [...latest.slice(3), other, ...all]) await waitForStatus(service, id, 'delivered');
    for (const id of latest.slice(0, 3)) assert.equal(await client.data(`notify:status:${id}`), 'expired', id);
    const received = notificationsOf(bob.running()).records;
    assert.deepEqual(
      latest.map((id) => received.get(id)?.atValue),
      [undefined, undefined, undefined, '4', '5'],
    );
  });

  test('an atSign the directory does not know: errored and quarantined', async () => {
    const client = await env.pkamClient(ALICE);
    const service = notificationsOf(alice.running());
    const id = await client.data(`notify:@nosuchatsign:hello${ALICE}:x`);
    const errored = await waitForStatus(service, id, 'errored');
    assert.equal(errored.toAtSign, '@nosuchatsign');
    assert.ok(service.queue.isQuarantined('@nosuchatsign', Date.now()));
    assert.equal(await client.data(`notify:status:${id}`), 'errored');
  });
});
