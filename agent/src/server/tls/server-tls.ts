/**
 * The embedded servers' TLS material: a local CA and a server certificate it signs, kept
 * in `<dataDir>/tls/`:
 *
 *   ca-cert.pem       the CA certificate: what clients and peer servers trust
 *   ca-key.pem        the CA key (0600), only used to issue server certificates
 *   server-cert.pem   server certificate followed by the CA certificate (a full chain)
 *   server-key.pem    the server key (0600)
 *
 * The first start creates everything; later starts reuse it. The server certificate is
 * re-issued (by the same CA) when it is close to expiry, does not cover every requested
 * host, or is unusable; the CA is only ever re-created when its certificate never made it
 * to disk or has expired, never silently when a file is damaged (TlsMaterialError).
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import crypto, { X509Certificate } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import {
  createCaCertificate,
  generateRsaKeyPair,
  issueServerCertificate,
  validityFor,
} from './certificate-factory.js';
import { TlsConfigError, TlsMaterialError } from './errors.js';
import { acquireLockFile } from '../storage/lock-file.js';
import { StorageLockedError } from '../storage/errors.js';
import { writeFileAtomic } from '../storage/file-io.js';

export interface ServerTlsOptions {
  /** Extra DNS names / IP addresses for the server certificate (localhost, 127.0.0.1, ::1 are always in it). */
  readonly hosts?: readonly string[];
  /** Lifetime of a new server certificate in days (default 825). */
  readonly leafValidityDays?: number;
  /** Lifetime of a new CA in days (default 3650). */
  readonly caValidityDays?: number;
  /** Re-issue the server certificate when it expires within this many ms (default 30 days). */
  readonly renewBeforeMs?: number;
  readonly logger?: { info?(message: string): void; warn(message: string): void };
}

export interface ServerTls {
  readonly caPath: string;
  readonly certPath: string;
  readonly keyPath: string;
  /** PEM of the CA certificate: give it to clients as their only trust anchor. */
  readonly ca: string;
  /** PEM of the server certificate followed by the CA certificate. */
  readonly cert: string;
  /** PEM (PKCS#8) of the server key. */
  readonly key: string;
  /** When the server certificate expires: call ensureServerTls again before then to renew it. */
  readonly notAfter: Date;
  /** The hosts the server certificate covers. */
  readonly hosts: readonly string[];
  /** What this call had to create. */
  readonly created: { readonly ca: boolean; readonly serverCertificate: boolean };
}

const DEFAULT_HOSTS = ['localhost', '127.0.0.1', '::1'];
const DAY_MS = 24 * 60 * 60 * 1000;
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
/** How long to wait for another process that is creating the same files. */
const LOCK_WAIT_MS = 30_000;

/** Calls for the same directory in this process run one after the other. */
const inProcess = new Map<string, Promise<unknown>>();

export function ensureServerTls(dataDir: string, options: ServerTlsOptions = {}): Promise<ServerTls> {
  const dir = path.resolve(dataDir, 'tls');
  const previous = inProcess.get(dir) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => ensureLocked(dir, options));
  inProcess.set(dir, run);
  void run.finally(() => {
    if (inProcess.get(dir) === run) inProcess.delete(dir);
  }).catch(() => undefined);
  return run;
}

async function ensureLocked(dir: string, options: ServerTlsOptions): Promise<ServerTls> {
  const hosts = normaliseHosts(options.hosts ?? []);
  const leafDays = positive('leafValidityDays', options.leafValidityDays, 825);
  const caDays = positive('caValidityDays', options.caValidityDays, 3650);
  const renewBeforeMs = positive('renewBeforeMs', options.renewBeforeMs, 30 * DAY_MS);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lock = await acquireWithin(path.join(dir, '.lock'), LOCK_WAIT_MS);
  try {
    const paths = {
      caCert: path.join(dir, 'ca-cert.pem'),
      caKey: path.join(dir, 'ca-key.pem'),
      cert: path.join(dir, 'server-cert.pem'),
      key: path.join(dir, 'server-key.pem'),
    };
    const now = Date.now();
    let ca = loadCa(paths.caCert, paths.caKey, now + renewBeforeMs, options.logger);
    const createdCa = ca === undefined;
    if (!ca) {
      const keys = await generateRsaKeyPair();
      const certificate = createCaCertificate(
        keys,
        `atagent local CA ${os.hostname()} ${crypto.randomBytes(4).toString('hex')}`,
        validityFor(caDays, new Date(now)),
      );
      // Key first: a crash between the two writes leaves no certificate, which means
      // nobody can trust this CA yet and the next start may safely make a new one.
      writeFileAtomic(paths.caKey, keys.privateKey, 0o600);
      writeFileAtomic(paths.caCert, certificate, 0o644);
      ca = { certificate, privateKey: keys.privateKey, x509: new X509Certificate(certificate) };
      options.logger?.info?.(`created a local TLS CA in ${paths.caCert}`);
    }

    let leaf = createdCa ? undefined : loadLeaf(paths.cert, paths.key, ca.x509, hosts, now + renewBeforeMs);
    const createdLeaf = leaf === undefined;
    if (!leaf) {
      const keys = await generateRsaKeyPair();
      const requested = validityFor(leafDays, new Date(now));
      // A server certificate cannot outlive the CA that signed it.
      const caNotAfter = new Date(ca.x509.validTo);
      const certificate = issueServerCertificate({
        caCertificate: ca.certificate,
        caPrivateKey: ca.privateKey,
        publicKey: keys.publicKey,
        hosts,
        validity: { notBefore: requested.notBefore, notAfter: requested.notAfter < caNotAfter ? requested.notAfter : caNotAfter },
      });
      const chain = `${certificate.trim()}\n${ca.certificate.trim()}\n`;
      writeFileAtomic(paths.key, keys.privateKey, 0o600);
      writeFileAtomic(paths.cert, chain, 0o644);
      leaf = { chain, key: keys.privateKey, x509: new X509Certificate(certificate) };
      options.logger?.info?.(`issued a server certificate for ${hosts.join(', ')} in ${paths.cert}`);
    }

    return {
      caPath: paths.caCert,
      certPath: paths.cert,
      keyPath: paths.key,
      ca: ca.certificate,
      cert: leaf.chain,
      key: leaf.key,
      notAfter: new Date(leaf.x509.validTo),
      hosts,
      created: { ca: createdCa, serverCertificate: createdLeaf },
    };
  } finally {
    lock.release();
  }
}

