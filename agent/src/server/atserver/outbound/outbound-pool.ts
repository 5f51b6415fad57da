/**
 * This atServer's connections to other atServers (server.md §7): at most one pooled
 * connection per remote atSign and kind (pol-authenticated, or anonymous for public
 * lookups), reused until idle for `outboundIdleMs`, at most `outboundMaxConnections` open.
 * The notification queue and proxied lookups both draw from it.
 *
 * A connection is lent (`lease`) for a piece of work and given back (`release`); while lent,
 * or while still opening, it is busy. When the pool is full, a new remote takes the place of
 * the least-recently-used idle connection: otherwise a server that once talked to
 * `outboundMaxConnections` remotes would refuse every new one until an idle connection timed
 * out (10 minutes). AT0006 only when every connection is busy.
 *
 * Every new connection first runs the `afterConnect` hook (the public-key refresh of
 * server.md §5.4) before any authentication.
 */
import type { AtServerLimits, AtServerLogger } from '../server-options.js';
import { AtServerVerbError } from '../errors.js';
import type { AtSignResolver } from './atsign-resolver.js';
import type { OutboundTlsMaterial } from './outbound-tls.js';
import { OutboundConnection } from './outbound-connection.js';
import { OutboundTls } from './outbound-tls.js';
import { performHandshake, type HandshakeParties } from './handshake.js';

export type OutboundKind = 'authenticated' | 'anonymous';

export interface OutboundPoolOptions {
  readonly resolver: AtSignResolver;
  /** This server's certificate and key (presented to remote servers) and the platform's CA. */
  readonly tls: OutboundTlsMaterial;
  readonly limits: Pick<AtServerLimits, 'outboundMaxConnections' | 'outboundIdleMs' | 'outboundConnectTimeoutMs'>;
  readonly handshake: () => HandshakeParties;
  readonly afterConnect?: (connection: OutboundConnection) => Promise<void>;
  readonly logger: AtServerLogger;
}

/** A pooled connection lent for one piece of work; give it back exactly once. */
export interface OutboundLease {
  readonly connection: OutboundConnection;
  /** Back to the pool, idle and reusable. */
  release(): void;
  /** It misbehaved (timeout, socket error, unreadable answer): closed, the next lease opens a new one. */
  discard(): void;
}

interface PoolEntry {
  readonly key: string;
  readonly opening: Promise<OutboundConnection>;
  /** Set once open. */
  connection: OutboundConnection | undefined;
  /** Leases out, plus callers still waiting for the opening: > 0 means busy. */
  users: number;
}

export class OutboundPool {
  readonly #options: OutboundPoolOptions;
  #tls: OutboundTls;
  /** In least-recently-used order: an entry moves to the end whenever it is given back. */
  readonly #connections = new Map<string, PoolEntry>();
  /** Connections made outside the pool (`fresh`), counted against the same limit. */
  #unpooled = 0;
  #sweeper: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: OutboundPoolOptions) {
    this.#options = options;
    this.#tls = new OutboundTls(options.tls);
    const every = Math.max(1_000, Math.min(60_000, options.limits.outboundIdleMs / 2));
    this.#sweeper = setInterval(() => this.#closeIdle(), every);
    this.#sweeper.unref();
  }

  /** Open outbound connections (pooled and fresh). */
  get size(): number {
    return this.#connections.size + this.#unpooled;
  }

  /**
   * The pooled connection to `remoteAtSign` of `kind`, opened (and for 'authenticated',
   * pol-authenticated) if there is none: AT0007 unknown atSign, AT0008 handshake failed,
   * AT0006 the pool is full of busy connections.
   */
  async lease(remoteAtSign: string, kind: OutboundKind): Promise<OutboundLease> {
    const key = `${kind}:${remoteAtSign}`;
    let entry = this.#connections.get(key);
    if (entry?.connection?.closed === true) {
      // Dropped by the remote: whoever still holds it finds out on their next request.
      this.#connections.delete(key);
      entry = undefined;
    }
    if (entry === undefined) {
      this.#makeRoom();
      entry = this.#openEntry(key, remoteAtSign, kind);
    }
    entry.users++;
    let connection: OutboundConnection;
    try {
      connection = await entry.opening;
    } catch (error) {
      entry.users--;
      throw error;
    }
    connection.lastUsed = Date.now();
    return this.#leaseOf(entry, connection);
  }

  /**
   * A new unauthenticated connection outside the pool, closed by `use` returning (pol
   * verification must not share a connection with anything else).
   */
  async withFresh<T>(remoteAtSign: string, use: (connection: OutboundConnection) => Promise<T>): Promise<T> {
    this.#makeRoom();
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

  /** Drops the pooled connection to `remoteAtSign` of `kind`, so the next lease opens a new one. */
  discard(remoteAtSign: string, kind: OutboundKind): void {
    const entry = this.#connections.get(`${kind}:${remoteAtSign}`);
    if (entry !== undefined) this.#drop(entry);
  }

  /** New connections present a renewed certificate (open ones keep theirs until they close). */
  setTls(tls: OutboundTlsMaterial): void {
    this.#tls = new OutboundTls(tls);
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#sweeper);
    for (const entry of [...this.#connections.values()]) this.#drop(entry);
  }

  #openEntry(key: string, remoteAtSign: string, kind: OutboundKind): PoolEntry {
    const entry: PoolEntry = { key, opening: this.#openPooled(remoteAtSign, kind), connection: undefined, users: 0 };
    this.#connections.set(key, entry);
    entry.opening.then(
      (connection) => {
        entry.connection = connection;
      },
      () => {
        if (this.#connections.get(key) === entry) this.#connections.delete(key);
      },
    );
    return entry;
  }

  #leaseOf(entry: PoolEntry, connection: OutboundConnection): OutboundLease {
    let returned = false;
    const giveBack = (): boolean => {
      if (returned) return false;
      returned = true;
      entry.users--;
      return true;
    };
    return {
      connection,
      release: () => {
        if (!giveBack() || entry.users > 0 || this.#connections.get(entry.key) !== entry) return;
        // Most recently used now: to the end of the eviction order.
        this.#connections.delete(entry.key);
        this.#connections.set(entry.key, entry);
      },
      discard: () => {
        if (giveBack()) this.#drop(entry);
      },
    };
  }

  /** Frees a slot if the pool is full: dead connections first, then the least-recently-used idle one. */
  #makeRoom(): void {
    const limit = this.#options.limits.outboundMaxConnections;
    if (this.size < limit) return;
    for (const entry of [...this.#connections.values()]) {
      if (entry.users === 0 && entry.connection?.closed === true) this.#connections.delete(entry.key);
    }
    if (this.size < limit) return;
    for (const entry of this.#connections.values()) {
      if (entry.users === 0 && entry.connection !== undefined) {
        this.#drop(entry);
        return;
      }
    }
    throw new AtServerVerbError('AT0006', 'Outbound connection limit exceeded', { close: false });
  }

  /** Out of the pool (if still in it) and closed, once open. */
  #drop(entry: PoolEntry): void {
    if (this.#connections.get(entry.key) === entry) this.#connections.delete(entry.key);
    void entry.opening.then((connection) => connection.close(), () => undefined);
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
        secureContext: this.#tls.secureContext(),
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

  #closeIdle(): void {
    const cutoff = Date.now() - this.#options.limits.outboundIdleMs;
    for (const entry of [...this.#connections.values()]) {
      const connection = entry.connection;
      if (entry.users === 0 && connection !== undefined && (connection.closed || connection.lastUsed < cutoff)) this.#drop(entry);
    }
  }
}
