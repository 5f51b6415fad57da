/**
 * This atServer's connections to other atServers (server.md §7): at most one pooled
 * connection per remote atSign and kind (pol-authenticated, or anonymous for public
 * lookups), reused until idle for `outboundIdleMs`, at most `outboundMaxConnections` open
 * (AT0006 beyond). The notification queue and proxied lookups both draw from it.
 *
 * Every new connection first runs the `afterConnect` hook (the public-key refresh of
 * server.md §5.4) before any authentication.
 */
import type { AtServerLimits, AtServerLogger } from '../server-options.js';
import { AtServerVerbError } from '../errors.js';
import type { AtSignResolver } from './atsign-resolver.js';
import { OutboundConnection, type OutboundTls } from './outbound-connection.js';
import { performHandshake, type HandshakeParties } from './handshake.js';

export type OutboundKind = 'authenticated' | 'anonymous';

export interface OutboundPoolOptions {
  readonly resolver: AtSignResolver;
  readonly tls: OutboundTls;
  readonly limits: Pick<AtServerLimits, 'outboundMaxConnections' | 'outboundIdleMs' | 'outboundReadTimeoutMs' | 'outboundConnectTimeoutMs'>;
  readonly handshake: () => HandshakeParties;
  readonly afterConnect?: (connection: OutboundConnection) => Promise<void>;
  readonly logger: AtServerLogger;
}

export class OutboundPool {
  readonly #options: OutboundPoolOptions;
  #tls: OutboundTls;
  readonly #connections = new Map<string, Promise<OutboundConnection>>();
  /** Connections made outside the pool (`fresh`), counted against the same limit. */
  #unpooled = 0;
  #sweeper: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: OutboundPoolOptions) {
    this.#options = options;
    this.#tls = options.tls;
    const every = Math.max(1_000, Math.min(60_000, options.limits.outboundIdleMs / 2));
    this.#sweeper = setInterval(() => this.#closeIdle(), every);
    this.#sweeper.unref();
  }

  /** Open outbound connections (pooled and fresh). */
  get size(): number {
    return this.#connections.size + this.#unpooled;
  }

  /** A pol-authenticated connection to `remoteAtSign` (AT0007 unknown, AT0008 handshake failed). */
  authenticated(remoteAtSign: string): Promise<OutboundConnection> {
    return this.#pooled(remoteAtSign, 'authenticated');
  }

  /** An unauthenticated connection to `remoteAtSign`, for public lookups. */
  anonymous(remoteAtSign: string): Promise<OutboundConnection> {
    return this.#pooled(remoteAtSign, 'anonymous');
  }

  /**
   * A new unauthenticated connection outside the pool, closed by `use` returning (pol
   * verification must not share a connection with anything else).
   */
  async withFresh<T>(remoteAtSign: string, use: (connection: OutboundConnection) => Promise<T>): Promise<T> {
    this.#checkCapacity();
    this.#unpooled++;
    try {
      const connection = await this.#open(remoteAtSign);
      try {
        return await use(connection);
      } finally {
        connection.close();
      }
    } finally {
      this.#unpooled--;
    }
  }

  /** Drops a connection that misbehaved, so the next use opens a new one. */
  discard(remoteAtSign: string, kind: OutboundKind): void {
    const key = `${kind}:${remoteAtSign}`;
    const entry = this.#connections.get(key);
    this.#connections.delete(key);
    void entry?.then((connection) => connection.close(), () => undefined);
  }

  /** New connections present a renewed certificate (open ones keep theirs until they close). */
  setTls(tls: OutboundTls): void {
    this.#tls = tls;
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#sweeper);
    for (const entry of this.#connections.values()) void entry.then((connection) => connection.close(), () => undefined);
    this.#connections.clear();
  }

  async #pooled(remoteAtSign: string, kind: OutboundKind): Promise<OutboundConnection> {
    const key = `${kind}:${remoteAtSign}`;
    const existing = this.#connections.get(key);
    if (existing !== undefined) {
      const connection = await existing.catch(() => undefined);
      if (connection !== undefined && !connection.closed) {
        connection.lastUsed = Date.now();
        return connection;
      }
      if (this.#connections.get(key) === existing) this.#connections.delete(key);
    }
    this.#checkCapacity();
    const opening = this.#openPooled(remoteAtSign, kind);
    this.#connections.set(key, opening);
    opening.catch(() => {
      if (this.#connections.get(key) === opening) this.#connections.delete(key);
    });
    return opening;
  }

  async #openPooled(remoteAtSign: string, kind: OutboundKind): Promise<OutboundConnection> {
    const connection = await this.#open(remoteAtSign);
    if (kind === 'authenticated') {
      try {
        await performHandshake(connection, this.#options.handshake());
      } catch (error) {
        connection.close();
        throw error;
      }
    }
    return connection;
  }

  async #open(remoteAtSign: string): Promise<OutboundConnection> {
    if (this.#closed) throw new AtServerVerbError('AT0004', 'the server is shutting down', { close: false });
    const address = await this.#options.resolver.resolve(remoteAtSign);
    if (address === null) throw new AtServerVerbError('AT0007', `${remoteAtSign} does not exist`, { close: false });
    let connection: OutboundConnection;
    try {
      connection = await OutboundConnection.connect({
        address,
        tls: this.#tls,
        connectTimeoutMs: this.#options.limits.outboundConnectTimeoutMs,
        remoteAtSign,
      });
    } catch (error) {
      if (error instanceof AtServerVerbError) throw error;
      throw new AtServerVerbError('AT0004', `Unable to connect to ${remoteAtSign}: ${(error as Error).message}`, { close: false });
    }
    if (this.#options.afterConnect !== undefined) {
      try {
        await this.#options.afterConnect(connection);
      } catch (error) {
        // A failed refresh must not stop the real work, unless it took the connection with it
        // (a remote that does not answer: AT0023).
        if (connection.closed) {
          throw error instanceof AtServerVerbError ? error : new AtServerVerbError('AT0004', `connection to ${remoteAtSign} failed`, { close: false });
        }
        this.#options.logger.warn(`public key refresh for ${remoteAtSign} failed: ${(error as Error).message}`);
      }
    }
    if (connection.closed) throw new AtServerVerbError('AT0004', `connection to ${remoteAtSign} closed`, { close: false });
    return connection;
  }

  #checkCapacity(): void {
    if (this.size >= this.#options.limits.outboundMaxConnections) {
      throw new AtServerVerbError('AT0006', 'Outbound connection limit exceeded', { close: false });
    }
  }

  #closeIdle(): void {
    const cutoff = Date.now() - this.#options.limits.outboundIdleMs;
    for (const [key, entry] of this.#connections) {
      void entry.then(
        (connection) => {
          if (connection.closed || connection.lastUsed < cutoff) {
            if (this.#connections.get(key) === entry) this.#connections.delete(key);
            connection.close();
          }
        },
        () => undefined,
      );
    }
  }
}
