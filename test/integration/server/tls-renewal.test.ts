/**
 * A long-running platform picks up a re-issued server certificate: new client connections
 * get it, and server-to-server connections present it (so pol handshakes keep working).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestPlatform } from '../../helpers/platform.js';

test('a renewed certificate is served and presented from then on', async (t) => {
  const env = await startTestPlatform(t, { demo: ['@alice🛠', '@bob🛠'], tuning: { notifications: { autoNotify: false } } });
  const before = await env.connect('@alice🛠');
  const oldFingerprint = before.socket.getPeerCertificate().fingerprint256;
  assert.equal(await env.platform.renewTls(), false, 'nothing to renew yet');
  // An unusable certificate file makes ensureServerTls issue a new one from the same CA.
  fs.writeFileSync(path.join(env.dataDir, 'tls', 'server-cert.pem'), 'damaged');
  assert.equal(await env.platform.renewTls(), true);
  const after = await env.connect('@alice🛠');
  assert.notEqual(after.socket.getPeerCertificate().fingerprint256, oldFingerprint);
  const bob = await env.pkamClient('@bob🛠');
  await bob.data('update:ttr:-1:@alice🛠:renewed@bob🛠 yes');
  const alice = await env.pkamClient('@alice🛠');
  assert.equal(await alice.data('lookup:renewed@bob🛠'), 'yes');
});
