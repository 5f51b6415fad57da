/**
 * Authentication byte for byte against crypto.json (cram digest, pkam signatures in the
 * legacy, SHA-512 and enrollment forms), and the command session's life: reconnect and
 * re-authenticate after a drop, give up at once on a refused authentication.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { authenticateWithCram, authenticateWithPkam, ServerSession } from '../../../agent/src/client/index.js';
import { RsaPrivateKey } from '../../../agent/src/crypto/index.js';
import { AtDirectory } from '../../../agent/src/net/index.js';
import { AtServerError } from '../../../agent/src/protocol/index.js';
import { startScriptedPeer, withScriptedConnection } from '../net/support/scripted-peer.js';
import { ALICE, aliceKeys, answer, authSteps, vectors } from './support.js';

const { cram, pkam } = vectors;

describe('authentication (crypto.json)', () => {
  test('cram: from, then sha512(secret + challenge)', async () => {
    await withScriptedConnection(
      [
        { expect: `from:${ALICE}`, reply: `${cram.fromResponse}\n@` },
        { expect: cram.command, reply: `data:success\n${ALICE}@` },
      ],
      (connection) => authenticateWithCram(connection, ALICE, cram.cramSecret),
    );
  });

  const key = RsaPrivateKey.fromBase64(pkam.pkamPrivateKey);
  const challengeReply = { expect: `from:${ALICE}`, reply: `data:${pkam.challenge}\n@` };

  test('pkam: the legacy form by default', async () => {
    await withScriptedConnection([challengeReply, { expect: pkam.sha256.command, reply: `data:success\n${ALICE}@` }], (connection) =>
      authenticateWithPkam(connection, ALICE, key),
    );
  });

  test('pkam: SHA-512 and enrollment ids use the explicit form', async () => {
    await withScriptedConnection([challengeReply, { expect: pkam.sha512.command, reply: `data:success\n${ALICE}@` }], (connection) =>
      authenticateWithPkam(connection, ALICE, key, { hashingAlgo: 'sha512' }),
    );
    await withScriptedConnection(
      [challengeReply, { expect: `pkam:signingAlgo:rsa2048:hashingAlgo:sha256:enrollmentId:3f0c-1:${pkam.sha256.signature}`, reply: `data:success\n${ALICE}@` }],
      (connection) => authenticateWithPkam(connection, ALICE, key, { enrollmentId: '3f0c-1' }),
    );
  });

  test('a refusal is the server error; APKAM states keep their codes', async () => {
    await withScriptedConnection([challengeReply, { expect: /^pkam:/, reply: 'error:AT0401-Exception: pkam authentication failed\n@' }], async (connection) => {
      await assert.rejects(authenticateWithPkam(connection, ALICE, key), (error: unknown) => error instanceof AtServerError && error.code === 'AT0401');
    });
    await withScriptedConnection([challengeReply, { expect: /^pkam:/, reply: 'error:AT0026:enrollment_id: 3f0c-1 is pending\n@' }], async (connection) => {
      await assert.rejects(
        authenticateWithPkam(connection, ALICE, key, { enrollmentId: '3f0c-1' }),
        (error: unknown) => error instanceof AtServerError && error.code === 'AT0026' && error.form === 'response-level',
      );
    });
  });
});

describe('ServerSession', () => {
  const settings = (root: string, ca: string) => ({
    atSign: ALICE,
    directory: new AtDirectory({ root, ca }),
    pkamPrivateKey: aliceKeys().pkamPrivateKey as RsaPrivateKey,
    pkam: {},
    ca: Buffer.from(ca),
    connectTimeoutMs: 5_000,
    commandTimeoutMs: 5_000,
    reconnect: { initialDelayMs: 1, maxDelayMs: 5 },
  });

  test('after the server drops the connection, the next command reconnects and authenticates again', async () => {
    const keys = aliceKeys();
    const peer = await startScriptedPeer({
      scripts: [
        [...authSteps(ALICE, keys), { expect: 'noop:0', reply: answer(ALICE, 'data:ok'), then: 'destroy' }],
        [...authSteps(ALICE, keys), { expect: 'noop:0', reply: answer(ALICE, 'data:ok') }],
      ],
    });
    const session = new ServerSession(settings(`proxy:${peer.address}`, peer.caPem));
    try {
      const connected: number[] = [];
      session.onConnected(() => connected.push(connected.length));
      assert.equal(await session.data('noop:0'), 'ok');
      const first = await session.connection();
      await first.closed;
      assert.equal(await session.data('noop:0'), 'ok');
      assert.equal(connected.length, 2);
      assert.equal(peer.connections.length, 2);
      assert.deepEqual(peer.problems, []);
    } finally {
      await session.close();
      await peer.close();
    }
  });

  test('a refused authentication is not retried', async () => {
    const peer = await startScriptedPeer({
      scripts: [[{ expect: `from:${ALICE}`, reply: 'data:_x@alice🛠:y\n@' }, { expect: /^pkam:/, reply: 'error:AT0401-Exception: pkam authentication failed\n@' }]],
    });
    const session = new ServerSession(settings(`proxy:${peer.address}`, peer.caPem));
    try {
      await assert.rejects(session.data('noop:0'), (error: unknown) => error instanceof AtServerError && error.code === 'AT0401');
      assert.equal(peer.connections.length, 1);
    } finally {
      await session.close();
      await peer.close();
    }
  });

  test('a server that is down: a few attempts with backoff, then ConnectError', async () => {
    const peer = await startScriptedPeer({ scripts: [[]] });
    const address = peer.address;
    const ca = peer.caPem;
    await peer.close();
    const session = new ServerSession(settings(`proxy:${address}`, ca), 3);
    try {
      await assert.rejects(session.data('noop:0'), (error: unknown) => error instanceof Error && 'code' in error && error.code === 'AT0021');
    } finally {
      await session.close();
    }
  });
});
