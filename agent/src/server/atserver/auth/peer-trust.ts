/**
 * Which TLS peer certificates this atServer trusts (for `from:@someoneElse`, server.md §7):
 * those issued under the public CAs Node trusts (`tls.rootCertificates`; OpenSSL checks them
 * during the handshake and reports the result as `socket.authorized`) and those the platform's
 * own CA issued (checked here, after the handshake).
 *
 * Why not simply `ca: [ours, ...rootCertificates]` on the TLS server: Node then copies every
 * public root into each server's own certificate store (~0.8 MiB per atSign) and announces each
 * `ca` as an acceptable client-certificate issuer, so every handshake carries ~15 KB of CA names
 * whose 16 KiB output buffer stays allocated for the connection's life (bench/server.ts measured
 * +14 KiB RSS per idle connection). Peers send their certificate whatever names are listed.
 */
import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';

export class PeerTrust {
  #ca: X509Certificate;

  /** `caPem`: the platform's own CA certificate. */
  constructor(caPem: string) {
    this.#ca = new X509Certificate(caPem);
  }

  /** After a CA renewal: trust what the new CA issued. */
  update(caPem: string): void {
    this.#ca = new X509Certificate(caPem);
  }

  /** Whether the certificate `socket`'s peer presented verified against a trusted CA. */
  verifies(socket: TLSSocket, now = Date.now()): boolean {
    if (socket.authorized) return true;
    const certificate = socket.getPeerX509Certificate();
    return certificate !== undefined && this.issuedByOurCa(certificate, now);
  }

  /** Signed by the platform's CA and valid now (the CA issues leaf certificates directly). */
  issuedByOurCa(certificate: X509Certificate, now = Date.now()): boolean {
    const ca = this.#ca;
    if (!certificate.checkIssued(ca) || !certificate.verify(ca.publicKey)) return false;
    return Date.parse(certificate.validFrom) <= now && now <= Date.parse(certificate.validTo) && Date.parse(ca.validTo) >= now;
  }
}
