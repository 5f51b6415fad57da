/**
 * Starts a real platform (atDirectory + atServers) in a temporary directory for a test, and
 * gives the test what it needs to talk to it: raw line clients, the demo keys, and the demo
 * `.atKeys` files written (mode 0600) where SDK-style code can load them. The client tests
 * use it too.
 *
 *   const env = await startTestPlatform(t, { demo: ['@alice🛠', '@bob🛠'] });
 *   const alice = await env.pkamClient('@alice🛠');   // authenticated raw client
 *   await alice.data('llookup:public:publickey@alice🛠');
 *
 * Everything is closed and deleted when the test ends.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RsaPrivateKey, cramDigest } from '../../agent/src/crypto/index.js';
import { startPlatform, silentLogger, type AtServerTuning, type Platform } from '../../agent/src/server/index.js';
import { DEMO_ATSIGNS } from '../../agent/src/server/demo/index.js';
import { LineClient, type LineClientOptions } from './line-client.js';
import { readVector } from './vectors.js';

interface DemoKeys {
  readonly cramSecret: string;
  readonly pkamPublicKey: string;
  readonly pkamPrivateKey: string;
  readonly encryptionPublicKey: string;
  readonly encryptionPrivateKey: string;
  readonly selfEncryptionKey: string;
}

/** The demo atSigns' full key material (test fixture: private keys included). */
export const demoKeys: Readonly<Record<string, DemoKeys>> = readVector<{ atSigns: Record<string, DemoKeys> }>('demo_keys.json').atSigns;

export function demoKeysOf(atSign: string): DemoKeys {
  const keys = demoKeys[atSign];
  if (keys === undefined) throw new Error(`${atSign} is not a demo atSign`);
  return keys;
}

/** Writes every demo `.atKeys` file as `<dir>/<atSign>_key.atKeys` (mode 0600); returns atSign → path. */
export function writeDemoAtKeysFiles(dir: string): Map<string, string> {
  const files = readVector<{ files: Record<string, unknown> }>('demo_atkeys_files.json').files;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const written = new Map<string, string>();
  for (const [atSign, content] of Object.entries(files)) {
    const file = path.join(dir, `${atSign}_key.atKeys`);
    fs.writeFileSync(file, JSON.stringify(content), { mode: 0o600 });
    written.set(atSign, file);
  }
  return written;
}

export interface TestPlatformOptions {
  /** Demo atSigns to host with their demo keys (default none); `true` = all of them. */
  readonly demo?: readonly string[] | true;
  /** Other atSigns to host (new CRAM secrets: see `cramSecrets`). */
  readonly atSigns?: readonly string[];
  readonly tuning?: AtServerTuning;
  /** Reuse this data directory (restart tests); it is not deleted at the end. */
  readonly dataDir?: string;
  /** Keep directory records in this Redis instead of in-process. */
  readonly redis?: string;
}

export interface TestPlatform {
  readonly platform: Platform;
  readonly dataDir: string;
  readonly ca: string;
  /** What the servers were started with (the quiet test logger included): for restarting one. */
  readonly tuning: AtServerTuning;
  /** CRAM secrets of the `atSigns` created by this start. */
  readonly cramSecrets: ReadonlyMap<string, string>;
  /** Demo `.atKeys` files (atSign → path), written on first use. */
  atKeysFiles(): Map<string, string>;
  /** What an AtClient needs to reach `atSign` here: the root, the CA, and `keysFile` (default: its demo `.atKeys` file). */
  clientPreferences(atSign: string, keysFile?: string): { root: string; ca: string; keysFile: string | undefined };
  port(atSign: string): number;
  /** The certificate chain and key (PEM) the platform's servers present: to pose as one of them. */
  serverCredentials(): { cert: string; key: string };
  /** A raw client connected to an atSign's server (greeting consumed). */
  connect(atSign: string, options?: Partial<LineClientOptions>): Promise<LineClient>;
  /** A raw client authenticated with legacy `pkam:<sig>` using the demo PKAM key. */
  pkamClient(atSign: string): Promise<LineClient>;
  /** A raw client authenticated with CRAM. */
  cramClient(atSign: string, secret?: string): Promise<LineClient>;
  /**
   * A raw client pol-authenticated on `atSign`'s server as `asAtSign` (another hosted atSign):
   * it presents the platform's server certificate and has `asAtSign`'s server publish the
   * signed proof, as that server would during a real handshake.
   */
  polClient(atSign: string, asAtSign: string): Promise<LineClient>;
  close(): Promise<void>;
}

/** `from:` then `pkam:<sig>` with `privateKeyBase64`; the client's owner is set on success. */
export async function pkamLogin(client: LineClient, atSign: string, privateKeyBase64: string): Promise<void> {
  const challenge = await client.data(`from:${atSign}`);
  const signature = RsaPrivateKey.fromBase64(privateKeyBase64).signText(challenge);
  await expectSuccess(client, `pkam:${signature}`, atSign);
}

/**
 * `from:` then `pkam:…:enrollmentId:<id>:<sig>` (an APKAM device's login); returns the reply
 * line, and on success the client's owner is set.
 */
export async function apkamLogin(client: LineClient, atSign: string, enrollmentId: string, privateKey: RsaPrivateKey): Promise<string> {
  const challenge = await client.data(`from:${atSign}`);
  const reply = await client.send(`pkam:signingAlgo:rsa2048:hashingAlgo:sha256:enrollmentId:${enrollmentId}:${privateKey.signText(challenge)}`, `${atSign}@`);
  if (reply.line === 'data:success') client.owner = atSign;
  return reply.line;
}

