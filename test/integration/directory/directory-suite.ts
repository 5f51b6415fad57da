/**
 * The atDirectory behaviour suite, run once per registry backend: a real TLS server with
 * the local CA's certificate, real TLS clients that trust only that CA.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { ensureServerTls, type ServerTls } from '../../../agent/src/server/tls/index.js';
import {
  startDirectoryServer,
  type DirectoryRegistry,
  type DirectoryServer,
  type DirectoryServerOptions,
} from '../../../agent/src/server/directory/index.js';
import { readVector } from '../../helpers/vectors.js';
import { DirectoryTestClient } from './directory-client.js';

interface DemoRecords {
  virtualEnvironmentRootRecords: { records: Record<string, { rootValue: string }> };
}

/** atSign (without @) → host:port, from upstream's virtual environment. */
export const demoRecords: ReadonlyArray<[string, string]> = Object.entries(
  readVector<DemoRecords>('demo_keys.json').virtualEnvironmentRootRecords.records,
).map(([atSign, record]) => [atSign, record.rootValue]);

export const quietLogger = { warnings: [] as string[], warn(message: string) { this.warnings.push(message); } };

export async function registerDemoRecords(registry: DirectoryRegistry): Promise<void> {
  for (const [atSign, address] of demoRecords) {
    const split = address.lastIndexOf(':');
    await registry.register(atSign, address.slice(0, split), Number(address.slice(split + 1)));
  }
}

export type OpenRegistry = (t: TestContext) => Promise<DirectoryRegistry>;

