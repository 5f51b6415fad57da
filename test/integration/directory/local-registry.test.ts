import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  openLocalRegistry,
  InvalidRegistrationError,
} from '../../../agent/src/server/directory/index.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { directoryServerSuite, demoRecords, registerDemoRecords } from './directory-suite.js';

directoryServerSuite('in-process', async (t) => openLocalRegistry(tempDir(t)));

describe('in-process registry', () => {
  test('registrations survive a restart; unregister removes them', async (t) => {
    const dir = tempDir(t);
    const registry = await openLocalRegistry(dir);
    await registerDemoRecords(registry);
    await registry.register('@Device🛠', 'Host.Example', 6464);
    assert.equal(await registry.unregister('srie'), true);
    assert.equal(await registry.unregister('@srie'), false);
    await registry.close();

    const reopened = await openLocalRegistry(dir);
    t.after(() => reopened.close());
    assert.equal(await reopened.lookup('device🛠'), 'host.example:6464');
    assert.equal(await reopened.lookup('srie'), null);
    for (const [atSign, address] of demoRecords.filter(([atSign]) => atSign !== 'srie')) {
      assert.equal(await reopened.lookup(atSign), address);
    }
  });

  test('refuses records no client could look up or use', async (t) => {
    const registry = await openLocalRegistry(tempDir(t));
    t.after(() => registry.close());
    const bad: Array<[string, string, number]> = [
      ['', 'host', 1],
      ['@', 'host', 1],
      ['ali ce', 'host', 1],
      ['a@b', 'host', 1],
      ['a:b', 'host', 1],
      ['x'.repeat(255), 'host', 1],
      ['alice', '', 1],
      ['alice', '::1', 1],
      ['alice', 'host name', 1],
      ['alice', 'host', 0],
      ['alice', 'host', 65536],
      ['alice', 'host', 1.5],
    ];
    for (const [atSign, host, port] of bad) {
      await assert.rejects(registry.register(atSign, host, port), InvalidRegistrationError, `${atSign} ${host} ${port}`);
    }
    await registry.register('x'.repeat(254), 'host', 1);
  });
});
