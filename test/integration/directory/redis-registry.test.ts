import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { createClient } from '@redis/client';
import { ensureServerTls } from '../../../agent/src/server/tls/index.js';
import {
  openRedisRegistry,
  startDirectoryServer,
  RegistryUnavailableError,
  InvalidRegistrationError,
} from '../../../agent/src/server/directory/index.js';
import { directoryServerSuite, quietLogger } from './directory-suite.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { DirectoryTestClient } from './directory-client.js';
import { startRedisServer } from './redis-server-process.js';

directoryServerSuite('Redis', async (t) => {
  const redis = await startRedisServer(t);
  return openRedisRegistry(redis.url, { logger: quietLogger });
});

describe('Redis registry', () => {
  test('uses plain at_root records: SET <atsign-without-@> host:port, both ways', async (t) => {
    const redis = await startRedisServer(t);
    const raw = createClient({ url: redis.url });
    raw.on('error', () => undefined);
    await raw.connect();
    t.after(() => raw.close());
    const registry = await openRedisRegistry(redis.url, { logger: quietLogger });
    t.after(() => registry.close());

    await raw.set('alice🛠', 'vip.ve.atsign.zone:25000');
    assert.equal(await registry.lookup('alice🛠'), 'vip.ve.atsign.zone:25000');
    await registry.register('@Bob🛠', 'Device.Local', 6464);
    assert.equal(await raw.get('bob🛠'), 'device.local:6464');
    assert.deepEqual((await raw.keys('*')).sort(), ['alice🛠', 'bob🛠']);
    assert.equal(await registry.unregister('bob🛠'), true);
    assert.equal(await registry.unregister('bob🛠'), false);
    assert.equal(await raw.exists('bob🛠'), 0);
    await assert.rejects(registry.register('a b', 'host', 1), InvalidRegistrationError);
  });

  test('two directory servers share one Redis', async (t) => {
    const redis = await startRedisServer(t);
    const material = await ensureServerTls(tempDir(t));
    const registries = await Promise.all([
      openRedisRegistry(redis.url, { logger: quietLogger }),
      openRedisRegistry(redis.url, { logger: quietLogger }),
    ]);
    const servers = await Promise.all(
      registries.map((registry) => startDirectoryServer({ host: '127.0.0.1', port: 0, tls: material, registry })),
    );
    t.after(async () => {
      await Promise.all(servers.map((server) => server.close()));
      await Promise.all(registries.map((registry) => registry.close()));
    });

    // Each host registers its own atServer; both directories answer for both.
    await registries[0]!.register('@alice🛠', 'host-a.example', 25000);
    await registries[1]!.register('@bob🛠', 'host-b.example', 25001);
    for (const server of servers) {
      const client = await DirectoryTestClient.connect(server.port, { ca: material.ca });
      t.after(() => client.destroy());
      assert.equal(await client.lookup('alice🛠'), 'host-a.example:25000');
      assert.equal(await client.lookup('bob🛠'), 'host-b.example:25001');
    }
  });

  test('when Redis goes away, lookups close the connection instead of claiming the atSign does not exist', async (t) => {
    const redis = await startRedisServer(t);
    const material = await ensureServerTls(tempDir(t));
    const logger = { warnings: [] as string[], warn(message: string) { this.warnings.push(message); } };
    const registry = await openRedisRegistry(redis.url, { logger });
    const server = await startDirectoryServer({ host: '127.0.0.1', port: 0, tls: material, registry, logger });
    t.after(async () => {
      await server.close();
      await registry.close();
    });
    await registry.register('alice🛠', 'host-a.example', 25000);

    await redis.stop();
    const client = await DirectoryTestClient.connect(server.port, { ca: material.ca });
    t.after(() => client.destroy());
    await client.write('alice🛠\n');
    assert.equal(await client.waitClosed(), '', 'no "null" answer');
    assert.ok(logger.warnings.some((warning) => warning.includes('lookup failed')), logger.warnings.join('\n'));
    await assert.rejects(registry.register('bob', 'h', 1), RegistryUnavailableError);
  });

  test('an unreachable Redis at start is a clear error, not a hang', async () => {
    const probe = net.createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as net.AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    await assert.rejects(
      openRedisRegistry(`redis://:secret-password@127.0.0.1:${port}`, { connectTimeoutMs: 200, logger: quietLogger }),
      (error: unknown) => {
        assert.ok(error instanceof RegistryUnavailableError);
        assert.ok(!error.message.includes('secret-password'), 'the password is not in the message');
        return true;
      },
    );
  });
});
