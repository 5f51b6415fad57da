import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AtConnection,
  CommandTimeoutError,
  ConnectError,
  ConnectionClosedError,
} from '../../../agent/src/net/index.js';
import { AtServerError, IllegalArgumentError } from '../../../agent/src/protocol/index.js';
import { startScriptedPeer, withPeerConnection, withScriptedPeer, type ScriptedPeer, type ScriptStep } from './support/scripted-peer.js';

async function withPeer(
  scripts: readonly (readonly ScriptStep[])[],
  body: (peer: ScriptedPeer, connection: AtConnection) => Promise<void>,
  greeting?: string,
): Promise<void> {
  await withPeerConnection({ scripts, greeting }, body);
}

describe('AtConnection', () => {
  test('queued commands go out one at a time, in order, each with its own answer', async () => {
    const steps: ScriptStep[] = Array.from({ length: 50 }, (_, i) => ({ expect: `llookup:k${i}@alice`, reply: `data:v${i}\n@alice@` }));
    await withPeer([steps], async (peer, connection) => {
      const answers = await Promise.all(steps.map((_, i) => connection.data(`llookup:k${i}@alice`)));
      assert.deepEqual(answers, steps.map((_, i) => `v${i}`));
      assert.deepEqual(peer.problems, []);
      assert.equal(connection.pendingCount, 0);
    });
  });

  test('data() throws the server error as a typed AtServerError', async () => {
    await withPeer(
      [[{ expect: 'llookup:nope@alice', reply: 'error:AT0015-key not found : nope@alice does not exist in keystore\n@alice@' }]],
      async (_peer, connection) => {
        await assert.rejects(connection.data('llookup:nope@alice'), (error: unknown) => {
          assert.ok(error instanceof AtServerError);
          assert.equal(error.code, 'AT0015');
          assert.equal(error.detail, 'nope@alice does not exist in keystore');
          return true;
        });
        assert.equal(connection.isOpen, true);
      },
    );
  });

  test('a command that gets no answer times out, closes the connection and fails the queue', async () => {
    await withPeer([[{ expect: 'noop:0' }, { expect: 'noop:1' }]], async (_peer, connection) => {
      const first = connection.execute('noop:0', { timeoutMs: 50 });
      const second = connection.execute('noop:1');
      await assert.rejects(first, (error: unknown) => error instanceof CommandTimeoutError && error.code === 'AT0023');
      await assert.rejects(second, (error: unknown) => error instanceof ConnectionClosedError && /timed out/.test(error.message));
      const reason = await connection.closed;
      assert.ok(reason instanceof ConnectionClosedError);
      assert.equal(connection.isOpen, false);
    });
  });

  test('a server that closes mid-response fails the command in flight and everything queued', async () => {
    await withPeer(
      [[{ expect: 'llookup:a@alice', reply: 'data:a\n@alice@' }, { expect: 'llookup:b@alice', reply: 'data:half-of-the-ans', then: 'destroy' }]],
      async (_peer, connection) => {
        const results = await Promise.allSettled(['a', 'b', 'c', 'd'].map((k) => connection.data(`llookup:${k}@alice`)));
        assert.deepEqual(results[0], { status: 'fulfilled', value: 'a' });
        for (const result of results.slice(1)) {
          assert.equal(result.status, 'rejected');
          assert.ok(result.status === 'rejected' && result.reason instanceof ConnectionClosedError);
          assert.equal(result.status === 'rejected' && (result.reason as ConnectionClosedError).code, 'AT0013');
        }
        assert.ok((await connection.closed) instanceof ConnectionClosedError);
        await assert.rejects(connection.data('llookup:e@alice'), ConnectionClosedError);
      },
    );
  });

  test('an answer written without a prompt just before the server closes still reaches the command', async () => {
    await withPeer(
      [[{ expect: 'update:x@alice 1', reply: 'error:AT0024-Exception: Server is paused\n', then: 'end' }]],
      async (_peer, connection) => {
        await assert.rejects(connection.data('update:x@alice 1'), (error: unknown) => error instanceof AtServerError && error.code === 'AT0024');
      },
    );
  });

  test('a server that refuses with AT0012 before any prompt: open() rejects with that error', async () => {
    await withScriptedPeer({ scripts: [[]], greeting: 'error:AT0012-Inbound connection limit exceeded\n' }, async (peer) => {
      const peerSocketClosed = peer.connection(0).then((connection) => connection.socket.end());
      await assert.rejects(AtConnection.open({ host: peer.host, port: peer.port, ca: peer.caPem }), (error: unknown) => {
        assert.ok(error instanceof AtServerError);
        assert.equal(error.code, 'AT0012');
        return true;
      });
      await peerSocketClosed;
    });
  });

  test('the server certificate is verified: an unknown CA is a ConnectError, not a connection', async () => {
    await withScriptedPeer({ scripts: [[]] }, async (peer) => {
      await assert.rejects(AtConnection.open({ host: peer.host, port: peer.port }), (error: unknown) => {
        assert.ok(error instanceof ConnectError);
        assert.equal(error.code, 'AT0021');
        assert.match(error.message, /certificate/);
        return true;
      });
      // With the CA, the host name (SNI, subjectAltName DNS) is checked too.
      const connection = await AtConnection.open({ host: 'localhost', port: peer.port, ca: peer.caPem });
      await connection.close();
    });
  });

  test('nothing listening: ConnectError', async () => {
    const peer = await startScriptedPeer({ scripts: [[]] });
    const port = peer.port;
    await peer.close();
    await assert.rejects(AtConnection.open({ host: '127.0.0.1', port, ca: peer.caPem }), ConnectError);
  });

  test('a command with a line break is refused before it reaches the wire', async () => {
    await withPeer([[{ expect: 'noop:0', reply: 'data:ok\n@' }]], async (peer, connection) => {
      await assert.rejects(connection.execute('update:x@alice a\nb'), IllegalArgumentError);
      assert.equal(await connection.data('noop:0'), 'ok');
      assert.deepEqual(peer.connections[0]?.lines, ['noop:0']);
    });
  });

  test('close() says @exit and fails later commands cleanly', async () => {
    await withPeer([[{ expect: '@exit' }]], async (peer, connection) => {
      await connection.close();
      assert.equal(await connection.closed, undefined);
      await peer.linesReceived(0, 1);
      assert.deepEqual(peer.connections[0]?.lines, ['@exit']);
      await assert.rejects(connection.execute('noop:0'), ConnectionClosedError);
    });
  });

  test('notification lines arriving in fragments between responses', async () => {
    const note = (id: string) =>
      `notification: {"id":"${id}","from":"@bob","to":"@alice","key":"@alice:k@bob","value":"v","operation":"update","epochMillis":1,"messageType":"MessageType.key","isEncrypted":false,"metadata":null}\n`;
    await withPeer([[{ expect: 'monitor', reply: note('1') + note('2'), chunks: [5, 30, 1, 150, 7] }, { expect: 'noop:0', reply: `data:ok\n@alice@${note('3')}`, chunks: 'bytes' }]], async (_peer, connection) => {
      const ids: string[] = [];
      const three = new Promise<void>((resolve) =>
        connection.onNotification((line) => {
          ids.push(JSON.parse(line.slice('notification:'.length)).id);
          if (ids.length === 3) resolve();
        }),
      );
      await connection.send('monitor');
      assert.equal(await connection.data('noop:0'), 'ok');
      await three;
      assert.deepEqual(ids, ['1', '2', '3']);
    });
  });

  test('a response with no command waiting goes to unsolicited listeners (e.g. an error answer to monitor)', async () => {
    await withPeer([[{ expect: 'monitor', reply: 'error:AT0401-Exception: Command cannot be executed without auth\n@' }]], async (_peer, connection) => {
      const unsolicited = new Promise<string>((resolve) => connection.onUnsolicited(resolve));
      await connection.send('monitor');
      assert.match(await unsolicited, /^error:AT0401/);
    });
  });
});
