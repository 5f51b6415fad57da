/**
 * The TLS context of this server's connections to other atServers: the platform's CA and the
 * public CAs Node trusts, and this server's certificate (presented as client certificate).
 *
 * Made once, on the first outbound connection, and shared by all of them: `tls.connect` given
 * `ca`/`cert`/`key` builds a new context per connection, parsing ~145 root certificates each
 * time (milliseconds of CPU and ~0.8 MiB of garbage per connection). A server that never
 * connects out never builds it.
 */
import tls from 'node:tls';

export interface OutboundTlsMaterial {
  /** The platform's CA (PEM). */
  readonly ca: string;
  /** This server's certificate chain and key (PEM). */
  readonly cert: string;
  readonly key: string;
}

export class OutboundTls {
  readonly #material: OutboundTlsMaterial;
  #context: tls.SecureContext | undefined;

  constructor(material: OutboundTlsMaterial) {
    this.#material = material;
  }

  secureContext(): tls.SecureContext {
    const { ca, cert, key } = this.#material;
    this.#context ??= tls.createSecureContext({ ca: [ca, ...tls.rootCertificates], cert, key });
    return this.#context;
  }
}
