import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AtDirectory, AtSignNotFoundError, ConnectError, parseRootAddress, RootAddressError } from '../../../agent/src/net/index.js';
import { withScriptedPeer, type ScriptStep } from './support/scripted-peer.js';

const exit: ScriptStep = { expect: '@exit' };

describe('atDirectory lookups', () => {
  test('sends the atSign without @, reads host:port, says @exit, and caches the answer', async () => {
    await withScriptedPeer({ scripts: [[{ expect: 'alice🛠', reply: 'vip.ve.atsign.zone:25000\r\n@' }, exit]] }, async (peer) => {
      const directory = new AtDirectory({ root: peer.address, ca: peer.caPem });
      assert.deepEqual(await directory.lookup('@Alice🛠'), { host: 'vip.ve.atsign.zone', port: 25000 });
      assert.deepEqual(await directory.resolve('alice🛠'), { host: 'vip.ve.atsign.zone', port: 25000 });
      await peer.linesReceived(0, 2);
      assert.equal(peer.connections.length, 1, 'the second lookup came from the cache');
      assert.deepEqual(peer.problems, []);
    });
  });

  test('null, data:null and an empty answer all mean "no such atSign"; resolve() raises AT0007', async () => {
    await withScriptedPeer({
      scripts: [
        [{ expect: 'nosuchatsign', reply: 'null\r\n@' }, exit],
        [{ expect: 'legacy', reply: 'data:null\r\n@' }, exit],
        [{ expect: 'empty', reply: '\r\n@' }, exit],
        [{ expect: 'nosuchatsign', reply: 'null\r\n@' }, exit],
      ],
    }, async (peer) => {
      const directory = new AtDirectory({ root: peer.address, ca: peer.caPem });
      assert.equal(await directory.lookup('nosuchatsign'), null);
      assert.equal(await directory.lookup('legacy'), null);
      assert.equal(await directory.lookup('empty'), null);
      await assert.rejects(directory.resolve('nosuchatsign'), (error: unknown) => {
        assert.ok(error instanceof AtSignNotFoundError);
        assert.equal(error.code, 'AT0007');
        assert.equal(error.atSign, '@nosuchatsign');
        return true;
      });
      assert.equal(peer.connections.length, 4, 'not-found answers are not cached and not retried');
    });
  });

  test('a failed attempt (connection dropped) is retried on a fresh connection', async () => {
    await withScriptedPeer({
      scripts: [[{ expect: 'bob', then: 'destroy' }], [{ expect: 'bob', reply: 'garbage\r\n@' }, exit], [{ expect: 'bob', reply: 'bob.example:6464\r\n@' }, exit]],
    }, async (peer) => {
      const directory = new AtDirectory({ root: peer.address, ca: peer.caPem, retryDelaysMs: [1, 1, 1] });
      assert.deepEqual(await directory.lookup('@bob'), { host: 'bob.example', port: 6464 });
      assert.equal(peer.connections.length, 3);
    });
  });

  test('gives up with ConnectError after the last retry', async () => {
    await withScriptedPeer({ scripts: [[{ expect: 'bob', then: 'destroy' }]] }, async (peer) => {
      const directory = new AtDirectory({ root: peer.address, ca: peer.caPem, retryDelaysMs: [1, 1] });
      await assert.rejects(directory.lookup('@bob'), (error: unknown) => error instanceof ConnectError && error.code === 'AT0021');
      assert.equal(peer.connections.length, 3);
    });
  });

  test('cached answers expire; concurrent lookups share one query', async () => {
    await withScriptedPeer({ scripts: [[{ expect: 'bob', reply: 'one.example:1\r\n@' }, exit], [{ expect: 'bob', reply: 'two.example:2\r\n@' }, exit]] }, async (peer) => {
      let now = 1_000;
      const directory = new AtDirectory({ root: peer.address, ca: peer.caPem, cacheTtlMs: 500, now: () => now });
      const [a, b] = await Promise.all([directory.lookup('bob'), directory.lookup('@bob')]);
      assert.deepEqual([a, b], [{ host: 'one.example', port: 1 }, { host: 'one.example', port: 1 }]);
      now += 499;
      assert.deepEqual(await directory.lookup('bob'), { host: 'one.example', port: 1 });
      now += 2;
      assert.deepEqual(await directory.lookup('bob'), { host: 'two.example', port: 2 });
      assert.equal(peer.connections.length, 2);
      directory.invalidate('bob');
    });
  });

  test('proxy: roots skip the lookup', async () => {
    const directory = new AtDirectory({ root: 'proxy:my.proxy.example:6464' });
    assert.deepEqual(await directory.lookup('@anyone'), { host: 'my.proxy.example', port: 6464 });
  });

  test('root addresses', () => {
    assert.deepEqual(parseRootAddress('root.atsign.org:64'), { host: 'root.atsign.org', port: 64, proxy: false, text: 'root.atsign.org:64' });
    assert.deepEqual(parseRootAddress('vip.ve.atsign.zone'), { host: 'vip.ve.atsign.zone', port: 64, proxy: false, text: 'vip.ve.atsign.zone' });
    for (const bad of ['', ':64', 'host:0', 'host:99999', 'host:x', 'a b:64']) {
      assert.throws(() => parseRootAddress(bad), RootAddressError, bad);
    }
  });
});