interface LoadedCa {
  readonly certificate: string;
  readonly privateKey: string;
  readonly x509: X509Certificate;
}

/**
 * The existing CA, or undefined when a new one should be made: none on disk yet, or it
 * expires before `mustLastUntil` (its server certificates could not outlive it).
 */
function loadCa(
  certPath: string,
  keyPath: string,
  mustLastUntil: number,
  logger: ServerTlsOptions['logger'],
): LoadedCa | undefined {
  const certificate = readIfPresent(certPath);
  if (certificate === undefined) return undefined;
  const privateKey = readIfPresent(keyPath);
  if (privateKey === undefined) throw new TlsMaterialError(keyPath, 'the CA key is missing but its certificate exists');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certificate);
  } catch (error) {
    throw new TlsMaterialError(certPath, 'the CA certificate cannot be parsed', error);
  }
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey(privateKey);
  } catch (error) {
    throw new TlsMaterialError(keyPath, 'the CA key cannot be parsed', error);
  }
  if (!x509.ca || !x509.checkPrivateKey(key)) {
    throw new TlsMaterialError(certPath, 'the CA certificate is not a CA or does not match ca-key.pem');
  }
  if (Date.parse(x509.validTo) <= mustLastUntil) {
    logger?.warn(`the local TLS CA in ${certPath} expires ${x509.validTo}: creating a new one (clients must trust the new ca-cert.pem)`);
    return undefined;
  }
  return { certificate, privateKey, x509 };
}

interface LoadedLeaf {
  readonly chain: string;
  readonly key: string;
  readonly x509: X509Certificate;
}

/** The existing server certificate if it is still good for `hosts` until `mustLastUntil`. */
function loadLeaf(
  certPath: string,
  keyPath: string,
  ca: X509Certificate,
  hosts: readonly string[],
  mustLastUntil: number,
): LoadedLeaf | undefined {
  const chain = readIfPresent(certPath);
  const key = readIfPresent(keyPath);
  if (chain === undefined || key === undefined) return undefined;
  try {
    const x509 = new X509Certificate(chain);
    const usable =
      x509.checkIssued(ca) &&
      x509.verify(ca.publicKey) &&
      x509.checkPrivateKey(crypto.createPrivateKey(key)) &&
      Date.parse(x509.validTo) > mustLastUntil &&
      hosts.every((host) => (net.isIP(host) ? x509.checkIP(host) : x509.checkHost(host, { wildcards: false })) !== undefined);
    return usable ? { chain, key, x509 } : undefined;
  } catch {
    // Damaged or foreign: the server certificate is cheap to re-issue.
    return undefined;
  }
}

function normaliseHosts(extra: readonly string[]): string[] {
  const hosts: string[] = [];
  for (const raw of [...DEFAULT_HOSTS, ...extra]) {
    if (typeof raw !== 'string') throw new TlsConfigError('hosts must be strings');
    const host = raw.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
    if (net.isIP(host) === 0 && !HOST_NAME.test(host)) {
      throw new TlsConfigError(`${JSON.stringify(raw)} is neither a DNS name nor an IP address`);
    }
    if (!hosts.includes(host)) hosts.push(host);
  }
  return hosts;
}

async function acquireWithin(lockPath: string, waitMs: number): Promise<{ release(): void }> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return acquireLockFile(lockPath);
    } catch (error) {
      if (!(error instanceof StorageLockedError) || Date.now() > deadline) throw error;
      // Another process is creating the files; they take well under a second.
      await delay(50);
    }
  }
}

function readIfPresent(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TlsMaterialError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, error);
  }
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new TlsConfigError(`${name} must be a positive number`);
  return value;
}
