/**
 * Two atServers of one platform talking to each other as separate reference servers would:
 * proxied lookups over the from/pol handshake with their cache (server.md §5.1), plookup over
 * an anonymous connection with its cache (§5.2), public-key change detection (§5.4), relayed
 * errors, the block list, and a remote that never answers.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import { once } from 'node:events';
import { ManualClock } from '../../../agent/src/server/index.js';
import type { LineClient } from '../../helpers/line-client.js';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform.js';

const ALICE = '@alice🛠';
const BOB = '@bob🛠';

describe('server-to-server', () => {
  const clock = new ManualClock();
  let env: TestPlatform;
  let alice: LineClient;
  let bob: LineClient;

  before(async () => {
    // autoNotify off: the caches here must change only through lookups (notifications
    // refreshing them are the notification tests' subject).
    env = await startTestPlatform(null, {
      demo: [ALICE, BOB],
      tuning: { clock, limits: { outboundReadTimeoutMs: 1_000 }, notifications: { autoNotify: false } },
    });
    alice = await env.pkamClient(ALICE);
    bob = await env.pkamClient(BOB);
  });
  after(() => env.close());

  test('lookup of a shared key goes to the owner over pol and is cached per ttr', async () => {
    await bob.data(`update:ttr:3600:@alice🛠:phone.wavi${BOB} +1 555 0100`);
    assert.equal(await alice.data(`lookup:phone.wavi${BOB}`), '+1 555 0100');
    assert.equal(await alice.data(`llookup:cached:${ALICE}:phone.wavi${BOB}`), '+1 555 0100');
    const cached = JSON.parse(await alice.data(`lookup:all:phone.wavi${BOB}`)) as { key: string; metaData: { ttr: number } };
    assert.equal(cached.key, `cached:${ALICE}:phone.wavi${BOB}`);
    assert.equal(cached.metaData.ttr, 3600);
    // The cache answers until refreshAt even when the owner changed the value...
    await bob.data(`update:ttr:3600:@alice🛠:phone.wavi${BOB} +1 555 0199`);
    assert.equal(await alice.data(`lookup:phone.wavi${BOB}`), '+1 555 0100');
    // ...bypassCache asks the owner (key named without cached:)...
    const fresh = JSON.parse(await alice.data(`lookup:bypassCache:true:all:phone.wavi${BOB}`)) as { key: string; data: string };
    assert.deepEqual([fresh.key, fresh.data], [`${ALICE}:phone.wavi${BOB}`, '+1 555 0199']);
    // ...and so does the first lookup after refreshAt.
    await bob.data(`update:ttr:3600:@alice🛠:phone.wavi${BOB} +1 555 0142`);
    clock.advance(3_601_000);
    assert.equal(await alice.data(`lookup:phone.wavi${BOB}`), '+1 555 0142');
  });

  test('a key without ttr is answered but not cached', async () => {
    await bob.data(`update:@alice🛠:nocache${BOB} value`);
    assert.equal(await alice.data(`lookup:nocache${BOB}`), 'value');
    assert.match((await alice.send(`llookup:cached:${ALICE}:nocache${BOB}`)).line, /^error:AT0015-/);
  });

  test('the owner deleting the key: AT0015 relayed and the cached copy dropped', async () => {
    await bob.data(`update:ttr:-1:@alice🛠:gone${BOB} soon`);
    assert.equal(await alice.data(`lookup:gone${BOB}`), 'soon');
    await bob.data(`delete:@alice🛠:gone${BOB}`);
    assert.equal(await alice.data(`lookup:gone${BOB}`), 'soon', 'ttr -1: served from the cache');
    assert.match((await alice.send(`lookup:bypassCache:true:gone${BOB}`)).line, /^error:AT0015-key not found : /);
    assert.match((await alice.send(`llookup:cached:${ALICE}:gone${BOB}`)).line, /^error:AT0015-/);
  });

  test('a key bob shared with someone else, or only with himself, is not found', async () => {
    await bob.data(`update:@colin:secret${BOB} not for alice`);
    await bob.data(`update:selfonly${BOB} mine`);
    assert.match((await alice.send(`lookup:secret${BOB}`)).line, /^error:AT0015-/);
    assert.match((await alice.send(`lookup:selfonly${BOB}`)).line, /^error:AT0015-/);
  });

  test('an unborn remote key is data:null', async () => {
    await bob.data(`update:ttb:60000:@alice🛠:later${BOB} x`);
    assert.equal(await alice.data(`lookup:later${BOB}`), 'null');
  });

  test('scan:@bob lists what bob shares with alice, prefix removed', async () => {
    const keys = JSON.parse(await alice.data(`scan:${BOB}`)) as string[];
    assert.ok(keys.includes(`phone.wavi${BOB}`));
    assert.ok(!keys.includes(`secret${BOB}`) && !keys.includes(`selfonly${BOB}`));
  });

  test('plookup goes anonymous, caches as cached:public: and bypassCache refreshes', async () => {
    await bob.data(`update:public:location${BOB} Hyderabad`);
    assert.equal(await alice.data(`plookup:location${BOB}`), 'Hyderabad');
    const cached = JSON.parse(await alice.data(`llookup:all:cached:public:location${BOB}`)) as { metaData: { ttl: number } };
    assert.equal(cached.metaData.ttl, 24 * 60 * 60 * 1000);
    await bob.data(`update:public:location${BOB} Chennai`);
    assert.equal(await alice.data(`plookup:location${BOB}`), 'Hyderabad');
    const all = JSON.parse(await alice.data(`plookup:all:location${BOB}`)) as { key: string };
    assert.equal(all.key, `cached:public:location${BOB}`);
    assert.equal(await alice.data(`plookup:bypassCache:true:location${BOB}`), 'Chennai');
    assert.match((await alice.send(`plookup:nosuchkey${BOB}`)).line, /^error:AT0015-/);
  });

  test('a changed public key retires our shared key for that atSign (server.md §5.4)', async () => {
    const oldKey = await alice.data(`plookup:publickey${BOB}`);
    await alice.data(`update:shared_key.bob🛠${ALICE} wrapped-aes-key`);
    await bob.data(`update:public:publickey${BOB} MIIBnewkey`);
    assert.equal(await alice.data(`plookup:bypassCache:true:publickey${BOB}`), 'MIIBnewkey');
    assert.match((await alice.send(`llookup:shared_key.bob🛠${ALICE}`)).line, /^error:AT0015-/);
    const keys = JSON.parse(await alice.data('scan shared_key')) as string[];
    assert.ok(keys.some((key) => /^shared_key\.bob🛠\.until\.\d+@alice🛠$/.test(key)), keys.join(','));
    await bob.data(`update:public:publickey${BOB} ${oldKey}`);
  });

  test('an atSign the directory does not know is AT0007', async () => {
    assert.match((await alice.send('lookup:phone@nosuchatsign')).line, /^error:AT0007-/);
    assert.match((await alice.send('plookup:phone@nosuchatsign')).line, /^error:AT0007-/);
  });

  test('blocked by the owner: the handshake fails (AT0008), public data still flows', async () => {
    await bob.data(`config:block:add:${ALICE}`);
    env.platform.server(ALICE)?.outbound.discard(BOB, 'authenticated');
    assert.match((await alice.send(`lookup:bypassCache:true:phone.wavi${BOB}`)).line, /^error:AT0008-/);
    assert.equal(await alice.data(`plookup:bypassCache:true:location${BOB}`), 'Chennai');
    await bob.data(`config:block:remove:${ALICE}`);
    assert.equal(await alice.data(`lookup:bypassCache:true:phone.wavi${BOB}`), '+1 555 0142');
  });

  test('a remote that never answers is AT0023 after the read timeout', async () => {
    const server = tls.createServer(env.serverCredentials());
    const sockets: tls.TLSSocket[] = [];
    server.on('secureConnection', (socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
      socket.write('@');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    await env.platform.registry.register('@silent', 'localhost', port);
    try {
      assert.match((await alice.send('plookup:anything@silent')).line, /^error:AT0023-/);
    } finally {
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });

  test('the cache refresh job replaces changed copies and drops deleted ones (server.md §5.3)', async () => {
    await bob.data(`update:ttr:10:@alice🛠:refresh.me${BOB} v1`);
    await bob.data(`update:ttr:10:@alice🛠:refresh.gone${BOB} v1`);
    await bob.data(`update:ttr:10:@alice🛠:refresh.same${BOB} v1`);
    for (const key of ['refresh.me', 'refresh.gone', 'refresh.same']) assert.equal(await alice.data(`lookup:${key}${BOB}`), 'v1');
    await bob.data(`update:ttr:10:@alice🛠:refresh.me${BOB} v2`);
    await bob.data(`delete:@alice🛠:refresh.gone${BOB}`);
    const server = env.platform.server(ALICE);
    assert.ok(server !== undefined);
    assert.equal(await server.refreshCaches(), 0, 'nothing is stale yet');
    clock.advance(11_000);
    assert.equal(await server.refreshCaches(), 2);
    assert.equal(await alice.data(`llookup:cached:${ALICE}:refresh.me${BOB}`), 'v2');
    assert.match((await alice.send(`llookup:cached:${ALICE}:refresh.gone${BOB}`)).line, /^error:AT0015-/);
    assert.equal(await alice.data(`llookup:cached:${ALICE}:refresh.same${BOB}`), 'v1');
  });

  test('stats counts outbound connections', async () => {
    const stats = JSON.parse((await alice.data('stats:2')).trimStart()) as { value: string }[];
    assert.ok(Number(stats[0]?.value) >= 1);
  });
});
