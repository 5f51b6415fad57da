/**
 * TLS settings shared by every outbound connection: certificates are verified against the
 * system CAs unless a private CA is given (`--ca FILE`, a local atServer), and SNI is sent
 * for host names only (RFC 6066 forbids IP literals in server_name).
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { ConnectError } from './errors.js';

export interface TlsSettings {
  /**
   * Extra trusted CA certificate(s), PEM. When set, ONLY these are trusted (as with Node's
   * `ca` option), which is what a private test CA wants.
   */
  readonly ca?: string | Buffer | readonly (string | Buffer)[] | undefined;
  /** Default true. Turning verification off is for debugging only. */
  readonly rejectUnauthorized?: boolean | undefined;
}

export class CaFileError extends Error {
  readonly path: string;

  constructor(path: string, reason: string, options?: ErrorOptions) {
    super(`cannot use CA file ${path}: ${reason}`, options);
    this.name = 'CaFileError';
    this.path = path;
  }
}

const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----';

/**
 * Reads a PEM CA bundle. `value` is either PEM text or a file path; a file that holds no
 * certificate is refused here rather than as an opaque handshake failure later.
 */
export async function loadCa(value: string | Buffer): Promise<Buffer> {
  if (Buffer.isBuffer(value) || value.includes(PEM_CERTIFICATE)) {
    const pem = Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
    if (!pem.includes(PEM_CERTIFICATE)) throw new CaFileError('<inline>', 'no PEM certificate in the given text');
    return pem;
  }
  let pem: Buffer;
  try {
    pem = await readFile(value);
  } catch (cause) {
    throw new CaFileError(value, (cause as Error).message, { cause });
  }
  if (!pem.includes(PEM_CERTIFICATE)) throw new CaFileError(value, 'the file holds no PEM certificate');
  return pem;
}

/** Options for `tls.connect` to `host:port`. */
export function tlsConnectOptions(host: string, port: number, settings: TlsSettings = {}): ConnectionOptions {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConnectError(host, port, 'the port must be an integer between 1 and 65535');
  }
  const options: ConnectionOptions = {
    host,
    port,
    rejectUnauthorized: settings.rejectUnauthorized ?? true,
    minVersion: 'TLSv1.2',
  };
  if (isIP(host) === 0) options.servername = host;
  if (settings.ca !== undefined) options.ca = settings.ca as string | Buffer | (string | Buffer)[];
  return options;
}