/** Sends an auth command; on `data:success` reads the owner prompt and marks the client authenticated. */
async function expectSuccess(client: LineClient, command: string, atSign: string): Promise<void> {
  await client.write(`${command}\n`);
  const line = await client.readUntil('\n');
  if (line !== 'data:success') throw new Error(`${command.split(':')[0]} failed: ${line}`);
  const prompt = await client.readExactly(atSign.length + 1);
  if (prompt !== `${atSign}@`) throw new Error(`expected the prompt ${atSign}@, got ${prompt}`);
  client.owner = atSign;
}

/** The server's latest commit id, from `stats:3` (its reply is `data: [{…,"value":"<id>"}]`). */
export async function lastCommitId(client: LineClient): Promise<number> {
  const [stat] = JSON.parse((await client.data('stats:3')).trimStart()) as [{ value: string }];
  return Number(stat.value);
}

export async function cramLogin(client: LineClient, atSign: string, secret: string): Promise<void> {
  const challenge = await client.data(`from:${atSign}`);
  await expectSuccess(client, `cram:${cramDigest(secret, challenge)}`, atSign);
}

/** Where cleanup is registered: a test's `t`; null when the caller calls `close()` itself (e.g. in a describe's after hook). */
export interface CleanupScope {
  after(fn: () => unknown): void;
}

/** Servers are quiet in tests; ATAGENT_TEST_LOG=1 shows their warnings (to chase a flaky failure). */
const testLogger = process.env.ATAGENT_TEST_LOG ? { info: () => undefined, warn: (message: string) => console.warn(message) } : silentLogger;

export async function startTestPlatform(t: CleanupScope | null, options: TestPlatformOptions = {}): Promise<TestPlatform> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'atagent-platform-'));
  const tuning: AtServerTuning = { logger: testLogger, ...options.tuning };
  const platform = await startPlatform({
    dataDir,
    tuning,
    ...(options.redis === undefined ? {} : { redis: options.redis }),
  });
  const clients: LineClient[] = [];
  const cramSecrets = new Map<string, string>();
  let atKeysDir: string | undefined;
  let demoAtKeysFiles: Map<string, string> | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    for (const client of clients) client.destroy();
    await platform.close();
    if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
    if (atKeysDir !== undefined) fs.rmSync(atKeysDir, { recursive: true, force: true });
  };
  t?.after(close);
  try {
    const wanted = options.demo;
    const demo = wanted === true ? DEMO_ATSIGNS : DEMO_ATSIGNS.filter((entry) => wanted?.includes(entry.atSign) === true);
    for (const entry of demo) await platform.registerAtSign(entry.atSign, entry);
    for (const atSign of options.atSigns ?? []) {
      const registered = await platform.registerAtSign(atSign);
      if (registered.cramSecret !== undefined) cramSecrets.set(registered.atSign, registered.cramSecret);
    }
  } catch (error) {
    await close();
    throw error;
  }
  const port = (atSign: string) => {
    const server = platform.server(atSign);
    if (server === undefined) throw new Error(`${atSign} is not hosted`);
    return server.port;
  };
  const atKeysFiles = () => {
    if (demoAtKeysFiles === undefined) {
      atKeysDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atagent-atkeys-'));
      demoAtKeysFiles = writeDemoAtKeysFiles(atKeysDir);
    }
    return demoAtKeysFiles;
  };
  const serverCredentials = () => ({
    cert: fs.readFileSync(path.join(dataDir, 'tls', 'server-cert.pem'), 'utf8'),
    key: fs.readFileSync(path.join(dataDir, 'tls', 'server-key.pem'), 'utf8'),
  });
  const connect = async (atSign: string, clientOptions: Partial<LineClientOptions> = {}) => {
    const client = await LineClient.connect(port(atSign), { ca: platform.ca, ...clientOptions });
    clients.push(client);
    return client;
  };
  return {
    platform,
    dataDir,
    ca: platform.ca,
    tuning,
    cramSecrets,
    atKeysFiles,
    clientPreferences(atSign, keysFile) {
      return { root: platform.root, ca: platform.ca, keysFile: keysFile ?? atKeysFiles().get(atSign) };
    },
    port,
    serverCredentials,
    connect,
    async pkamClient(atSign) {
      const client = await connect(atSign);
      await pkamLogin(client, atSign, demoKeysOf(atSign).pkamPrivateKey);
      return client;
    },
    async cramClient(atSign, secret) {
      const client = await connect(atSign);
      const cramSecret = secret ?? cramSecrets.get(atSign) ?? demoKeys[atSign]?.cramSecret;
      if (cramSecret === undefined) throw new Error(`no CRAM secret known for ${atSign}`);
      await cramLogin(client, atSign, cramSecret);
      return client;
    },
    async polClient(atSign, asAtSign) {
      const client = await connect(atSign, serverCredentials());
      const [, sessionKey, proof] = (await client.data(`from:${asAtSign}`)).split(':');
      const caller = platform.server(asAtSign);
      if (caller === undefined || sessionKey === undefined || proof === undefined) throw new Error(`cannot pose as ${asAtSign}`);
      caller.proofs.put(`public:${sessionKey}`, caller.signingKey.signText(proof));
      await client.write('pol\n');
      const reply = await client.readExactly(asAtSign.length + 1);
      if (reply !== `${asAtSign}@`) throw new Error(`pol failed: ${reply}${client.unread}`);
      client.pol = asAtSign;
      return client;
    },
    close,
  };
}
