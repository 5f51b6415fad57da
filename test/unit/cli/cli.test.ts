/**
 * The CLI as a user runs it: a child process (`atagent …`) against a scripted atServer over
 * real TLS, with a real 0600 key file and a CA file.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ivFromBase64, writeAtKeys } from '../../../agent/src/crypto/index.js';
import { runAtagent } from '../../helpers/atagent-process.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { withScriptedPeer, type ScriptStep, type ScriptedPeer } from '../net/support/scripted-peer.js';
import { ALICE, aliceKeys, answer, authSteps, BOB, capture, vectors } from '../client/support.js';

/** The CLI must not pick up the developer's own atSign or atDirectory. */
const atagent = (args: readonly string[], stdin?: string) => runAtagent(args, stdin, { ...process.env, ATAGENT_ATSIGN: '', ATAGENT_ROOT: '' });

describe('atagent CLI', () => {
  const directory = tempDir({ after });
  const keysFile = join(directory, '@alice_key.atKeys');
  const caFile = join(directory, 'ca.pem');

  before(async () => {
    await writeAtKeys(keysFile, aliceKeys());
  });

  async function withPeer(scripts: ScriptStep[][], body: (peer: ScriptedPeer, flags: string[]) => Promise<void>): Promise<void> {
    await withScriptedPeer({ scripts }, async (peer) => {
      await writeFile(caFile, peer.caPem);
      await body(peer, ['--atsign', ALICE, '--keys', keysFile, '--root', `proxy:${peer.address}`, '--ca', caFile]);
    });
  }

  test('exec authenticates, prints each reply, exits 1 if one is an error', async () => {
    await withPeer(
      [[...authSteps(ALICE, aliceKeys()), { expect: 'scan', reply: answer(ALICE, 'data:["a@alice🛠"]') }, { expect: 'llookup:nope@alice🛠', reply: answer(ALICE, 'error:AT0015-key not found : nope@alice🛠 does not exist in keystore') }]],
      async (peer, flags) => {
        const run = await atagent(['exec', ...flags, 'scan', 'llookup:nope@alice🛠']);
        assert.equal(run.stdout, 'data:["a@alice🛠"]\nerror:AT0015-key not found : nope@alice🛠 does not exist in keystore\n');
        assert.equal(run.code, 1);
        assert.deepEqual(peer.problems, []);
      },
    );
  });

  test('exec --no-auth sends the verb straight away', async () => {
    await withPeer([[{ expect: 'info:brief', reply: 'data:{"version":"3.0.52","uptimeAsMillis":5}\n@' }]], async (peer, flags) => {
      const run = await atagent(['exec', '--no-auth', ...flags, 'info:brief']);
      assert.equal(run.stdout, 'data:{"version":"3.0.52","uptimeAsMillis":5}\n');
      assert.equal(run.code, 0);
      assert.deepEqual(peer.problems, []);
    });
  });

  test('get prints the decrypted value alone', async () => {
    const metaData = { isEncrypted: true, ivNonce: vectors.selfEncryption.ivNonce };
    const record = JSON.stringify({ key: `note.wavi${ALICE}`, data: vectors.selfEncryption.ivNonceCiphertext, metaData });
    await withPeer([[...authSteps(ALICE, aliceKeys()), { expect: `llookup:all:note.wavi${ALICE}`, reply: answer(ALICE, `data:${record}`) }]], async (peer, flags) => {
      const run = await atagent(['get', ...flags, '--namespace', 'wavi', 'note']);
      assert.equal(run.stderr, '');
      assert.equal(run.stdout, `${vectors.selfEncryption.plaintext}\n`);
      assert.equal(run.code, 0);
      assert.deepEqual(peer.problems, []);
    });
  });

  test('put reads stdin (without the trailing newline echo adds), prints the commit id', async () => {
    const lines: string[][] = [];
    await withPeer(
      [[...authSteps(ALICE, aliceKeys()), capture(new RegExp(`^update:ttl:5000:isEncrypted:true:ivNonce:(\\S+):note${ALICE} (\\S+)$`), lines, answer(ALICE, 'data:7'))]],
      async (peer, flags) => {
        const run = await atagent(['put', ...flags, '--ttl', '5000', 'note'], 'hello\n');
        assert.equal(run.stderr, '');
        assert.equal(run.stdout, '7\n');
        assert.equal(run.code, 0);
        const [iv, ciphertext] = lines[0] ?? [];
        assert.equal(aliceKeys().selfEncryptionKey.decryptText(ciphertext ?? '', ivFromBase64(iv ?? '')), 'hello');
        assert.deepEqual(peer.problems, []);
      },
    );
  });

  test('errors go to stderr with a clear message and exit code 1; --debug adds the stack', async () => {
    const missing = await atagent(['get', '--atsign', ALICE, '--keys', join(directory, 'nope.atKeys'), '--root', 'proxy:127.0.0.1:1', 'x']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /^atagent: no \.atKeys file at .*nope\.atKeys/);
    assert.doesNotMatch(missing.stderr, /\n\s+at /);
    const debug = await atagent(['get', '--debug', '--atsign', ALICE, '--keys', join(directory, 'nope.atKeys'), 'x']);
    assert.match(debug.stderr, /\n\s+at /);
    const noAtSign = await atagent(['get', 'x']);
    assert.equal(noAtSign.code, 2);
    assert.match(noAtSign.stderr, /which atSign/);
  });

  test('monitor prints one JSON line per decrypted notification', async () => {
    const notification = {
      id: 'n1', from: BOB, to: ALICE, key: `${ALICE}:hello`, value: null, operation: 'update', epochMillis: 5,
      messageType: 'MessageType.text', isEncrypted: false, metadata: null,
    };
    await withPeer(
      [
        authSteps(ALICE, aliceKeys()),
        [...authSteps(ALICE, aliceKeys()), { expect: 'monitor' }, { expect: 'noop:0', reply: answer(ALICE, `data:ok`) + `notification: ${JSON.stringify(notification)}\n` }],
      ],
      async (_peer, flags) => {
        const run = await atagent(['monitor', ...flags, '--count', '1']);
        assert.equal(run.code, 0, run.stderr);
        const line = JSON.parse(run.stdout.trim());
        assert.equal(line.id, 'n1');
        assert.equal(line.text, 'hello');
        assert.equal(line.messageType, 'text');
      },
    );
  });
});
