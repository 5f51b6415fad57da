/**
 * `monitor` on a live atServer: regex on the key or the sender's name, `selfNotifications`,
 * epoch replay and resume across a dropped connection with no loss and no duplicate (also
 * while notifications keep arriving), the replay and live JSON shapes, heartbeats on the
 * monitor connection, and a client that never reads: it is dropped, with a log line, and
 * nobody else waits for it.
 *
 * Notifications are injected the way another server delivers them (a pol-authenticated
 * `notify`), so each one is stored, and shown to monitors, before its `data:success`.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { parseNotificationLine, type AtNotification } from '../../../../agent/src/protocol/index.js';
import type { AtServerLogger } from '../../../../agent/src/server/index.js';
import type { LineClient } from '../../../helpers/line-client.js';
import { startTestPlatform, type TestPlatform } from '../../../helpers/platform.js';
import { monitorClient, notificationsOf, readMonitorLine, readNotification, replayedLines } from './support.js';

const ALICE = '@alice🛠';
const BOB = '@bob🛠';
const BACKLOG_LIMIT = 256 * 1024;

class CapturingLogger extends EventEmitter implements AtServerLogger {
  readonly warnings: string[] = [];
  info(): void {}
  warn(message: string): void {
    this.warnings.push(message);
    this.emit('warn', message);
  }
}

describe('monitor', () => {
  const logger = new CapturingLogger();
  let env: TestPlatform;
  let fromAlice: LineClient;

  before(async () => {
    env = await startTestPlatform(null, {
      demo: [ALICE, BOB],
      tuning: { logger, notifications: { statsIntervalMs: -1, monitorBacklogBytes: BACKLOG_LIMIT } },
    });
    fromAlice = await env.polClient(BOB, ALICE);
  });
  after(() => env.close());

  /** Delivers a notification to bob as alice's server would; resolves once bob has stored it. */
  async function inject(key: string, value?: string, connection = fromAlice, id = randomUUID()): Promise<string> {
    const reply = await connection.send(`notify:id:${id}:update:messageType:key:${BOB}:${key}${ALICE}${value === undefined ? '' : `:${value}`}`);
    assert.equal(reply.line, 'data:success', reply.line);
    return id;
  }

  async function readIds(client: LineClient, count: number): Promise<string[]> {
    const ids: string[] = [];
    while (ids.length < count) ids.push((await readNotification(client)).id);
    return ids;
  }

  test('the regex is found in the key or in the sender\'s name', async () => {
    const wavi = await monitorClient(env, BOB, 'monitor \\.wavi@');
    const bySender = await monitorClient(env, BOB, 'monitor alice');
    const colin = await monitorClient(env, BOB, 'monitor colin');
    const phone = await inject('phone.wavi', '1');
    const buzz = await inject('x.buzz', '2');
    const note = await inject('colin.note', '3');
    assert.deepEqual(await readIds(wavi, 1), [phone]);
    assert.deepEqual(await readIds(bySender, 3), [phone, buzz, note]);
    // colin's first line is the one naming colin: the two before it did not match.
    assert.deepEqual(await readIds(colin, 1), [note]);
    const invalid = await env.pkamClient(BOB);
    assert.match((await invalid.send('monitor (unclosed')).line, /^error:AT0003-/);
  });

  test('replay then live, resumed across a dropped connection: every notification once, in order', async () => {
    const first = await monitorClient(env, BOB, 'monitor resume-test');
    const before = [];
    for (let n = 1; n <= 5; n++) before.push(await inject(`resume-test-${n}`, String(n)));
    const seen: AtNotification[] = [];
    for (let n = 0; n < 3; n++) seen.push(await readNotification(first));
    first.destroy();
    const whileAway = [];
    for (let n = 6; n <= 8; n++) whileAway.push(await inject(`resume-test-${n}`, String(n)));
    const lastEpoch = seen.at(-1)?.epochMillis ?? 0;
    const resumed = await monitorClient(env, BOB, `monitor:${lastEpoch} resume-test`);
    const replayed = replayedLines(resumed).map((line) => parseNotificationLine(line));
    assert.deepEqual(
      replayed.map((notification) => notification.id),
      [...before.slice(3), ...whileAway],
    );
    // Replays carry the stored dates instead of sharedKeyEnc.
    assert.match(replayedLines(resumed)[0] ?? '', /"metadata":\{"encKeyName":null,"encAlgo":null,"ivNonce":null,"skeEncKeyName":null,"skeEncAlgo":null,"availableAt":"null","expiresAt":"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z"\}\}$/);
    const live = await inject('resume-test-9', '9');
    assert.deepEqual(await readIds(resumed, 1), [live]);
    const epochs = [...seen, ...replayed].map((notification) => notification.epochMillis);
    assert.deepEqual([...epochs].sort((a, b) => a - b), epochs, 'epochMillis grow');
    assert.equal(new Set(epochs).size, epochs.length, 'epochMillis never repeat');
  });

  test('subscribing while notifications pour in: nothing lost, nothing twice', async () => {
    const second = await env.polClient(BOB, ALICE);
    const since = Date.now() - 1;
    let stop = false;
    const injected: string[] = [];
    const waiters: Array<{ count: number; resolve: () => void }> = [];
    const injectedCount = (count: number) => new Promise<void>((resolve) => waiters.push({ count, resolve }));
    const pour = async (connection: LineClient, tag: string) => {
      for (let n = 0; !stop && n < 400; n++) {
        injected.push(await inject(`pour-${tag}-${n}`, 'x', connection));
        for (const waiter of waiters) if (injected.length >= waiter.count) waiter.resolve();
      }
    };
    const pouring = Promise.all([pour(fromAlice, 'a'), pour(second, 'b')]);
    // Subscribe once the stream is under way.
    await injectedCount(20);
    const monitor = await monitorClient(env, BOB, `monitor:${since} pour-`);
    await injectedCount(100);
    stop = true;
    await pouring;
    const sentinel = await inject('pour-sentinel', 'end');
    const ids = replayedLines(monitor).map((line) => parseNotificationLine(line).id);
    for (;;) {
      const id = (await readNotification(monitor)).id;
      if (id === sentinel) break;
      ids.push(id);
    }
    assert.equal(new Set(ids).size, ids.length, 'no duplicates');
    assert.deepEqual([...ids].sort(), [...injected].sort(), 'every notification, replayed or live');
  });

  test('selfNotifications: self notifications only go to monitors that asked for them', async () => {
    const plain = await monitorClient(env, BOB, 'monitor enrollments');
    const withSelf = await monitorClient(env, BOB, 'monitor:selfNotifications enrollments');
    const self = notificationsOf(env.platform.server(BOB)).notifySelf(`abc.new.enrollments.__manage${BOB}`, '{"appName":"x"}', 60_000);
    assert.deepEqual(await readIds(withSelf, 1), [self.id]);
    const after = await inject('enrollments.marker', 'm');
    assert.deepEqual(await readIds(plain, 1), [after]);
  });

  test('a monitor connection answers heartbeats between notifications', async () => {
    const monitor = await monitorClient(env, BOB, 'monitor heartbeat');
    await inject('heartbeat.one', '1');
    assert.equal(parseNotificationLine(await readMonitorLine(monitor)).key, `${BOB}:heartbeat.one${ALICE}`);
    assert.deepEqual(await monitor.send('noop:0'), { line: 'data:ok', prompt: `${BOB}@` });
  });

  test('a client that never reads is dropped with a log line; other monitors and senders carry on', async () => {
    const stuck = await monitorClient(env, BOB, 'monitor flood');
    stuck.socket.pause();
    const reader = await monitorClient(env, BOB, 'monitor flood');
    const dropped = once(logger, 'warn');
    let droppedSeen = false;
    void dropped.then(() => (droppedSeen = true));
    const value = 'v'.repeat(32 * 1024);
    const ids: string[] = [];
    let read = 0;
    const reading = (async () => {
      for (;;) {
        const notification = await readNotification(reader);
        read++;
        if (notification.key.endsWith(`flood-end${ALICE}`)) return;
      }
    })();
    // Loopback sockets take megabytes before the server sees any backpressure: keep going
    // until the server gives up on the stuck client (bounded, in case it never does).
    while (!droppedSeen && ids.length < 5_000) ids.push(await inject(`flood-${ids.length}`, value));
    const [message] = (await dropped) as [string];
    assert.match(message, /dropping monitor connection _[0-9a-f-]+: its client stopped reading/);
    await inject('flood-end', 'end');
    await reading;
    assert.equal(read, ids.length + 1, 'the reading monitor got every notification');
    assert.equal(notificationsOf(env.platform.server(BOB)).monitors.size >= 1, true);
    stuck.destroy();
  });
});
