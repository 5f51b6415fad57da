/**
 * Every notification exchange of verb_exchanges.json (notify, notify:status/list/fetch,
 * server-to-server notify, monitor, stats notifications) against live atServers: @alice🛠
 * and @bob🛠 on one platform, delivering to each other over real TLS and pol.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { LineClient } from '../../../helpers/line-client.js';
import { startTestPlatform, type TestPlatform } from '../../../helpers/platform.js';
import { assertExchange, exchange, fill, NOTIFICATION_EXCHANGES, type Placeholders } from '../exchange-vectors.js';
import { monitorClient, notificationsOf, readMonitorLine, readStatsNotification, replayedLines, waitForStatus } from './support.js';

const ME = '@alice🛠';
const OTHER = '@bob🛠';
const uid = randomUUID().slice(0, 8);
const values: Placeholders = { me: ME, other: OTHER, uid };
const covered = new Set<number>();

describe('verb_exchanges.json: notifications against live atServers', () => {
  let env: TestPlatform;
  let owner: LineClient;

  before(async () => {
    env = await startTestPlatform(null, { demo: [ME, OTHER], tuning: { notifications: { statsIntervalMs: -1, queueJobIntervalMs: 100 } } });
    owner = await env.pkamClient(ME);
  });
  after(() => env.close());

  async function asOwner(index: number, extra: Partial<Placeholders> = {}, client = owner): Promise<string> {
    covered.add(index);
    const filled = { ...values, ...extra };
    const reply = await client.send(fill(exchange(index).command, filled));
    assertExchange(index, reply, filled);
    return reply.line;
  }

  test('#57–#63 notify to myself: delivered at once, listed, fetched; unknown ids fetch as expired', async () => {
    const selfId = (await asOwner(57)).slice('data:'.length);
    covered.add(58);
    assertExchange(58, await owner.send(`notify:status:${selfId}`), values);
    await asOwner(59);
    const withValue = (await asOwner(60)).slice('data:'.length);
    await asOwner(61);
    covered.add(62);
    assertExchange(62, await owner.send(`notify:fetch:${withValue}`), values);
    await asOwner(63);
  });

  test('#64–#67 malformed notify commands are AT0003', async () => {
    for (const index of [64, 65, 66, 67]) {
      const line = await asOwner(index);
      assert.match(line, /^error:AT0003-/);
    }
  });

  test('#68 #69 notify with ttr to another atSign: delivered, cached on the recipient', async () => {
    covered.add(68).add(69);
    const value = `cached-value-${uid}`;
    const reply = await owner.send(fill(exchange(68).command, values).replace('<value>', value));
    assertExchange(68, reply, values);
    await waitForStatus(notificationsOf(env.platform.server(ME)), reply.line.slice('data:'.length), 'delivered');
    // #69 runs on the recipient's server: `llookup:cached:@bob🛠:key-1@alice🛠`.
    const bob = await env.pkamClient(OTHER);
    const lookup = await bob.send(fill(exchange(69).command, values));
    assert.match(lookup.line, new RegExp(fill(exchange(69).responseRegex, values).replace('<value>', value)));
    assert.equal(lookup.prompt, `${OTHER}@`);
  });

  test('#70 #71 notify:delete removes the recipient\'s cached copy when it cascades', async () => {
    covered.add(70).add(71);
    const alice = notificationsOf(env.platform.server(ME));
    const update = await owner.data(`notify:update:ttr:-1:ccd:true:${OTHER}:key-2${ME}:to-be-deleted`);
    await waitForStatus(alice, update, 'delivered');
    const bob = await env.pkamClient(OTHER);
    assert.equal(await bob.data(`llookup:cached:${OTHER}:key-2${ME}`), 'to-be-deleted');
    const reply = await owner.send(fill(exchange(70).command, values));
    assertExchange(70, reply, values);
    await waitForStatus(alice, reply.line.slice('data:'.length), 'delivered');
    const lookup = await bob.send(fill(exchange(71).command, values));
    assert.match(lookup.line, new RegExp(fill(exchange(71).responseRegex, values)));
  });

  test('#72 a pol-authenticated server delivers a notification: data:success', async () => {
    covered.add(72);
    // Bob's server delivers to alice: {other} = bob is the pol atSign, {me} = alice the recipient.
    const server = await env.polClient(ME, OTHER);
    const id = randomUUID();
    const command = fill(exchange(72).command, values).replace('<id>', id).replace('<value>', 'from-bob');
    assertExchange(72, await server.send(command), values);
    const stored = notificationsOf(env.platform.server(ME)).records.get(id);
    assert.equal(stored?.type, 'received');
    assert.equal(stored?.fromAtSign, OTHER);
    assert.equal(stored?.notification, `${ME}:phone${OTHER}`);
  });

  test('#74 monitor:<epochMillis> <regex> replays stored notifications matching the regex', async () => {
    covered.add(74);
    const since = Date.now() - 1;
    await owner.data(`notify:update:${ME}:k-${uid}.monitor.e2etest${ME}:hello`);
    await owner.data(`notify:update:${ME}:other-${uid}${ME}:not-this-one`);
    const [command] = exchange(74).command.split(' ');
    const monitor = await monitorClient(env, ME, `${command?.replace('<epochMillis>', String(since))} monitor.e2etest`);
    const lines = replayedLines(monitor);
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0] ?? '', new RegExp(fill(exchange(74).responseRegex, values)));
    // And live ones after it.
    await owner.data(`notify:update:${ME}:live-${uid}.monitor.e2etest${ME}:again`);
    assert.match(await readMonitorLine(monitor), new RegExp(fill(exchange(74).responseRegex, values)));
  });

  test('#75 stats notification after a change, to every monitor whatever its regex', async () => {
    covered.add(75);
    const monitor = await monitorClient(env, ME, 'monitor nothing-matches-this');
    const commitId = await owner.data(`update:public:stats-${uid}${ME} x`);
    const { line, notification } = await readStatsNotification(monitor);
    assert.match(line, new RegExp(fill(exchange(75).responseRegex, values)));
    assert.equal(notification.value, commitId);
  });

  test('every notification exchange is covered', () => {
    assert.deepEqual([...NOTIFICATION_EXCHANGES].filter((index) => !covered.has(index)), []);
  });
});
