/**
 * The outbound pool when full (issue: pool exhaustion): a server that has talked to as many
 * remotes as `outboundMaxConnections` allows closes its least-recently-used idle connection
 * for a new remote instead of answering AT0006 until one times out (10 minutes); AT0006 only
 * while every pooled connection is busy. Three scripted remote servers, a pool of two.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlatform } from '../../helpers/platform.js';
import { ScriptedPeer } from './notifications/scripted-peer.js';
import { notificationsOf, waitForStatus } from './notifications/support.js';

const ALICE = '@alice🛠';

// The timeout only turns a regression (the third recipient waiting 10 minutes) into a failure.
test('a full pool makes room by closing its least-recently-used idle connection; AT0006 only when all are busy', { timeout: 60_000 }, async (t) => {
  const env = await startTestPlatform(t, {
    demo: [ALICE],
    tuning: { limits: { outboundMaxConnections: 2 }, notifications: { statsIntervalMs: -1, autoNotify: false } },
  });
  const [one, two, three] = await Promise.all(['pool-one', 'pool-two', 'pool-three'].map((name) => ScriptedPeer.start(env, name)));
  assert.ok(one !== undefined && two !== undefined && three !== undefined);
  t.after(() => Promise.all([one, two, three].map((peer) => peer.close())));
  const server = env.platform.server(ALICE);
  assert.ok(server !== undefined);
  const service = notificationsOf(server);
  const alice = await env.pkamClient(ALICE);
  const notify = (peer: ScriptedPeer, text: string) => alice.data(`notify:${peer.atSign}:pool${ALICE}:${text}`);
  const delivered = async (peer: ScriptedPeer, text: string) => waitForStatus(service, await notify(peer, text), 'delivered');

  await delivered(one, 'a');
  await delivered(two, 'b');
  await delivered(one, 'c'); // one used last: two is the least recently used
  assert.equal(server.outbound.size, 2, 'the pool is full of idle connections');

  await delivered(three, 'd');
  await two.untilConnections(0);
  assert.equal(one.connections, 1, 'the more recently used connection stays');
  assert.equal(three.connections, 1);
  assert.equal(server.outbound.size, 2);

  // Both pooled connections busy: one and three never answer their next notification.
  one.answer = () => 'silence';
  three.answer = () => 'silence';
  const stuck = await notify(one, 'e');
  await notify(three, 'f');
  await Promise.all([one.received(3), three.received(2)]);
  assert.match((await alice.send(`plookup:anything${two.atSign}`)).line, /^error:AT0006-Outbound connection limit exceeded/);
  assert.equal(two.connections, 0, 'no connection was opened beyond the limit');

  // One of them fails: its connection leaves the pool and the next remote gets the slot.
  one.dropConnections();
  await waitForStatus(service, stuck, 'errored');
  assert.equal((await alice.send(`plookup:anything${two.atSign}`)).line, 'data:null');
  assert.equal(two.connections, 1);
});