export function directoryServerSuite(label: string, openRegistry: OpenRegistry): void {
  describe(`atDirectory over TLS, ${label} registry`, () => {
    let tlsDir: string;
    let material: ServerTls;

    before(async () => {
      tlsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atagent-directory-tls-'));
      material = await ensureServerTls(tlsDir);
    });
    after(() => fs.rmSync(tlsDir, { recursive: true, force: true }));

    async function start(
      t: TestContext,
      options: Partial<DirectoryServerOptions> = {},
    ): Promise<{ server: DirectoryServer; registry: DirectoryRegistry; connect(greeting?: boolean): Promise<DirectoryTestClient> }> {
      const registry = await openRegistry(t);
      await registerDemoRecords(registry);
      const server = await startDirectoryServer({
        host: '127.0.0.1',
        port: 0,
        tls: material,
        registry,
        notFoundDelayMs: 20,
        logger: quietLogger,
        ...options,
      });
      const clients: DirectoryTestClient[] = [];
      t.after(async () => {
        for (const client of clients) client.destroy();
        await server.close();
        await registry.close();
      });
      return {
        server,
        registry,
        /** A client past the `@` greeting, unless `greeting` is false (then it reads the greeting itself). */
        async connect(greeting = true) {
          const client = await DirectoryTestClient.connect(server.port, { ca: material.ca, greeting });
          clients.push(client);
          return client;
        },
      };
    }

    test('writes the @ prompt right after the handshake', async (t) => {
      const { connect } = await start(t);
      const client = await connect(false);
      assert.equal(await client.readUntil('@'), '');
      assert.equal(client.unread, '');
    });

    test('answers every virtual-environment record, emoji atSigns included, on one connection', async (t) => {
      const { connect } = await start(t);
      const client = await connect();
      assert.ok(demoRecords.length >= 20);
      for (const [atSign, address] of demoRecords) assert.equal(await client.lookup(atSign), address, atSign);
      assert.ok(demoRecords.some(([atSign]) => atSign === 'alice🛠'));
    });

    test('answers null for an unknown atSign and for an empty line (what at_c sends first)', async (t) => {
      const { connect } = await start(t);
      const client = await connect();
      await client.write('\r\n');
      assert.equal(await client.readUntil('\r\n@'), 'null');
      const other = await connect();
      assert.equal(await other.lookup('nobody-has-this'), 'null');
    });

    test('lower-cases and trims the query, and tolerates a leading @', async (t) => {
      const { connect, registry } = await start(t);
      await registry.register('@Zed🛠', 'Zed.Example', 7000);
      const client = await connect();
      assert.equal(await client.lookup('ALICE🛠'), 'vip.ve.atsign.zone:25000');
      assert.equal(await client.lookup('  bob🛠 \r'), 'vip.ve.atsign.zone:25003');
      assert.equal(await client.lookup('zed🛠'), 'zed.example:7000');
      assert.equal(await client.lookup('@alice🛠'), 'vip.ve.atsign.zone:25000');
    });

    test('@exit closes the connection without a reply', async (t) => {
      const { connect } = await start(t);
      const client = await connect();
      assert.equal(await client.lookup('alice🛠'), 'vip.ve.atsign.zone:25000');
      await client.write('@EXIT\n');
      assert.equal(await client.waitClosed(), '');
    });

    test('a lookup arriving byte by byte, splitting the emoji, is answered once', async (t) => {
      const { connect } = await start(t);
      const client = await connect();
      for (const byte of Buffer.from('emoji🦄🛠\n', 'utf8')) await client.write(Buffer.from([byte]));
      assert.equal(await client.readUntil('\r\n@'), 'vip.ve.atsign.zone:25009');
      assert.equal(await client.lookup('srie'), 'vip.ve.atsign.zone:25018');
    });

    test('a burst of lookups in one write gets one answer per line, in order', async (t) => {
      const { connect } = await start(t);
      const client = await connect();
      const burst = demoRecords.slice(0, 12);
      await client.write(burst.map(([atSign]) => `${atSign}\n`).join('') + 'unknown-one\r\nbarbara🛠\n');
      for (const [atSign, address] of burst) assert.equal(await client.readUntil('\r\n@'), address, atSign);
      assert.equal(await client.readUntil('\r\n@'), 'null');
      assert.equal(await client.readUntil('\r\n@'), 'vip.ve.atsign.zone:25002');
    });

    test('throttling: the 2nd not-found is answered after the delay, the 3rd closes unanswered', async (t) => {
      const { connect } = await start(t, { notFoundDelayMs: 25 });
      const client = await connect();
      assert.equal(await client.lookup('unknown-1'), 'null');
      assert.equal(await client.lookup('alice🛠'), 'vip.ve.atsign.zone:25000', 'found lookups do not count');
      assert.equal(await client.lookup('unknown-2'), 'null');
      assert.equal(await client.lookup('bob🛠'), 'vip.ve.atsign.zone:25003');
      await client.write('unknown-3\n');
      assert.equal(await client.waitClosed(), '');

      // The count is per connection: a new connection starts afresh.
      const fresh = await connect();
      assert.equal(await fresh.lookup('unknown-1'), 'null');
    });

    test('throttling holds the 2nd not-found answer back while the delay runs; other connections are served', async (t) => {
      const { connect, server } = await start(t, { notFoundDelayMs: 3_600_000 });
      const slow = await connect();
      assert.equal(await slow.lookup(''), 'null');
      await slow.write('unknown-2\nalice🛠\n');
      // A full round trip on another connection after unknown-2 was sent.
      const other = await connect();
      assert.equal(await other.lookup('alice🛠'), 'vip.ve.atsign.zone:25000');
      assert.equal(await other.lookup('bob🛠'), 'vip.ve.atsign.zone:25003');
      assert.equal(slow.unread, '', 'nothing answered while throttled, not even the lookup queued behind it');
      assert.equal(server.connections, 2);
      await server.close();
      assert.equal(await slow.waitClosed(), '');
    });

    test('a request over 255 characters closes the connection unanswered; 254 + newline is fine', async (t) => {
      const { connect } = await start(t);
      const client = await connect();
      assert.equal(await client.lookup('x'.repeat(254)), 'null');
      await client.write(`${'y'.repeat(255)}\n`);
      assert.equal(await client.waitClosed(), '');
    });

    test('10 MB without a newline closes that connection and does not disturb another', async (t) => {
      const { connect } = await start(t);
      const flood = await connect();
      const good = await connect();
      // The server stops reading at once; do not wait for the whole write to drain.
      flood.socket.write(Buffer.alloc(10 * 1024 * 1024, 0x61), () => undefined);
      assert.equal(await flood.waitClosed(), '');
      assert.equal(await good.lookup('alice🛠'), 'vip.ve.atsign.zone:25000');
    });

    test('garbage bytes are lookups that find nothing, and count towards the throttle', async (t) => {
      const { connect } = await start(t);
      const client = await connect();
      assert.equal(await client.lookup('\u0000\u00ff\u0007'), 'null');
      await client.write(Buffer.from([0xff, 0xfe, 0x0a]));
      assert.equal(await client.readUntil('\r\n@'), 'null');
      await client.write(Buffer.from([0xc3, 0x28, 0x0a]));
      assert.equal(await client.waitClosed(), '');
    });

    test('an idle connection is closed; connections over the limit are refused', async (t) => {
      const { connect } = await start(t, { idleTimeoutMs: 50 });
      const idle = await connect();
      assert.equal(await idle.waitClosed(), '');

      const { connect: connectLimited } = await start(t, { maxConnections: 2 });
      const first = await connectLimited();
      const second = await connectLimited();
      await assert.rejects(connectLimited(), /closed during the handshake|ECONNRESET|socket hang up|disconnected/);
      assert.equal(await first.lookup('alice🛠'), 'vip.ve.atsign.zone:25000');
    });
  });
}
