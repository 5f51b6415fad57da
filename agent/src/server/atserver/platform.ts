/**
 * A platform: one process hosting an atDirectory and many atServers, each atSign on its own
 * TLS port with its own storage, registered in the directory as `<host>:<port>` — to every
 * client and every other server exactly like a set of separate reference servers.
 *
 * Layout of the data directory:
 *   tls/            local CA and server certificate (ensureServerTls); clients trust tls/ca-cert.pem
 *   directory/      the in-process directory registry (unless Redis is used)
 *   atsigns/<name>/ one storage directory per atSign
 *   platform.json   root port and per-atSign ports, reused on the next start
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { normalizeAtSign } from '../../protocol/index.js';
import {
  openLocalRegistry,
  openRedisRegistry,
  startDirectoryServer,
  type DirectoryRegistry,
  type DirectoryServer,
} from '../directory/index.js';
import { ensureServerTls, type ServerTls } from '../tls/index.js';
import { AtSignServer } from './at-sign-server.js';
import { encryptionPublicKeyName, PKAM_PUBLIC_KEY } from './keys/reserved-keys.js';
import { registryResolver } from './outbound/atsign-resolver.js';
import { atSignDirectoryName, readPlatformState, writePlatformState, type AtSignRecord } from './platform-state.js';
import { resolveTuning, type AtServerTuning, type ResolvedTuning } from './server-options.js';

export interface PlatformOptions {
  readonly dataDir: string;
  /** The atDirectory's port (default: the one recorded, else any free port). */
  readonly rootPort?: number;
  /** Host name announced in the directory and put in the certificate (default `localhost`). */
  readonly host?: string;
  /** Interface to listen on (default 127.0.0.1 for `localhost`, all interfaces otherwise). */
  readonly listenHost?: string;
  /** atSigns to host, registered on first use. */
  readonly atSigns?: readonly string[];
  /** Also host the upstream demo atSigns with their demo keys. */
  readonly demo?: boolean;
  /** Keep directory records in this Redis (`redis://…`) instead of the in-process registry. */
  readonly redis?: string;
  readonly tuning?: AtServerTuning;
}

export interface AtSignKeys {
  /** CRAM secret (default: a new random one). */
  readonly cramSecret?: string;
  /** base64 SPKI stored as `privatekey:at_pkam_publickey` (legacy PKAM onboarding done). */
  readonly pkamPublicKey?: string;
  /** base64 SPKI published as `public:publickey@<atSign>`. */
  readonly encryptionPublicKey?: string;
}

export interface RegisteredAtSign {
  readonly atSign: string;
  /** `host:port` as the directory announces it. */
  readonly address: string;
  readonly port: number;
  /** The CRAM secret, only when this call created the atSign (never shown again). */
  readonly cramSecret?: string;
}

export interface Platform {
  readonly dataDir: string;
  /** `host:port` of the atDirectory. */
  readonly root: string;
  readonly rootPort: number;
  readonly host: string;
  /** Path and PEM of the CA clients must trust. */
  readonly caPath: string;
  readonly ca: string;
  /** atSign → `host:port`. */
  readonly atSigns: ReadonlyMap<string, string>;
  readonly registry: DirectoryRegistry;
  /** The running server of a hosted atSign. */
  server(atSign: string): AtSignServer | undefined;
  /** Hosts an atSign (creating it the first time) and returns its address. */
  registerAtSign(atSign: string, keys?: AtSignKeys): Promise<RegisteredAtSign>;
  /** Picks up a renewed certificate now (also checked daily). */
  renewTls(): Promise<boolean>;
  /** Stops every server and the directory, flushing storage. */
  close(): Promise<void>;
}

/** A new CRAM secret: 128 lowercase hex characters, like the ones atsign issues. */
export function newCramSecret(): string {
  return randomBytes(64).toString('hex');
}

class RunningPlatform implements Platform {
  readonly dataDir: string;
  readonly host: string;
  readonly registry: DirectoryRegistry;
  #tls: ServerTls;
  readonly #tuning: ResolvedTuning;
  readonly #listenHost: string | undefined;
  readonly #servers = new Map<string, AtSignServer>();
  readonly #records = new Map<string, AtSignRecord>();
  #directory: DirectoryServer | undefined;
  #tlsCheck: NodeJS.Timeout | undefined;
  #rootPort = 0;
  /** Registrations in flight, per atSign (a second call for the same atSign waits for the first). */
  readonly #registering = new Map<string, Promise<RegisteredAtSign>>();
  #closing: Promise<void> | undefined;

