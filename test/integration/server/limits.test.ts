/**
 * Hard limits instead of crashes (issue 4 §5): an oversized command is AT0005 and the
 * connection closes; connections beyond the inbound limit get AT0012 without a prompt; idle
 * connections are closed; a client that never reads its answers stops being read from, while
 * everyone else is served; merged bursts and C's leading empty line are handled.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlatform } from '../../helpers/platform.js';

const ALICE = '@alice🛠';

describe('limits', () => {
  test('a command over the default 10,240,000 bytes is AT0005 and closes the connection', async (t) => {
    const env = await startTestPlatform(t, { demo: [ALICE] });
    const client = await env.pkamClient(ALICE);
    const other = await env.pkamClient(ALICE);
    // No newline: the server must refuse before the line ends, not buffer it all.
    void client.write(Buffer.alloc(10_240_001, 0x61)).catch(() => undefined);
    const rest = await client.waitClosed();
    assert.match(rest, /^error:AT0005-Buffer limit exceeded : /);
    assert.equal(await other.data('noop:0'), 'ok');
  });

  test('a value over maxValueBytes is AT0022 and the connection stays usable', async (t) => {
    const env = await startTestPlatform(t, { demo: [ALICE], tuning: { limits: { maxValueBytes: 1000 } } });
    const client = await env.pkamClient(ALICE);
    assert.match((await client.send(`update:big${ALICE} ${'x'.repeat(1001)}`)).line, /^error:AT0022-/);
    assert.match(await client.data(`update:big${ALICE} ${'x'.repeat(1000)}`), /^\d+$/);
  });

  test('a command of exactly the line limit is processed; one byte more is refused', async (t) => {
    const env = await startTestPlatform(t, { demo: [ALICE], tuning: { limits: { maxLineBytes: 500 } } });
    const client = await env.pkamClient(ALICE);
    const prefix = `update:k${ALICE} `;
    const value = 'v'.repeat(500 - Buffer.byteLength(prefix));
    assert.match(await client.data(`${prefix}${value}`), /^\d+$/);
    await client.write(`${prefix}${value}v\n`);
    assert.match(await client.waitClosed(), /^error:AT0005-/);
  });

  test('beyond the inbound limit: AT0012 without a prompt, then close; a freed slot is reused', async (t) => {
    const env = await startTestPlatform(t, { demo: [ALICE], tuning: { limits: { inboundMaxConnections: 3 } } });
    const open = await Promise.all([env.connect(ALICE), env.connect(ALICE), env.connect(ALICE)]);
    const refused = await env.connect(ALICE, { greeting: false });
    assert.equal(await refused.waitClosed(), 'error:AT0012-Inbound connection limit exceeded\n');
    open[0]?.destroy();
    // The server notices the close asynchronously: try until a greeting comes back.
    for (let attempt = 0; ; attempt++) {
      const again = await env.connect(ALICE, { greeting: false });
      const first = await again.readExactly(1).catch(() => '');
      if (first === '@') {
        assert.equal(await again.data('noop:0'), 'ok');
        again.destroy();
        break;
      }
      assert.ok(attempt < 100, 'a slot never became free');
    }
    for (const client of open) client.destroy();
  });

  test('idle connections are closed silently; authenticated ones get longer', async (t) => {
    const env = await startTestPlatform(t, {
      demo: [ALICE],
      tuning: { limits: { unauthenticatedIdleMs: 150, authenticatedIdleMs: 60_000 }, timings: { idleSweepIntervalMs: 25 } },
    });
    const owner = await env.pkamClient(ALICE);
    const idle = await env.connect(ALICE);
    assert.equal(await idle.waitClosed(), '');
    assert.equal(await owner.data('noop:0'), 'ok');
  });

  test('a merged burst is several commands answered in order; C\'s leading empty line is AT0003', async (t) => {
    const env = await startTestPlatform(t, { demo: [ALICE] });
    const client = await env.pkamClient(ALICE);
    await client.write(`update:one${ALICE} 1\nupdate:two${ALICE} 2\r\nllookup:one${ALICE}\nllookup:two${ALICE}\n`);
    const replies = [await client.read(), await client.read(), await client.read(), await client.read()];
    assert.deepEqual(replies.slice(2).map((reply) => reply.line), ['data:1', 'data:2']);
    const fresh = await env.connect(ALICE);
    assert.equal((await fresh.send('\r')).line, 'error:AT0003-Exception: invalid command');
  });

  test('a client that never reads is not read from, and does not slow anyone else down', async (t) => {
    const env = await startTestPlatform(t, { demo: [ALICE] });
    const writer = await env.pkamClient(ALICE);
    const big = 'b'.repeat(512 * 1024);
    await writer.data(`update:big${ALICE} ${big}`);
    const stalled = await env.pkamClient(ALICE);
    stalled.socket.pause();
    // 400 requests for 512 KiB each: 200 MiB of answers nobody takes.
    void stalled.write(`llookup:big${ALICE}\n`.repeat(400)).catch(() => undefined);
    const other = await env.pkamClient(ALICE);
    for (let i = 0; i < 50; i++) assert.equal((await other.data(`llookup:big${ALICE}`)).length, big.length);
    const server = env.platform.server(ALICE);
    assert.ok(server !== undefined);
    const backlog = Math.max(...[...server.connections].map((connection) => connection.pendingOutputBytes));
    assert.ok(backlog < 4 * big.length, `a stalled client holds ${backlog} bytes of output`);
    stalled.destroy();
  });
});
