/**
 * `atagent server` end to end, as a child process: ready.json, the CRAM secret printed once,
 * kill -9 in the middle of a stream of writes losing nothing that was acknowledged, a restart
 * on the same ports, SIGTERM shutting down cleanly with exit code 0, --max-connections.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAtagentServer, type ServerReady, type StartedServer } from '../../helpers/atagent-process.js';
import { LineClient } from '../../helpers/line-client.js';
import { cramLogin } from '../../helpers/platform.js';

const ATSIGN = '@crashtest';

function startServer(dataDir: string, extra: string[] = []): Promise<StartedServer> {
  return startAtagentServer(dataDir, ['--atsign', ATSIGN, ...extra]);
}

describe('atagent server (CLI)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atagent-cli-server-'));
  let secret = '';
  let firstReady: ServerReady;
  const acknowledged = new Map<string, string>();
  const running: ChildProcess[] = [];

  after(() => {
    for (const child of running) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  before(async () => {
    const server = await startServer(dataDir);
    running.push(server.child);
    firstReady = server.ready;
    const printed = /CRAM secret \(shown once\): ([0-9a-f]{128})/.exec(server.output());
    assert.ok(printed?.[1] !== undefined, server.output());
    secret = printed[1];
    // 2000 writes sent in one burst; the process is killed while it works through them.
    // Every write whose answer arrived is acknowledged and must survive.
    const client = await LineClient.connect(server.port(ATSIGN), { ca: server.caPem });
    await cramLogin(client, ATSIGN, secret);
    const exited = once(server.child, 'exit');
    void client.write(Array.from({ length: 2000 }, (_, i) => `update:key${i}${ATSIGN} value-${i}\n`).join('')).catch(() => undefined);
    for (let i = 0; ; i++) {
      const reply = await client.read().catch(() => undefined);
      if (reply === undefined) break;
      assert.match(reply.line, /^data:\d+$/);
      acknowledged.set(`key${i}${ATSIGN}`, `value-${i}`);
      if (i === 300) server.child.kill('SIGKILL');
    }
    await exited;
    client.destroy();
  });

  test('ready.json names the root, the CA and every atSign', () => {
    assert.match(firstReady.root, /^localhost:\d+$/);
    assert.ok(fs.readFileSync(firstReady.ca, 'utf8').includes('BEGIN CERTIFICATE'));
    assert.match(firstReady.atSigns[ATSIGN] ?? '', /^localhost:\d+$/);
  });

  test('after kill -9: every acknowledged write is there, same ports, the secret is not printed again', async () => {
    assert.ok(acknowledged.size > 300 && acknowledged.size < 2000, `${acknowledged.size} writes acknowledged`);
    const server = await startServer(dataDir);
    running.push(server.child);
    assert.deepEqual(server.ready, firstReady);
    assert.ok(!server.output().includes(secret), 'the CRAM secret was printed again');
    assert.ok(!server.output().includes('CRAM secret'));
    const client = await LineClient.connect(server.port(ATSIGN), { ca: server.caPem });
    await cramLogin(client, ATSIGN, secret);
    for (const [key, value] of acknowledged) assert.equal(await client.data(`llookup:${key}`), value, key);
    await client.data(`update:aftercrash${ATSIGN} still-here`);
    client.destroy();
    server.child.kill('SIGTERM');
    const [code] = (await once(server.child, 'exit')) as [number | null];
    assert.equal(code, 0, server.output());
  });

  test('after SIGTERM the data written before it is there', async () => {
    const server = await startServer(dataDir);
    running.push(server.child);
    const client = await LineClient.connect(server.port(ATSIGN), { ca: server.caPem });
    await cramLogin(client, ATSIGN, secret);
    assert.equal(await client.data(`llookup:aftercrash${ATSIGN}`), 'still-here');
    client.destroy();
    server.child.kill('SIGINT');
    const [code] = (await once(server.child, 'exit')) as [number | null];
    assert.equal(code, 0);
  });

  test('--max-connections sets how many connections each atSign takes at once (AT0012 beyond)', async () => {
    const server = await startServer(dataDir, ['--max-connections', '1']);
    running.push(server.child);
    const port = server.port(ATSIGN);
    const ca = server.caPem;
    const first = await LineClient.connect(port, { ca });
    const refused = await LineClient.connect(port, { ca, greeting: false });
    assert.equal(await refused.waitClosed(), 'error:AT0012-Inbound connection limit exceeded\n');
    assert.equal(await first.data('noop:0'), 'ok');
    first.destroy();
    server.child.kill('SIGTERM');
    await once(server.child, 'exit');
  });
});
