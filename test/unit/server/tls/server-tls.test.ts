import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { once } from 'node:events';
import { X509Certificate } from 'node:crypto';
import type { TestContext } from 'node:test';
import {
  ensureServerTls,
  TlsConfigError,
  TlsMaterialError,
  type ServerTls,
} from '../../../../agent/src/server/tls/index.js';
import { tempDir } from '../../../helpers/temp-dir.js';

/** A TLS server on `host` that answers "hello" and reports how it saw the client. */
async function startServer(
  t: TestContext,
  material: ServerTls,
  host: string,
  options: tls.TlsOptions = {},
): Promise<{ port: number; peers: Array<{ authorized: boolean; error: string | undefined; subject: string | undefined }> }> {
  const peers: Array<{ authorized: boolean; error: string | undefined; subject: string | undefined }> = [];
  const server = tls.createServer({ cert: material.cert, key: material.key, ...options }, (socket) => {
    const peer = socket.getPeerCertificate();
    peers.push({
      authorized: socket.authorized,
      error: socket.authorizationError?.toString(),
      subject: peer && 'subject' in peer && peer.subject ? String(peer.subject.CN) : undefined,
    });
    socket.end('hello');
  });
  server.listen(0, host);
  await once(server, 'listening');
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as net.AddressInfo).port, peers };
}

/** Connects with full verification against `ca` only; resolves with what the server said. */
async function fetchGreeting(options: tls.ConnectionOptions): Promise<string> {
  const socket = tls.connect({ rejectUnauthorized: true, ...options });
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  await once(socket, 'end');
  socket.destroy();
  return received;
}