  constructor(init: { dataDir: string; host: string; listenHost: string | undefined; tls: ServerTls; registry: DirectoryRegistry; tuning: ResolvedTuning }) {
    this.dataDir = init.dataDir;
    this.host = init.host;
    this.#listenHost = init.listenHost;
    this.#tls = init.tls;
    this.registry = init.registry;
    this.#tuning = init.tuning;
  }

  get caPath(): string {
    return this.#tls.caPath;
  }

  get ca(): string {
    return this.#tls.ca;
  }

  get rootPort(): number {
    return this.#rootPort;
  }

  get root(): string {
    return `${this.host}:${this.#rootPort}`;
  }

  get atSigns(): ReadonlyMap<string, string> {
    return new Map([...this.#servers].map(([atSign, server]) => [atSign, `${this.host}:${server.port}`]));
  }

  server(atSign: string): AtSignServer | undefined {
    return this.#servers.get(normalizeAtSign(atSign));
  }

  async startDirectory(requestedPort: number | undefined, recordedPort: number | undefined): Promise<void> {
    const start = (port: number) =>
      startDirectoryServer({ ...(this.#listenHost === undefined ? {} : { host: this.#listenHost }), port, tls: this.#tls, registry: this.registry, logger: this.#tuning.logger });
    const preferred = requestedPort ?? recordedPort ?? 0;
    try {
      this.#directory = await start(preferred);
    } catch (error) {
      // A recorded port taken by something else: any port beats not starting. A port the
      // user asked for is theirs to fix.
      if (requestedPort !== undefined || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      this.#directory = await start(0);
    }
    this.#rootPort = this.#directory.port;
  }

  /** Starts every atSign recorded by an earlier run. */
  async resumeRecorded(records: Readonly<Record<string, AtSignRecord>>): Promise<void> {
    for (const [atSign, record] of Object.entries(records)) this.#records.set(atSign, record);
    await settleAll(Object.entries(records).map(([atSign, record]) => this.#start(atSign, record, {})));
  }

  async registerAtSign(rawAtSign: string, keys: AtSignKeys = {}): Promise<RegisteredAtSign> {
    const atSign = normalizeAtSign(rawAtSign);
    for (;;) {
      const inFlight = this.#registering.get(atSign);
      if (inFlight === undefined) break;
      await inFlight.catch(() => undefined);
    }
    const run = this.#register(atSign, keys);
    this.#registering.set(atSign, run);
    try {
      return await run;
    } finally {
      this.#registering.delete(atSign);
    }
  }

  async #register(atSign: string, keys: AtSignKeys): Promise<RegisteredAtSign> {
    if (this.#closing !== undefined) throw new Error('the platform is shutting down');
    const running = this.#servers.get(atSign);
    if (running !== undefined) {
      this.#applyKeys(running, keys);
      return { atSign, address: `${this.host}:${running.port}`, port: running.port };
    }
    const isNew = !this.#records.has(atSign);
    const cramSecret = isNew ? (keys.cramSecret ?? newCramSecret()) : undefined;
    const record = this.#records.get(atSign) ?? { port: 0, dir: path.join('atsigns', atSignDirectoryName(atSign)) };
    const server = await this.#start(atSign, record, { ...keys, ...(cramSecret === undefined ? {} : { cramSecret }) });
    return {
      atSign,
      address: `${this.host}:${server.port}`,
      port: server.port,
      ...(cramSecret === undefined ? {} : { cramSecret }),
    };
  }

  async #start(atSign: string, record: AtSignRecord, keys: AtSignKeys): Promise<AtSignServer> {
    const options = {
      atSign,
      dataDir: path.join(this.dataDir, record.dir),
      ...(this.#listenHost === undefined ? {} : { listenHost: this.#listenHost }),
      tls: this.#tls,
      resolver: registryResolver(this.registry),
      tuning: this.#tuning,
      ...(keys.cramSecret === undefined ? {} : { cramSecret: keys.cramSecret }),
    };
    let server: AtSignServer;
    try {
      server = await AtSignServer.start({ ...options, port: record.port });
    } catch (error) {
      if (record.port === 0 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      this.#tuning.logger.warn(`${atSign}: port ${record.port} is taken; using another one`);
      server = await AtSignServer.start({ ...options, port: 0 });
    }
    try {
      this.#applyKeys(server, keys);
      await this.registry.register(atSign, this.host, server.port);
    } catch (error) {
      await server.close().catch(() => undefined);
      throw error;
    }
    this.#servers.set(atSign, server);
    if (this.#records.get(atSign)?.port !== server.port) {
      this.#records.set(atSign, { ...record, port: server.port });
      this.saveState();
    }
    return server;
  }

  /** Onboarding as the demo environment has it done: PKAM key and encryption public key in place. */
  #applyKeys(server: AtSignServer, keys: AtSignKeys): void {
    if (keys.pkamPublicKey !== undefined && server.keys.get(PKAM_PUBLIC_KEY)?.value !== keys.pkamPublicKey) {
      server.keys.putRecord(PKAM_PUBLIC_KEY, { value: keys.pkamPublicKey, metadata: server.keys.newMetadata() }, { origin: 'server' });
    }
    const publicKeyName = encryptionPublicKeyName(server.atSign);
    if (keys.encryptionPublicKey !== undefined && server.keys.get(publicKeyName)?.value !== keys.encryptionPublicKey) {
      server.keys.update(publicKeyName, keys.encryptionPublicKey, { isEncrypted: false }, { origin: 'server' });
    }
  }

  /**
   * Re-runs ensureServerTls (which re-issues a certificate close to expiry) and hands a new
   * certificate to the directory and every atServer. Returns whether anything changed.
   */
  async renewTls(): Promise<boolean> {
    const tls = await ensureServerTls(this.dataDir, { hosts: [this.host], logger: this.#tuning.logger });
    if (tls.cert === this.#tls.cert && tls.key === this.#tls.key && tls.ca === this.#tls.ca) return false;
    this.#tls = tls;
    this.#directory?.updateTls(tls);
    for (const server of this.#servers.values()) server.updateTls(tls);
    return true;
  }

  /** Checks the certificate daily, so a long-running platform never serves an expired one. */
  startTlsRenewal(): void {
    this.#tlsCheck = setInterval(() => {
      this.renewTls().catch((error: unknown) => this.#tuning.logger.warn(`TLS renewal failed: ${(error as Error).message}`));
    }, 24 * 60 * 60_000);
    this.#tlsCheck.unref();
  }

  saveState(): void {
    writePlatformState(this.dataDir, { rootPort: this.#rootPort, atSigns: Object.fromEntries(this.#records) });
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    clearInterval(this.#tlsCheck);
    await Promise.allSettled(this.#registering.values());
    try {
      await settleAll([...[...this.#servers.values()].map((server) => server.close()), this.#directory?.close() ?? Promise.resolve()]);
    } finally {
      await this.registry.close().catch(() => undefined);
    }
  }
}

/** Waits for every promise; rejects with the first failure once all have settled. */
async function settleAll(work: readonly Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(work);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}

/** Starts a platform: TLS material, directory, every recorded atSign, then the requested ones. */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const dataDir = path.resolve(options.dataDir);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const tuning = resolveTuning(options.tuning);
  const host = options.host ?? 'localhost';
  const listenHost = options.listenHost ?? (host === 'localhost' ? '127.0.0.1' : undefined);
  const state = readPlatformState(dataDir);
  const tls = await ensureServerTls(dataDir, { hosts: [host], logger: tuning.logger });
  const registry =
    options.redis === undefined
      ? await openLocalRegistry(path.join(dataDir, 'directory'))
      : await openRedisRegistry(options.redis, { logger: tuning.logger });
  const platform = new RunningPlatform({ dataDir, host, listenHost, tls, registry, tuning });
  try {
    await platform.startDirectory(options.rootPort, state.rootPort);
    if (state.rootPort !== platform.rootPort) platform.saveState();
    await platform.resumeRecorded(state.atSigns);
    // In parallel: a first start generates a signing key pair per atSign.
    if (options.demo === true) {
      // Loaded only here: 40 atSigns' key material a server without `demo` never needs in memory.
      const { DEMO_ATSIGNS } = await import('../demo/index.js');
      await settleAll(DEMO_ATSIGNS.map((demo) => platform.registerAtSign(demo.atSign, demo)));
    }
    await settleAll((options.atSigns ?? []).map((atSign) => platform.registerAtSign(atSign)));
    platform.startTlsRenewal();
    return platform;
  } catch (error) {
    await platform.close().catch(() => undefined);
    throw error;
  }
}
