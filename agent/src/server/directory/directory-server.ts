/**
 * The atDirectory (root) server: TLS only, one lookup protocol (see lookup-connection.ts),
 * records from a DirectoryRegistry (in-process or Redis).
 *
 * Connection hygiene: a TLS handshake must finish within `handshakeTimeoutMs`, an idle
 * connection is closed after `idleTimeoutMs`, at most `maxConnections` are open at once
 * (further ones are closed as soon as they are accepted), and no connection can make the
 * server buffer more than one 255-character request.
 */
import tls from 'node:tls';
import type { AddressInfo, Socket } from 'node:net';
import type { DirectoryRegistry } from './registry.js';
import { serveLookupConnection } from './lookup-connection.js';

export interface DirectoryServerOptions {
  /** Interface to listen on (default: all). */
  readonly host?: string;
  /** TCP port (default 64, the production root's; 0 = any free port). */
  readonly port?: number;
  /** Server certificate chain and key (e.g. from ensureServerTls). */
  readonly tls: Pick<tls.SecureContextOptions, 'cert' | 'key' | 'ca' | 'passphrase' | 'pfx'>;
  /** Where the records come from. The server does not close it. */
  readonly registry: DirectoryRegistry;
  /** Delay before answering the 2nd not-found lookup on a connection (default 3000 ms, the reference's). */
  readonly notFoundDelayMs?: number;
  /** Longest request line in characters, counting its `\n` (default 255, the reference's buffer). */
  readonly maxRequestChars?: number;
  /** Close a connection that sent nothing for this long (default 60 s). */
  readonly idleTimeoutMs?: number;
  /** Most connections open at once (default 1000). */
  readonly maxConnections?: number;
  /** Most time for a TLS handshake (default 10 s). */
  readonly handshakeTimeoutMs?: number;
  readonly logger?: { warn(message: string): void };
}

export interface DirectoryServer {
  readonly host: string;
  readonly port: number;
  /** Connections open right now. */
  readonly connections: number;
  /** Serves new connections with a new certificate (after ensureServerTls renewed it). */
  updateTls(options: DirectoryServerOptions['tls']): void;
  /** Stops listening and closes every open connection. */
  close(): Promise<void>;
}

export async function startDirectoryServer(options: DirectoryServerOptions): Promise<DirectoryServer> {
  const logger = options.logger ?? { warn: (message: string) => console.warn(message) };
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const sockets = new Set<Socket>();
  const server = tls.createServer({
    ...options.tls,
    minVersion: 'TLSv1.2',
    handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
  });
  server.maxConnections = options.maxConnections ?? 1000;

  server.on('secureConnection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    socket.setTimeout(idleTimeoutMs, () => socket.destroy());
    serveLookupConnection(socket, {
      registry: options.registry,
      notFoundDelayMs: options.notFoundDelayMs ?? 3_000,
      maxRequestChars: options.maxRequestChars ?? 255,
      logger,
    });
  });
  // Failed handshakes (port scanners, clients that do not trust us) are the client's problem.
  server.on('tlsClientError', () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 64, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => logger.warn(`directory: server error: ${error.message}`));
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;

  return {
    host: address.address,
    port: address.port,
    get connections() {
      return sockets.size;
    },
    updateTls(tlsOptions) {
      server.setSecureContext({ ...tlsOptions });
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
