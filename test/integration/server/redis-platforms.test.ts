/**
 * Two platforms (two hosts, as far as anyone can tell) sharing one real Redis directory
 * (`--redis`): each registers its atSigns there, either root answers for both, and their
 * atServers find each other through it for proxied lookups with the pol handshake. The second
 * platform gets a copy of the first one's TLS material, standing in for certificates from a
 * CA both trust.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestPlatform } from '../../helpers/platform.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { DirectoryTestClient } from '../directory/directory-client.js';
import { startRedisServer } from '../directory/redis-server-process.js';

test('two platforms on one Redis directory serve each other\'s atSigns', async (t) => {
  const redis = await startRedisServer(t);
  const first = await startTestPlatform(t, { demo: ['@alice🛠'], redis: redis.url, tuning: { notifications: { autoNotify: false } } });
  const secondDir = tempDir(t);
  fs.cpSync(path.join(first.dataDir, 'tls'), path.join(secondDir, 'tls'), { recursive: true });
  const second = await startTestPlatform(t, { demo: ['@bob🛠'], redis: redis.url, dataDir: secondDir, tuning: { notifications: { autoNotify: false } } });

  for (const root of [first.platform.rootPort, second.platform.rootPort]) {
    const client = await DirectoryTestClient.connect(root, { ca: first.ca });
    assert.equal(await client.lookup('bob🛠'), `localhost:${second.port('@bob🛠')}`);
    assert.equal(await client.lookup('alice🛠'), `localhost:${first.port('@alice🛠')}`);
    client.destroy();
  }

  const bob = await second.pkamClient('@bob🛠');
  await bob.data('update:ttr:-1:@alice🛠:phone@bob🛠 across hosts');
  const alice = await first.pkamClient('@alice🛠');
  assert.equal(await alice.data('lookup:phone@bob🛠'), 'across hosts');
  assert.equal(await alice.data('plookup:publickey@bob🛠'), await bob.data('llookup:public:publickey@bob🛠'));
});