describe('local TLS CA and server certificate', () => {
  test('creates a CA and a server+client certificate with private keys readable only by the owner', async (t) => {
    const dataDir = tempDir(t);
    const material = await ensureServerTls(dataDir, { hosts: ['vip.ve.atsign.zone', '192.0.2.7', 'LOCALHOST'] });
    assert.deepEqual(material.created, { ca: true, serverCertificate: true });
    assert.equal(path.dirname(material.caPath), path.join(dataDir, 'tls'));
    assert.deepEqual(material.hosts, ['localhost', '127.0.0.1', '::1', 'vip.ve.atsign.zone', '192.0.2.7']);
    for (const file of [material.keyPath, path.join(dataDir, 'tls', 'ca-key.pem')]) {
      assert.equal(fs.statSync(file).mode & 0o777, 0o600, file);
    }
    assert.equal(fs.statSync(path.join(dataDir, 'tls')).mode & 0o777, 0o700);
    assert.equal(fs.readFileSync(material.certPath, 'utf8'), material.cert);

    const ca = new X509Certificate(material.ca);
    const leaf = new X509Certificate(material.cert);
    assert.equal(ca.ca, true);
    assert.equal(leaf.ca, false);
    assert.ok(leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
    assert.deepEqual(leaf.keyUsage, ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'], 'serverAuth and clientAuth');
    assert.equal(leaf.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
    assert.equal(leaf.checkHost('vip.ve.atsign.zone'), 'vip.ve.atsign.zone');
    assert.equal(leaf.checkIP('::1'), '::1');
    assert.equal(leaf.checkIP('192.0.2.7'), '192.0.2.7');
    assert.equal(leaf.checkHost('example.com'), undefined);
    assert.equal(material.notAfter.toISOString(), new Date(leaf.validTo).toISOString());
    assert.ok(material.notAfter.getTime() > Date.now() + 800 * 24 * 3600 * 1000);
  });

  test('a client trusting only the CA verifies the server as localhost, 127.0.0.1 and ::1', async (t) => {
    const material = await ensureServerTls(tempDir(t));
    for (const [listenOn, connectTo] of [
      ['127.0.0.1', 'localhost'],
      ['127.0.0.1', '127.0.0.1'],
      ['::1', '::1'],
    ] as const) {
      const { port } = await startServer(t, material, listenOn);
      // The identity checked is the servername (SNI) when given, else the host connected to.
      const greeting = await fetchGreeting(
        connectTo === 'localhost'
          ? { host: listenOn, port, ca: material.ca, servername: 'localhost' }
          : { host: connectTo, port, ca: material.ca },
      );
      assert.equal(greeting, 'hello', `${connectTo} via ${listenOn}`);
    }
  });

  test('verification fails for another host name and for a client that does not trust the CA', async (t) => {
    const material = await ensureServerTls(tempDir(t));
    const { port } = await startServer(t, material, '127.0.0.1');
    await assert.rejects(
      fetchGreeting({ host: '127.0.0.1', port, ca: material.ca, servername: 'example.com' }),
      { code: 'ERR_TLS_CERT_ALTNAME_INVALID' },
    );
    await assert.rejects(fetchGreeting({ host: '127.0.0.1', port }), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
  });

  test('the same certificate works as a TLS client certificate for a server that requests one', async (t) => {
    const material = await ensureServerTls(tempDir(t));
    const peerServer = await ensureServerTls(tempDir(t), { hosts: ['peer.example'] });
    // The peer trusts our CA for client certificates and presents its own chain.
    const { port, peers } = await startServer(t, peerServer, '127.0.0.1', {
      requestCert: true,
      rejectUnauthorized: false,
      ca: material.ca,
    });
    const withCert = await fetchGreeting({ host: '127.0.0.1', port, ca: peerServer.ca, servername: 'localhost', cert: material.cert, key: material.key });
    const withoutCert = await fetchGreeting({ host: '127.0.0.1', port, ca: peerServer.ca, servername: 'localhost' });
    assert.equal(withCert, 'hello');
    assert.equal(withoutCert, 'hello');
    assert.deepEqual(peers[0], { authorized: true, error: undefined, subject: 'localhost' });
    assert.equal(peers[1]?.authorized, false);
    assert.equal(peers[1]?.subject, undefined);
    assert.ok(peers[1]!.error, 'a client without a certificate is not authorised');
  });

  test('later starts reuse the files; new hosts or near expiry re-issue the server certificate under the same CA', async (t) => {
    const dataDir = tempDir(t);
    const first = await ensureServerTls(dataDir);
    const again = await ensureServerTls(dataDir, { hosts: ['::1'] });
    assert.deepEqual(again.created, { ca: false, serverCertificate: false });
    assert.equal(again.cert, first.cert);
    assert.equal(again.key, first.key);

    const widened = await ensureServerTls(dataDir, { hosts: ['device.local'] });
    assert.deepEqual(widened.created, { ca: false, serverCertificate: true });
    assert.equal(widened.ca, first.ca);
    assert.notEqual(widened.key, first.key);
    assert.equal(new X509Certificate(widened.cert).checkHost('device.local'), 'device.local');

    const renewed = await ensureServerTls(dataDir, { hosts: ['device.local'], renewBeforeMs: 900 * 24 * 3600 * 1000 });
    assert.deepEqual(renewed.created, { ca: false, serverCertificate: true });
    assert.equal(renewed.ca, first.ca);

    const short = await ensureServerTls(dataDir, { hosts: ['device.local'], leafValidityDays: 2, renewBeforeMs: 900 * 24 * 3600 * 1000 });
    assert.ok(short.notAfter.getTime() < Date.now() + 3 * 24 * 3600 * 1000);
  });

  test('a CA about to expire is replaced, with a warning; server certificates never outlive their CA', async (t) => {
    const dataDir = tempDir(t);
    const first = await ensureServerTls(dataDir, { caValidityDays: 10 });
    assert.ok(first.notAfter.getTime() <= Date.parse(new X509Certificate(first.ca).validTo));
    const warnings: string[] = [];
    const replaced = await ensureServerTls(dataDir, { logger: { warn: (message) => warnings.push(message) } });
    assert.deepEqual(replaced.created, { ca: true, serverCertificate: true });
    assert.notEqual(replaced.ca, first.ca);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /expires .*creating a new one/);
  });

  test('a damaged server certificate is re-issued; damaged CA files are refused, naming the file', async (t) => {
    const dataDir = tempDir(t);
    const first = await ensureServerTls(dataDir);
    fs.writeFileSync(first.certPath, 'not a certificate');
    const repaired = await ensureServerTls(dataDir);
    assert.equal(repaired.created.serverCertificate, true);
    assert.equal(repaired.ca, first.ca);

    const caKeyPath = path.join(dataDir, 'tls', 'ca-key.pem');
    const caKey = fs.readFileSync(caKeyPath);
    fs.writeFileSync(first.caPath, '-----BEGIN CERTIFICATE-----\nAAAAAAAA\n-----END CERTIFICATE-----\n');
    await assert.rejects(ensureServerTls(dataDir), (error: unknown) => {
      assert.ok(error instanceof TlsMaterialError);
      assert.equal(error.file, first.caPath);
      return true;
    });
    fs.writeFileSync(first.caPath, first.ca);
    fs.rmSync(caKeyPath);
    await assert.rejects(ensureServerTls(dataDir), (error: unknown) => error instanceof TlsMaterialError && error.file === caKeyPath);
    fs.writeFileSync(caKeyPath, caKey, { mode: 0o600 });
    assert.equal((await ensureServerTls(dataDir)).ca, first.ca);
  });

  test('concurrent calls for one directory agree on one CA; bad hosts are refused', async (t) => {
    const dataDir = tempDir(t);
    const results = await Promise.all([ensureServerTls(dataDir), ensureServerTls(dataDir), ensureServerTls(dataDir)]);
    assert.equal(new Set(results.map((r) => r.ca)).size, 1);
    assert.equal(results.filter((r) => r.created.ca).length, 1);
    await assert.rejects(ensureServerTls(dataDir, { hosts: ['bad host'] }), TlsConfigError);
    await assert.rejects(ensureServerTls(dataDir, { hosts: ['a:b'] }), TlsConfigError);
  });
});
