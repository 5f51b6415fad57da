/**
 * One atSign's server: its own storage directory, TLS port, signing key pair, block list and
 * connection pool, behaving as a separate reference atServer would (server.md §2). A platform
 * runs many of these in one process.
 *
 * Start-up duties (§2.1): store the CRAM secret on first start, make the signing key pair,
 * purge expired and malformed keys; then listen, and run the expiry job and the idle sweep.
 */
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { RsaPrivateKey } from '../../crypto/index.js';
import { normalizeAtSign } from '../../protocol/index.js';
import { openServerStorage, type ServerStorage } from '../storage/index.js';
import { servedChain } from '../tls/served-chain.js';
import { Apkam } from './apkam/apkam.js';
import { BlockList } from './block-list.js';
import type { ConnectionHandle, ConnectionObserver } from './connection-handle.js';
import { Dispatcher } from './dispatcher.js';
import { allowedIdleMs } from './idle-policy.js';
import { InboundConnection } from './inbound-connection.js';
import { KeyEvents } from './key-events.js';
import { OwnerKeyStore } from './keys/owner-key-store.js';
import type { StoredRecord } from './keys/stored-record.js';
import { CRAM_SECRET_DELETED_KEY, CRAM_SECRET_KEY } from './keys/reserved-keys.js';
import type { AtServerModule, ModuleInstance, ModuleKey } from './module-registry.js';
import { AT_SERVER_MODULES } from './modules.js';
import type { AtSignResolver } from './outbound/atsign-resolver.js';
import { OutboundPool } from './outbound/outbound-pool.js';
import { PeerTrust } from './auth/peer-trust.js';
import { ProofStore } from './proof-store.js';
import { RemoteLookups } from './remote-lookups.js';
import type { AtSignServerContext } from './server-context.js';
import { INBOUND_CONNECTION_LIMIT_REPLY } from '../../protocol/index.js';
import type { ResolvedTuning } from './server-options.js';
import { ServerStats } from './server-stats.js';
import { ensureSigningKey } from './signing-keys.js';
import { CORE_VERB_HANDLERS } from './verbs/index.js';
import type { VerbHandler } from './verb-handler.js';

export interface AtSignServerTls {
  /** Server certificate chain (PEM) and key: served to clients, presented to remote servers. */
  readonly cert: string;
  readonly key: string;
  /**
   * The platform's own CA (PEM), trusted for client certificates and remote servers besides
   * the public CAs Node trusts (`tls.rootCertificates`).
   */
  readonly ca: string;
}

/** One function for every refused socket (no closure per socket). */
function destroySocket(this: tls.TLSSocket): void {
  this.destroy();
}

const INBOUND_TLS = {
  // Peers may present a certificate (servers do, for `from:@them`); clients need not.
  requestCert: true,
  rejectUnauthorized: false,
  minVersion: 'TLSv1.2',
} as const satisfies tls.TlsOptions;

export interface AtSignServerOptions {
  readonly atSign: string;
  /** The atSign's own storage directory. */
  readonly dataDir: string;
  /** TCP port; 0 = any free port. */
  readonly port: number;
  /** Interface to listen on (default: all). */
  readonly listenHost?: string;
  readonly tls: AtSignServerTls;
  readonly resolver: AtSignResolver;
  readonly tuning: ResolvedTuning;
  /** Stored as `privatekey:at_secret` unless a secret is stored or CRAM was disabled. */
  readonly cramSecret?: string;
  /** Verb handlers (default: every verb this server implements). */
  readonly handlers?: readonly VerbHandler[];
  /** Modules (default: AT_SERVER_MODULES). */
  readonly modules?: readonly AtServerModule[];
}

