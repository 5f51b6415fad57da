/**
 * What the notify verbs refuse, and how: a foreign sender (AT0009), a server notifying about
 * someone else's key or for someone else (AT0009: the check the reference lacks), repeated
 * ids from a retrying sender (stored and shown once), ids already taken (AT0022), cached
 * names that are too long (AT0016), unauthenticated use; notify:list filters and dates,
 * notify:list over pol, notify:remove, notify:all.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { LineClient } from '../../../helpers/line-client.js';
import { startTestPlatform, type TestPlatform } from '../../../helpers/platform.js';
import { monitorClient, notificationsOf, readNotification, waitForStatus } from './support.js';

const ALICE = '@alice🛠';
const BOB = '@bob🛠';

describe('notify verbs: refusals, filters, removal', () => {
  let env: TestPlatform;
  let alice: LineClient;
  let bob: LineClient;

  before(async () => {
    env = await startTestPlatform(null, { demo: [ALICE, BOB], tuning: { notifications: { statsIntervalMs: -1, queueJobIntervalMs: 20 } } });
    alice = await env.pkamClient(ALICE);
    bob = await env.pkamClient(BOB);
  });
  after(() => env.close());

  test('the owner cannot send as someone else: AT0009', async () => {
    assert.match((await alice.send(`notify:update:${BOB}:phone@colin:v`)).line, /^error:AT0009-/);
    assert.match((await alice.send(`notify:all:${BOB}:phone@colin:v`)).line, /^error:AT0009-/);
  });

  test('a server may notify only about its own keys, and only this atSign: AT0009', async () => {
    const server = await env.polClient(BOB, ALICE);
    const monitor = await monitorClient(env, BOB, 'monitor phone');
    assert.match((await server.send(`notify:id:${randomUUID()}:update:${BOB}:phone@colin:forged`)).line, /^error:AT0009-/);
    assert.match((await server.send(`notify:id:${randomUUID()}:update:@colin:phone${ALICE}:misdirected`)).line, /^error:AT0009-/);
    assert.match((await server.send(`notify:update:ttr:-1:${BOB}:shared_key@colin:planted`)).line, /^error:AT0009-/);
    assert.match((await bob.send(`llookup:cached:${BOB}:shared_key@colin`)).line, /^error:AT0015-/);
    // Text messages name no owner: the pol atSign is the sender.
    assert.equal((await server.send(`notify:messageType:text:${BOB}:phone call me`)).line, 'data:success');
    const shown = await readNotification(monitor);
    assert.equal(shown.from, ALICE);
    assert.equal(shown.key, `${BOB}:phone call me`);
  });

  test('a retried id is stored and shown once; an id already used by something else is AT0022', async () => {
    const server = await env.polClient(BOB, ALICE);
    const monitor = await monitorClient(env, BOB, 'monitor dup');
    const id = randomUUID();
    const command = `notify:id:${id}:update:ttr:-1:${BOB}:dup.key${ALICE}:first`;
    assert.equal((await server.send(command)).line, 'data:success');
    assert.equal((await server.send(command)).line, 'data:success');
    const marker = randomUUID();
    assert.equal((await server.send(`notify:id:${marker}:update:${BOB}:dup.marker${ALICE}:m`)).line, 'data:success');
    assert.deepEqual([(await readNotification(monitor)).id, (await readNotification(monitor)).id], [id, marker]);
    assert.equal(notificationsOf(env.platform.server(BOB)).records.list((n) => n.id === id).length, 1);
    // An id bob's server already uses for one of its own notifications.
    const own = await bob.data(`notify:${BOB}:mine${BOB}:x`);
    assert.match((await server.send(`notify:id:${own}:update:${BOB}:taken${ALICE}:x`)).line, /^error:AT0022-/);
  });

  test('a cached name longer than 255 characters is AT0016 and nothing is stored', async () => {
    const server = await env.polClient(BOB, ALICE);
    const id = randomUUID();
    const long = `k${'x'.repeat(240)}`;
    assert.match((await server.send(`notify:id:${id}:update:ttr:-1:${BOB}:${long}${ALICE}:v`)).line, /^error:AT0016-/);
    assert.equal(notificationsOf(env.platform.server(BOB)).records.get(id), undefined);
  });

  test('unauthenticated: notify AT0401, notify:list null, notify:status/fetch/remove/all and monitor AT0401', async () => {
    const anonymous = await env.connect(BOB);
    assert.match((await anonymous.send(`notify:update:${BOB}:x.y${ALICE}:v`)).line, /^error:AT0401-/);
    assert.equal((await anonymous.send('notify:list')).line, 'data:null');
    for (const command of ['notify:status:abc', 'notify:fetch:abc', 'notify:remove:abc', `notify:all:${ALICE}:xy${BOB}:v`, 'monitor']) {
      assert.match((await anonymous.send(command)).line, /^error:AT0401-/, command);
    }
  });

  test('notify:list: regex, dates (whole UTC days), AT0022 for dates that do not exist', async () => {
    const id = await bob.data(`notify:${BOB}:listed.today${BOB}:x`);
    const today = new Date().toISOString().slice(0, 10);
    const listed = (command: string) => bob.data(command).then((text) => (text === 'null' ? [] : (JSON.parse(text) as Array<{ id: string }>).map((entry) => entry.id)));
    assert.ok((await listed(`notify:list:${today}:${today}:listed\\.today`)).includes(id));
    assert.deepEqual(await listed('notify:list:2001-01-01:2001-01-02'), []);
    assert.ok((await listed('notify:list:listed')).includes(id));
    // The regex is also tried on the sender's name, without its @.
    assert.ok((await listed('notify:list:bob')).includes(id));
    for (const bad of ['notify:list:2024-13-01', 'notify:list:2024-02-30', 'notify:list:2024-1-5', 'notify:list:2024-05-02:2024-05-01']) {
      assert.match((await bob.send(bad)).line, /^error:AT0022-/, bad);
    }
  });

  test('notify:list over pol lists what this server sent to the asking atSign', async () => {
    const sent = await alice.data(`notify:${BOB}:for.bob${ALICE}:x`);
    await waitForStatus(notificationsOf(env.platform.server(ALICE)), sent, 'delivered');
    const asBob = await env.polClient(ALICE, BOB);
    const entries = JSON.parse((await asBob.send('notify:list:for\\.bob')).line.slice('data:'.length)) as Array<{ id: string; to: string }>;
    assert.deepEqual(entries.map((entry) => entry.id), [sent]);
    assert.equal((await asBob.send(`notify:status:${sent}`)).line, 'data:delivered');
  });

  test('notify:remove forgets a notification (success for unknown ids too); no id is AT0003', async () => {
    const id = await bob.data(`notify:${BOB}:to.remove${BOB}:x`);
    assert.equal(await bob.data(`notify:remove:${id}`), 'success');
    assert.equal(await bob.data(`notify:status:${id}`), 'null');
    assert.equal(await bob.data(`notify:fetch:${id}`), `{"id":"${id}","notificationStatus":"NotificationStatus.expired"}`);
    assert.equal(await bob.data('notify:remove:never-was'), 'success');
    assert.match((await bob.send('notify:remove:')).line, /^error:AT0003-/);
  });

  test('notify:all: one notification per recipient, answered with a space after data:', async () => {
    const monitor = await monitorClient(env, BOB, 'monitor broadcast');
    const reply = await alice.send(`notify:all:${BOB},${ALICE}:broadcast${ALICE}:hello`);
    assert.match(reply.line, /^data: \{/);
    const ids = JSON.parse(reply.line.slice('data: '.length)) as Record<string, string>;
    assert.deepEqual(Object.keys(ids), [BOB, ALICE]);
    const shown = await readNotification(monitor);
    assert.equal(shown.id, ids[BOB]);
    assert.equal(shown.value, 'hello');
    assert.equal(await alice.data(`notify:status:${ids[ALICE]}`), 'delivered');
  });
});
