/**
 * What the atServers serve: server-cert.pem without the self-signed CA appended to it (the
 * client's trust anchor; each handshake byte costs memory for the connection's life).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createCaCertificate, generateRsaKeyPair, issueServerCertificate, validityFor } from '../../../../agent/src/server/tls/certificate-factory.js';
import { servedChain } from '../../../../agent/src/server/tls/served-chain.js';

test('a trailing self-signed CA is left out; the leaf, an intermediate or a lone certificate stay', async () => {
  const caKeys = await generateRsaKeyPair();
  const ca = createCaCertificate(caKeys, 'test CA', validityFor(30));
  const leafKeys = await generateRsaKeyPair();
  const leaf = issueServerCertificate({ caCertificate: ca, caPrivateKey: caKeys.privateKey, publicKey: leafKeys.publicKey, hosts: ['localhost'], validity: validityFor(30) });
  const subjects = (pem: string) => (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((one) => new X509Certificate(one).subject);

  assert.deepEqual(subjects(servedChain(`${leaf.trim()}\n${ca.trim()}\n`)), subjects(leaf));
  assert.deepEqual(subjects(servedChain(leaf)), subjects(leaf));
  assert.deepEqual(subjects(servedChain(ca)), subjects(ca), 'a lone self-signed certificate is all there is to serve');
  // An issuer that is not self-signed (an intermediate) is part of the path clients need.
  const otherKeys = await generateRsaKeyPair();
  const intermediate = issueServerCertificate({ caCertificate: ca, caPrivateKey: caKeys.privateKey, publicKey: otherKeys.publicKey, hosts: ['intermediate.example'], validity: validityFor(30) });
  assert.deepEqual(subjects(servedChain(`${leaf}${intermediate}`)), [...subjects(leaf), ...subjects(intermediate)]);
});
