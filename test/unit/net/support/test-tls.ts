/**
 * A throwaway CA and a server certificate for localhost/127.0.0.1, made once per test
 * process. Keys come from node:crypto (fast); node-forge only assembles and signs the
 * certificates.
 */
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

export interface TestTls {
  readonly caPem: string;
  readonly keyPem: string;
  readonly certPem: string;
}

function rsaKeyPair(): { publicKey: forge.pki.PublicKey; privateKey: forge.pki.rsa.PrivateKey; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKey: forge.pki.publicKeyFromPem(publicKey), privateKey: forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey, privateKeyPem: privateKey };
}

function certificate(
  subjectName: string,
  publicKey: forge.pki.PublicKey,
  issuer: forge.pki.Certificate | undefined,
  signingKey: forge.pki.rsa.PrivateKey,
  extensions: object[],
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = `01${forge.util.bytesToHex(forge.random.getBytesSync(8))}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: subjectName }]);
  cert.setIssuer((issuer ?? cert).subject.attributes);
  cert.setExtensions(extensions);
  cert.sign(signingKey, forge.md.sha256.create());
  return cert;
}

let made: TestTls | undefined;

export function testTls(): TestTls {
  if (made !== undefined) return made;
  const caKeys = rsaKeyPair();
  const ca = certificate('atagent test CA', caKeys.publicKey, undefined, caKeys.privateKey, [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  const serverKeys = rsaKeyPair();
  const server = certificate('localhost', serverKeys.publicKey, ca, caKeys.privateKey, [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
  ]);
  made = { caPem: forge.pki.certificateToPem(ca), keyPem: serverKeys.privateKeyPem, certPem: forge.pki.certificateToPem(server) };
  return made;
}
