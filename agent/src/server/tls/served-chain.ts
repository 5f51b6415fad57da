/**
 * The certificate chain the atServers serve in their handshakes: server-cert.pem without a
 * self-signed root at its end (ours appends the local CA). A client must already trust that
 * CA, it is its trust anchor, and RFC 8446 §4.4.2 lets a server leave it out. It matters for
 * memory: Node keeps a TLS output buffer sized to each connection's first handshake flight
 * for the connection's life, and the CA certificate is ~1.1 KB of that flight (heaptrack,
 * 1,000 idle monitors: 2.4 -> 1.6 KiB per connection).
 */
import { X509Certificate } from 'node:crypto';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function isSelfSigned(pem: string): boolean {
  const certificate = new X509Certificate(pem);
  return certificate.checkIssued(certificate) && certificate.verify(certificate.publicKey);
}

/**
 * The last chain worked out and its result: a platform hands the same chain to every atSign's
 * server (at start and on renewal), and parsing and verifying it costs ~0.7 ms each time.
 */
let last: { readonly chainPem: string; readonly served: string } | undefined;

/** `chainPem` (leaf first) without trailing self-signed certificates; a lone certificate stays. */
export function servedChain(chainPem: string): string {
  if (last?.chainPem !== chainPem) last = { chainPem, served: withoutSelfSignedRoots(chainPem) };
  return last.served;
}

function withoutSelfSignedRoots(chainPem: string): string {
  const certificates = chainPem.match(PEM_CERTIFICATE) ?? [];
  while (certificates.length > 1 && isSelfSigned(certificates.at(-1) as string)) certificates.pop();
  return certificates.length === 0 ? chainPem : `${certificates.join('\n')}\n`;
}
