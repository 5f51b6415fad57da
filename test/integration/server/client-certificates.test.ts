/**
 * Which client certificates `from:@someoneElse` accepts (server.md §7 step 2): one the
 * platform's CA issued for the host the directory lists (our other servers), not one from a
 * CA nobody trusts, not one our CA issued that has expired, and none at all is refused too.
 * Our CA is checked after the handshake (auth/peer-trust.ts), public CAs by OpenSSL.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createCaCertificate, generateRsaKeyPair, issueServerCertificate, validityFor } from '../../../agent/src/server/tls/certificate-factory.js';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform.js';

const ALICE = '@alice🛠';
const BOB = '@bob🛠';
const DAY_MS = 24 * 60 * 60 * 1000;

describe('client certificates for from:@someoneElse', () => {
  let env: TestPlatform;
  const tlsFile = (name: string) => fs.readFileSync(path.join(env.dataDir, 'tls', name), 'utf8');
  const claimBob = async (credentials: { cert: string; key: string } | undefined) => {
    const client = await env.connect(ALICE, credentials ?? {});
    try {
      return (await client.send(`from:${BOB}`)).line;
    } finally {
      client.destroy();
    }
  };

  before(async () => {
    env = await startTestPlatform(null, { demo: [ALICE, BOB] });
  });
  after(() => env.close());

  test('the platform certificate (issued by our CA for the listed host) gets a proof', async () => {
    assert.match(await claimBob(env.serverCredentials()), /^data:proof:_[0-9a-f-]+@bob🛠:[0-9a-f-]+$/);
  });

  test('no certificate, or one from a CA nobody trusts: AT0401', async () => {
    assert.equal(await claimBob(undefined), 'error:AT0401-Exception: Certificate Verification Failed');
    const foreignCa = await generateRsaKeyPair();
    const caCertificate = createCaCertificate(foreignCa, 'someone else', validityFor(30));
    const leaf = await generateRsaKeyPair();
    const cert = issueServerCertificate({ caCertificate, caPrivateKey: foreignCa.privateKey, publicKey: leaf.publicKey, hosts: ['localhost'], validity: validityFor(30) });
    assert.equal(await claimBob({ cert: `${cert}${caCertificate}`, key: leaf.privateKey }), 'error:AT0401-Exception: Certificate Verification Failed');
  });

  test('an expired certificate our CA issued: AT0401', async () => {
    const leaf = await generateRsaKeyPair();
    const past = new Date(Date.now() - 10 * DAY_MS);
    const cert = issueServerCertificate({
      caCertificate: tlsFile('ca-cert.pem'),
      caPrivateKey: tlsFile('ca-key.pem'),
      publicKey: leaf.publicKey,
      hosts: ['localhost'],
      validity: validityFor(1, past),
    });
    assert.equal(await claimBob({ cert, key: leaf.privateKey }), 'error:AT0401-Exception: Certificate Verification Failed');
  });
});
