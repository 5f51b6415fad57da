/**
 * Creating the local CA and the server certificate it signs. node:crypto makes the keys
 * (fast, native); node-forge (pure JS, so nothing to compile per architecture) builds and
 * signs the X.509 certificates, which node:crypto cannot do.
 *
 * RSA-2048 with SHA-256 signatures: every TLS stack the @platform's clients use accepts
 * it (mbedTLS builds of at_c may leave out elliptic curves, Java and Python take it
 * unconditionally), and the atServers' own certificates have always been RSA.
 */
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import net from 'node:net';
import type Forge from 'node-forge';

/**
 * node-forge, loaded on first use: a server whose certificates are on disk and valid (every
 * start but the first, until renewal) never needs it, and loading it costs ~1.3 MiB of heap
 * and a young-generation growth worth ~5 MiB of RSS (measured at start-up).
 */
const require = createRequire(import.meta.url);
let loadedForge: typeof Forge | undefined;
function forgeLibrary(): typeof Forge {
  loadedForge ??= require('node-forge') as typeof Forge;
  return loadedForge;
}

export interface KeyPairPem {
  /** PKCS#8 "PRIVATE KEY". */
  readonly privateKey: string;
  /** SPKI "PUBLIC KEY". */
  readonly publicKey: string;
}

export function generateRsaKeyPair(): Promise<KeyPairPem> {
  return new Promise((resolve, reject) => {
    crypto.generateKeyPair(
      'rsa',
      {
        modulusLength: 2048,
        publicExponent: 0x10001,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      },
      (error, publicKey, privateKey) => (error ? reject(error) : resolve({ publicKey, privateKey })),
    );
  });
}

export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** A validity window starting an hour ago, so a device whose clock lags a little still accepts it. */
export function validityFor(days: number, now = new Date()): Validity {
  return {
    notBefore: new Date(now.getTime() - 60 * 60 * 1000),
    notAfter: new Date(now.getTime() + days * 24 * 60 * 60 * 1000),
  };
}

export function createCaCertificate(keys: KeyPairPem, commonName: string, validity: Validity): string {
  const forge = forgeLibrary();
  const cert = newCertificate(keys.publicKey, validity);
  const subject = [
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: 'atagent' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keys.privateKey), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

export interface ServerCertificateRequest {
  readonly caCertificate: string;
  readonly caPrivateKey: string;
  readonly publicKey: string;
  /** DNS names and IP addresses; the first is also the subject's common name. */
  readonly hosts: readonly string[];
  readonly validity: Validity;
}

/**
 * A leaf certificate usable both as a TLS server certificate and as the client
 * certificate an atServer presents to other atServers (protocol.md §1): extendedKeyUsage
 * serverAuth + clientAuth, subjectAltName with every host.
 */
export function issueServerCertificate(request: ServerCertificateRequest): string {
  const forge = forgeLibrary();
  const ca = forge.pki.certificateFromPem(request.caCertificate);
  const cert = newCertificate(request.publicKey, request.validity);
  cert.setSubject([
    { name: 'commonName', value: request.hosts[0] ?? 'localhost' },
    { name: 'organizationName', value: 'atagent' },
  ]);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    {
      name: 'subjectAltName',
      altNames: request.hosts.map((host) => (net.isIP(host) ? { type: 7, ip: host } : { type: 2, value: host })),
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(request.caPrivateKey), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

function newCertificate(publicKeyPem: string, validity: Validity): Forge.pki.Certificate {
  const forge = forgeLibrary();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  // 16 random bytes, top bit clear: a positive serial that is unique per certificate.
  const serial = crypto.randomBytes(16);
  serial[0]! &= 0x7f;
  serial[0]! |= 0x01;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = validity.notBefore;
  cert.validity.notAfter = validity.notAfter;
  return cert;
}