export class AtSignServer implements AtSignServerContext {
  readonly atSign: string;
  readonly tuning: ResolvedTuning;
  readonly dataDir: string;
  readonly startedAt: number;
  readonly storage: ServerStorage<StoredRecord>;
  readonly keys: OwnerKeyStore;
  readonly events: KeyEvents;
  readonly blockList: BlockList;
  readonly apkam: Apkam;
  readonly proofs: ProofStore;
  readonly signingKey: RsaPrivateKey;
  readonly resolver: AtSignResolver;
  readonly outbound: OutboundPool;
  readonly remote: RemoteLookups;
  readonly stats = new ServerStats();
  readonly dispatcher: Dispatcher;
  readonly #connections = new Set<InboundConnection>();
  readonly #connectionObserver: ConnectionObserver = {
    connectionClosed: (connection) => this.#connections.delete(connection as InboundConnection),
  };
  readonly #modules = new Map<string, ModuleInstance>();
  readonly #timers: NodeJS.Timeout[] = [];
  #cacheRefreshTimer: NodeJS.Timeout | undefined;
  readonly #peerTrust: PeerTrust;
  #server: tls.Server | undefined;
  #port = 0;
  #closing: Promise<void> | undefined;

  private constructor(init: {
    options: AtSignServerOptions;
    atSign: string;
    storage: ServerStorage<StoredRecord>;
    keys: OwnerKeyStore;
    events: KeyEvents;
    signingKey: RsaPrivateKey;
  }) {
    const { options } = init;
    this.atSign = init.atSign;
    this.tuning = options.tuning;
    this.dataDir = options.dataDir;
    this.startedAt = options.tuning.clock.now();
    this.storage = init.storage;
    this.keys = init.keys;
    this.events = init.events;
    this.signingKey = init.signingKey;
    this.resolver = options.resolver;
    this.blockList = new BlockList(this.keys);
    this.apkam = new Apkam(this.keys, options.tuning.clock);
    this.proofs = new ProofStore(options.tuning.clock, options.tuning.timings.proofTtlMs);
    this.dispatcher = new Dispatcher(options.handlers ?? CORE_VERB_HANDLERS);
    this.#peerTrust = new PeerTrust(options.tls.ca);
    this.outbound = new OutboundPool({
      resolver: options.resolver,
      tls: options.tls,
      limits: options.tuning.limits,
      logger: options.tuning.logger,
      handshake: () => ({
        atSign: this.atSign,
        signingKey: this.signingKey,
        proofs: this.proofs,
        timeoutMs: this.tuning.limits.outboundReadTimeoutMs,
      }),
      afterConnect: (connection) => this.remote.refreshPublicKey(connection),
    });
    this.remote = new RemoteLookups({
      keys: this.keys,
      pool: this.outbound,
      clock: options.tuning.clock,
      timings: options.tuning.timings,
      readTimeoutMs: options.tuning.limits.outboundReadTimeoutMs,
    });
  }

  /** Opens the storage, runs the start-up duties and starts listening. */
  static async start(options: AtSignServerOptions): Promise<AtSignServer> {
    const atSign = normalizeAtSign(options.atSign);
    const storage = await openServerStorage<StoredRecord>(options.dataDir, {
      logger: { warn: (message) => options.tuning.logger.warn(`${atSign}: ${message}`) },
    });
    let server: AtSignServer | undefined;
    try {
      const events = new KeyEvents(options.tuning.logger);
      const keys = new OwnerKeyStore(storage, atSign, options.tuning.clock, events);
      if (options.cramSecret !== undefined && !keys.has(CRAM_SECRET_DELETED_KEY) && !keys.has(CRAM_SECRET_KEY)) {
        keys.putRecord(CRAM_SECRET_KEY, { value: options.cramSecret, metadata: keys.newMetadata() }, { origin: 'server' });
      }
      const signingKey = await ensureSigningKey(keys);
      server = new AtSignServer({ options, atSign, storage, keys, events, signingKey });
      server.#startUpCleanup();
      for (const module of options.modules ?? AT_SERVER_MODULES) {
        server.#modules.set(module.key.name, await module.start(server));
      }
      await server.#listen(options);
      server.#startJobs();
      return server;
    } catch (error) {
      if (server !== undefined) await server.close().catch(() => undefined);
      else await storage.close().catch(() => undefined);
      throw error;
    }
  }

  get port(): number {
    return this.#port;
  }

  get connections(): ReadonlySet<ConnectionHandle> {
    return this.#connections;
  }

  module<T extends ModuleInstance>(key: ModuleKey<T>): T {
    const instance = this.#modules.get(key.name);
    if (instance === undefined) throw new Error(`module ${key.name} is not running on ${this.atSign}`);
    return instance as T;
  }

  /** Serves, and presents to remote servers, a renewed certificate from now on. */
  updateTls(tls: AtSignServerTls): void {
    this.#server?.setSecureContext({ cert: servedChain(tls.cert), key: tls.key, ...INBOUND_TLS });
    this.#peerTrust.update(tls.ca);
    this.outbound.setTls(tls);
  }

  /** Closes idle connections now (the sweep also runs on its own). */
  sweepIdleConnections(): number {
    const now = this.tuning.clock.now();
    const open = this.#connections.size;
    let closed = 0;
    for (const connection of this.#connections) {
      const session = connection.session;
      if (now - session.lastActivity > allowedIdleMs(session.isAuthenticated, open, this.tuning.limits)) {
        connection.destroy();
        closed++;
      }
    }
    return closed;
  }

  /** Runs the cache refresh job now (it also runs daily at 03:00 server time). */
  refreshCaches(): Promise<number> {
    return this.remote.refreshStaleCaches();
  }

  /** Removes expired keys now (the job also runs on its own). */
  removeExpiredKeys(): number {
    return this.keys.removeExpired();
  }

  /** Stops listening, drops every connection, stops modules and closes the storage. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    clearTimeout(this.#cacheRefreshTimer);
    const listening = this.#server;
    const stopped = listening === undefined ? Promise.resolve() : new Promise<void>((resolve) => listening.close(() => resolve()));
    for (const connection of this.#connections) connection.destroy();
    this.outbound.close();
    for (const [name, module] of [...this.#modules].reverse()) {
      try {
        await module.close?.();
      } catch (error) {
        this.tuning.logger.warn(`${this.atSign}: module ${name} failed to close: ${(error as Error).message}`);
      }
    }
    await stopped;
    await this.storage.flush().catch(() => undefined);
    await this.storage.close();
  }

  #startUpCleanup(): void {
    this.keys.removeExpired();
    // Malformed keys the reference also drops at start (server.md §2.1 step 3).
    for (const key of [...this.keys.keys()]) {
      if (key.startsWith('public:cached:') || key === 'public:publickey') this.keys.delete(key, { origin: 'server' });
    }
  }

  async #listen(options: AtSignServerOptions): Promise<void> {
    // No `ca`: the public roots are Node's shared store, our CA is checked by PeerTrust.
    const server = tls.createServer({ cert: servedChain(options.tls.cert), key: options.tls.key, ...INBOUND_TLS, handshakeTimeout: 10_000 });
    server.on('secureConnection', (socket) => this.#accept(socket));
    server.on('tlsClientError', () => undefined);
    server.on('error', (error) => this.tuning.logger.warn(`${this.atSign}: server error: ${error.message}`));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.listenHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#server = server;
    this.#port = (server.address() as AddressInfo).port;
  }

  #accept(socket: tls.TLSSocket): void {
    if (this.#closing !== undefined) {
      socket.destroy();
      return;
    }
    if (this.#connections.size >= this.tuning.limits.inboundMaxConnections) {
      socket.on('error', destroySocket);
      socket.end(INBOUND_CONNECTION_LIMIT_REPLY);
      socket.destroySoon();
      return;
    }
    const connection = new InboundConnection({
      socket,
      server: this,
      peerTrust: this.#peerTrust,
    });
    this.#connections.add(connection);
    connection.observe(this.#connectionObserver);
  }

  #startJobs(): void {
    const { expiryJobIntervalMs, idleSweepIntervalMs } = this.tuning.timings;
    const expiry = setInterval(() => {
      try {
        this.keys.removeExpired();
      } catch (error) {
        this.tuning.logger.warn(`${this.atSign}: expired-key removal failed: ${(error as Error).message}`);
      }
    }, expiryJobIntervalMs);
    const sweep = setInterval(() => this.sweepIdleConnections(), idleSweepIntervalMs);
    expiry.unref();
    sweep.unref();
    this.#timers.push(expiry, sweep);
    this.#scheduleCacheRefresh();
  }

  /** Daily at 03:00 server time, as the reference (server.md §5.3). */
  #scheduleCacheRefresh(): void {
    const next = new Date();
    next.setHours(3, 0, 0, 0);
    if (next.getTime() <= Date.now()) next.setDate(next.getDate() + 1);
    this.#cacheRefreshTimer = setTimeout(() => {
      this.refreshCaches().catch((error: unknown) => this.tuning.logger.warn(`${this.atSign}: cache refresh failed: ${(error as Error).message}`));
      if (this.#closing === undefined) this.#scheduleCacheRefresh();
    }, next.getTime() - Date.now());
    this.#cacheRefreshTimer.unref();
  }
}
