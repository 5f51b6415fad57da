/**
 * A throwaway CA and a server certificate for localhost/127.0.0.1, made once per test
 * process by the server's own certificate factory.
 */
import {
  createCaCertificate,
  generateRsaKeyPair,
  issueServerCertificate,
  validityFor,
} from '../../../../agent/src/server/tls/certificate-factory.js';

export interface TestTls {
  readonly caPem: string;
  readonly keyPem: string;
  readonly certPem: string;
}

let made: Promise<TestTls> | undefined;

export function testTls(): Promise<TestTls> {
  made ??= makeTestTls();
  return made;
}

async function makeTestTls(): Promise<TestTls> {
  const [caKeys, serverKeys] = await Promise.all([generateRsaKeyPair(), generateRsaKeyPair()]);
  const caPem = createCaCertificate(caKeys, 'atagent test CA', validityFor(1));
  const certPem = issueServerCertificate({
    caCertificate: caPem,
    caPrivateKey: caKeys.privateKey,
    publicKey: serverKeys.publicKey,
    hosts: ['localhost', '127.0.0.1'],
    validity: validityFor(1),
  });
  return { caPem, keyPem: serverKeys.privateKey, certPem };
}
