/**
 * Notification lifetimes (`ttln`) on a manual clock: a sent notification past its lifetime
 * reports `expired` and is never forwarded; a received one leaves notify:list and monitor
 * replays; the compaction removes both. Stats notifications: on their timer (value = latest
 * commit id), after changes (`delete` named as such), to monitors whatever their regex.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../../../agent/src/server/index.js';
import { lastCommitId, startTestPlatform, type TestPlatform } from '../../../helpers/platform.js';
import { monitorClient, notificationsOf, readStatsNotification, replayedLines, RestartableServer, waitForStatus } from './support.js';

const ALICE = '@alice🛠';
const BOB = '@bob🛠';

describe('notification lifetime (ttln)', () => {
  const clock = new ManualClock();
  const tuning = { clock, notifications: { statsIntervalMs: -1, queueJobIntervalMs: 20, quarantineMs: 60_000 } };
  let env: TestPlatform;
  let bob: RestartableServer;

  before(async () => {
    env = await startTestPlatform(null, { demo: [ALICE, BOB], tuning });
    bob = new RestartableServer(env, BOB);
  });
  after(async () => {
    await bob.close();
    await env.close();
  });

  test('a sent notification past its lifetime is expired, is not forwarded, and is compacted away', async () => {
    const alice = await env.pkamClient(ALICE);
    const service = notificationsOf(env.platform.server(ALICE));
    await bob.stop();
    const id = await alice.data(`notify:ttln:5000:${BOB}:short-lived${ALICE}:x`);
    await waitForStatus(service, id, 'errored');
    assert.equal(await alice.data(`notify:status:${id}`), 'errored');
    clock.advance(5_001);
    assert.equal(await alice.data(`notify:status:${id}`), 'expired');
    assert.match(await alice.data(`notify:fetch:${id}`), /"notificationStatus":"NotificationStatus\.expired"/);
    // Bob comes back and the quarantine ends: the sender drops it instead of sending it.
    await bob.start();
    clock.advance(60_000);
    service.sender.nudge();
    await waitForStatus(service, id, 'expired');
    assert.equal(notificationsOf(bob.running()).records.get(id), undefined);
    assert.ok(service.removeExpired() >= 1);
    assert.equal(await alice.data(`notify:fetch:${id}`), `{"id":"${id}","notificationStatus":"NotificationStatus.expired"}`);
  });

  test('a received notification leaves notify:list and monitor replays once expired', async () => {
    const server = await env.polClient(BOB, ALICE);
    const since = clock.now() - 1;
    const id = randomUUID();
    assert.equal((await server.send(`notify:id:${id}:update:ttln:2000:${BOB}:fleeting${ALICE}:x`)).line, 'data:success');
    const owner = await env.pkamClient(BOB);
    assert.match(await owner.data('notify:list:fleeting'), new RegExp(id));
    clock.advance(2_001);
    assert.equal(await owner.data('notify:list:fleeting'), 'null');
    const monitor = await monitorClient(env, BOB, `monitor:${since} fleeting`);
    assert.deepEqual(replayedLines(monitor), []);
    const service = notificationsOf(bob.running());
    assert.ok(service.records.get(id) !== undefined);
    service.removeExpired();
    assert.equal(service.records.get(id), undefined);
  });
  test('stats notification after a received notification writes the cache (timer off)', async () => {
    const monitor = await monitorClient(env, BOB, 'monitor matches-nothing');
    const server = await env.polClient(BOB, ALICE);
    assert.equal((await server.send(`notify:id:${randomUUID()}:update:ttr:-1:${BOB}:cached.stats${ALICE}:v`)).line, 'data:success');
    const owner = await env.pkamClient(BOB);
    const cacheCommit = JSON.parse(await owner.data(`llookup:all:cached:${BOB}:cached.stats${ALICE}`)) as { key: string };
    assert.equal(cacheCommit.key, `cached:${BOB}:cached.stats${ALICE}`);
    const value = String(await lastCommitId(owner));
    // The timer is off here: this one comes from the cache write.
    const { notification } = await readStatsNotification(monitor);
    assert.equal(notification.value, value);
  });
});

describe('stats notifications', () => {
  let env: TestPlatform;

  before(async () => {
    env = await startTestPlatform(null, { demo: [ALICE], tuning: { notifications: { statsIntervalMs: 50 } } });
  });
  after(() => env.close());

  test('on the timer, to a monitor whatever its regex, with the latest commit id', async () => {
    const owner = await env.pkamClient(ALICE);
    const commitId = await owner.data(`update:public:timer${ALICE} t`);
    const monitor = await monitorClient(env, ALICE, 'monitor matches-nothing');
    const { notification } = await readStatsNotification(monitor);
    assert.equal(notification.id, '-1');
    assert.equal(notification.from, ALICE);
    assert.equal(notification.to, ALICE);
    assert.equal(notification.key, `statsNotification.${ALICE}`);
    assert.ok(Number(notification.value) >= Number(commitId));
    assert.equal(notification.metadata, null);
  });

  test('after a change: the change\'s commit id; a delete is announced as such', async () => {
    const owner = await env.pkamClient(ALICE);
    const monitor = await monitorClient(env, ALICE);
    const commitId = await owner.data(`delete:public:timer${ALICE}`);
    // Timer ticks (operation update) may come first; the change's own one names the delete.
    for (;;) {
      const { notification } = await readStatsNotification(monitor);
      if (notification.value === commitId && notification.operation === 'delete') break;
    }
  });

});
