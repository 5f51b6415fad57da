/**
 * Every command of verb_syntax.json sent to a live atServer on an owner-authenticated
 * connection: AT0003 exactly when the server's grammar rejects the command, something else
 * (data, or another error code) otherwise. Two documented departures from the bare regexes:
 * `update` takes its metadata options in any order (atsign's Python SDK needs it), and the
 * legacy `sync:<n>` has a grammar but no handler, as in the reference (protocol.md §6).
 * `monitor` answers nothing of its own, so a `noop:0` after it tells its outcome.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateRsaKeyPair, type RsaPrivateKey } from '../../../agent/src/crypto/index.js';
import { verbSyntax, type VerbSyntaxCase } from '../../helpers/vectors.js';
import { pkamLogin, startTestPlatform, type TestPlatform } from '../../helpers/platform.js';

/** Rejected by the strict regex, accepted by the server's lenient option reader. */
const LENIENT_ACCEPTED: ReadonlySet<string> = new Set(['update:isEncrypted:true:ttl:100:@bob:k@alice v']);

function serverAccepts(vector: VerbSyntaxCase): boolean {
  if (vector.regex === 'sync') return false;
  return vector.matches || LENIENT_ACCEPTED.has(vector.command);
}

describe('verb_syntax.json commands against a live atServer', () => {
  let env: TestPlatform;
  let pkamKey: RsaPrivateKey;

  before(async () => {
    env = await startTestPlatform(null);
    const pair = await generateRsaKeyPair();
    pkamKey = pair.privateKey;
    await env.platform.registerAtSign('@alice', { pkamPublicKey: pair.publicKey.toBase64() });
  });
  after(() => env.close());

  const cases = verbSyntax().cases;

  test('AT0003 exactly for the commands the grammar rejects', async () => {
    // One connection per command: some (pol, from) change or end the connection. All log in
    // first, because some commands replace the PKAM key or delete the CRAM secret.
    const clients = await Promise.all(
      cases.map(async () => {
        const client = await env.connect('@alice');
        await pkamLogin(client, '@alice', pkamKey.toBase64());
        return client;
      }),
    );
    const outcomes = await Promise.all(
      cases.map(async (vector, index) => {
        const client = clients[index]!;
        await client.write(`${vector.command}\n${vector.regex === 'monitor' ? 'noop:0\n' : ''}`);
        let line = await client.readUntil('\n');
        while (line.startsWith('notification:')) line = await client.readUntil('\n');
        client.destroy();
        return { vector, line };
      }),
    );
    for (const { vector, line } of outcomes) {
      const isSyntaxError = line.startsWith('error:AT0003');
      assert.equal(isSyntaxError, !serverAccepts(vector), `${vector.regex} ${vector.command} → ${line.slice(0, 160)}`);
      assert.match(line, /^(data:|error:)/, `${vector.command} got a reply`);
    }
  });
});
