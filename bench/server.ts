/**
 * atServer benchmark: `llookup`s per second with 1, 10 and 100 concurrent authenticated
 * clients (each with one command in flight, as the SDKs work), and the server's memory per
 * idle connection. The server runs in a child process so client work does not share its
 * event loop; clients are raw TLS sockets doing the least parsing possible. Loopback only.
 *
 * Then the notification stack (notificationBench, below): notifications forwarded from one
 * atServer to another and delivered to a monitor, per second, and server memory with 1,000
 * idle monitor connections, measured on the compiled platform (bench/compiled-platform.ts).
 *
 * Run with `npm run bench server`. BENCH_SECONDS sets the time per measurement (default 0.5;
 * each throughput row runs 4× that after a warm-up).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { formatRate, printTable } from './measure.js';
import { startBareTlsServer, startCompiledPlatform, type BenchChild, type ChildMemory, type ChildReady } from './compiled-platform.js';

const ATSIGN = '@bench';
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? '0.5') * 4;
const IDLE_CONNECTIONS = 400;

interface Ready {
  readonly type: 'ready';
  readonly port: number;
  readonly ca: string;
  readonly pkamPrivateKey: string;
}

interface Memory {
  readonly type: 'memory';
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
}

// ---- child: the server --------------------------------------------------------------------

async function serve(dataDir: string): Promise<void> {
  const { startPlatform, silentLogger } = await import('../agent/src/server/index.js');
  const { generateRsaKeyPair } = await import('../agent/src/crypto/index.js');
  const pair = await generateRsaKeyPair();
  const platform = await startPlatform({
    dataDir,
    tuning: { logger: silentLogger, limits: { inboundMaxConnections: IDLE_CONNECTIONS + 200 } },
  });
  const registered = await platform.registerAtSign(ATSIGN, { pkamPublicKey: pair.publicKey.toBase64() });
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', (message: { type: string }) => {
    if (message.type === 'memory') {
      gc?.();
      gc?.();
      const usage = process.memoryUsage();
      process.send?.({ type: 'memory', rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external } satisfies Memory);
    } else if (message.type === 'stop') {
      void platform.close().then(() => process.exit(0));
    }
  });
  process.send?.({ type: 'ready', port: registered.port, ca: platform.ca, pkamPrivateKey: pair.privateKey.toBase64() } satisfies Ready);
}

// ---- parent: the clients ------------------------------------------------------------------

class BenchClient {
  readonly socket: tls.TLSSocket;
  #buffer = '';
  #waiting: ((text: string) => void) | undefined;
  #terminator = '';

  private constructor(socket: tls.TLSSocket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      this.#check();
    });
  }

  static async open(port: number, ca: string): Promise<BenchClient> {
    const socket = tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' });
    const client = new BenchClient(socket);
    await once(socket, 'secureConnect');
    await client.until('@');
    return client;
  }

  /** Resolves with what came before `terminator` (consumed). */
  until(terminator: string): Promise<string> {
    this.#terminator = terminator;
    return new Promise((resolve) => {
      this.#waiting = resolve;
      this.#check();
    });
  }

  async login(privateKey: { signText(text: string): string }): Promise<void> {
    this.socket.write(`from:${ATSIGN}\n`);
    const challenge = (await this.until('\n@')).slice('data:'.length);
    this.socket.write(`pkam:${privateKey.signText(challenge)}\n`);
    await this.until(`\n${ATSIGN}@`);
  }

  #check(): void {
    if (this.#waiting === undefined) return;
    const at = this.#buffer.indexOf(this.#terminator);
    if (at === -1) return;
    const text = this.#buffer.slice(0, at);
    this.#buffer = this.#buffer.slice(at + this.#terminator.length);
    const resolve = this.#waiting;
    this.#waiting = undefined;
    resolve(text);
  }
}

async function requestsPerSecond(clients: readonly BenchClient[], seconds: number): Promise<number> {
  const command = `llookup:value.bench${ATSIGN}\n`;
  const prompt = `\n${ATSIGN}@`;
  let counting = false;
  let done = false;
  let count = 0;
  const loops = clients.map(async (client) => {
    while (!done) {
      client.socket.write(command);
      await client.until(prompt);
      if (counting) count++;
    }
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  counting = true;
  const start = process.hrtime.bigint();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  counting = false;
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  done = true;
  await Promise.all(loops);
  return count / elapsed;
}

function request(child: ChildProcess, type: string): Promise<Memory> {
  return new Promise((resolve) => {
    child.once('message', (message: Memory) => resolve(message));
    child.send({ type });
  });
}

export async function run(): Promise<void> {
  const { RsaPrivateKey } = await import('../agent/src/crypto/index.js');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atagent-bench-server-'));
  const child = fork(fileURLToPath(import.meta.url), ['--serve', dataDir], {
    execArgv: ['--conditions=atagent:source', '--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const [ready] = (await once(child, 'message')) as [Ready];
    const key = RsaPrivateKey.fromBase64(ready.pkamPrivateKey);
    const all: BenchClient[] = [];
    for (let i = 0; i < 100; i++) {
      const client = await BenchClient.open(ready.port, ready.ca);
      await client.login(key);
      all.push(client);
    }
    all[0]?.socket.write(`update:value.bench${ATSIGN} ${'v'.repeat(64)}\n`);
    await all[0]?.until(`\n${ATSIGN}@`);

    const rows: string[][] = [];
    for (const concurrency of [1, 10, 100]) {
      const rate = await requestsPerSecond(all.slice(0, concurrency), SECONDS);
      rows.push([`llookup (64 B value)`, `${concurrency} client${concurrency === 1 ? '' : 's'}`, formatRate(rate), formatRate(rate / concurrency)]);
    }
    for (const client of all) client.socket.destroy();

    const before = await request(child, 'memory');
    const idle: BenchClient[] = [];
    for (let i = 0; i < IDLE_CONNECTIONS; i++) idle.push(await BenchClient.open(ready.port, ready.ca));
    const after = await request(child, 'memory');
    for (const client of idle) client.socket.destroy();

    printTable(['operation', 'clients', 'requests/s', 'per client /s'], rows);
    console.log('');
    const perConnection = (field: 'rss' | 'heapUsed' | 'external') => `${((after[field] - before[field]) / IDLE_CONNECTIONS / 1024).toFixed(1)} KiB`;
    printTable(
      ['server memory per idle connection', `measured over ${IDLE_CONNECTIONS} connections`],
      [
        ['RSS', perConnection('rss')],
        ['JS heap', perConnection('heapUsed')],
        ['external (TLS buffers)', perConnection('external')],
      ],
    );
    console.log(`  server and clients in separate processes on loopback, TLS 1.3; Node ${process.version}, ${os.cpus().length} CPUs`);
  } finally {
    child.send({ type: 'stop' });
    await once(child, 'exit');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  await notificationBench();
}

if (process.argv[2] === '--serve' && process.argv[3] !== undefined) await serve(process.argv[3]);

// ---- notifications: forwarding throughput and idle monitor memory --------------------------

const SENDER = '@benchsender';
const RECEIVER = '@benchreceiver';
const NOTIFICATIONS = 10_000;
const SENDER_CONNECTIONS = 4;
const IDLE_MONITORS = 1_000;
const NOTIFICATION_TUNING = { limits: { inboundMaxConnections: 2 * IDLE_MONITORS + 100 }, notifications: { statsIntervalMs: -1 } };

type Signer = { signText(text: string): string };

async function openAs(atSign: string, port: number, ca: string, key: Signer): Promise<BenchClient> {
  const client = await BenchClient.open(port, ca);
  client.socket.write(`from:${atSign}\n`);
  const challenge = (await client.until('\n@')).slice('data:'.length);
  client.socket.write(`pkam:${key.signText(challenge)}\n`);
  await client.until(`\n${atSign}@`);
  return client;
}

/** Resolves once `count` notification lines (stats excluded) arrived on a monitor socket. */
function countNotifications(socket: tls.TLSSocket, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    let partial = '';
    socket.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('notification: {"id":"') && !line.startsWith('notification: {"id":"-1"')) seen++;
      if (seen >= count) resolve();
    });
  });
}

/**
 * Notifications per second from one atServer to another, delivered to a monitor: owner
 * `notify`s on SENDER_CONNECTIONS connections, forwarded over the sending server's pooled pol
 * connection, stored by the recipient's server and written to its monitor.
 */
async function forwardedPerSecond(ready: ChildReady, key: Signer, total: number): Promise<number> {
  const senderPort = ready.ports[SENDER] ?? 0;
  const monitor = await openAs(RECEIVER, ready.ports[RECEIVER] ?? 0, ready.ca, key);
  monitor.socket.write('monitor bench\n');
  const senders = await Promise.all(Array.from({ length: SENDER_CONNECTIONS }, () => openAs(SENDER, senderPort, ready.ca, key)));
  const arrived = countNotifications(monitor.socket, total);
  const value = 'v'.repeat(64);
  const start = process.hrtime.bigint();
  let sent = 0;
  await Promise.all(
    senders.map(async (client) => {
      while (sent < total) {
        sent++;
        client.socket.write(`notify:${RECEIVER}:n.bench${SENDER}:${value}\n`);
        await client.until(`\n${SENDER}@`);
      }
    }),
  );
  await arrived;
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  for (const client of [monitor, ...senders]) client.socket.destroy();
  return total / elapsed;
}

/** Server memory before and after `open` was called `count` times (connections kept open). */
async function memoryWith(child: BenchChild, count: number, open: () => Promise<tls.TLSSocket>): Promise<{ before: ChildMemory; after: ChildMemory }> {
  const before = await child.memory();
  const sockets: tls.TLSSocket[] = [];
  for (let i = 0; i < count; i++) sockets.push(await open());
  const after = await child.memory();
  for (const socket of sockets) socket.destroy();
  return { before, after };
}

/** An authenticated monitor connection, registered (its heartbeat is answered after `monitor`). */
async function idleMonitor(ready: ChildReady, key: Signer): Promise<tls.TLSSocket> {
  const client = await openAs(RECEIVER, ready.ports[RECEIVER] ?? 0, ready.ca, key);
  client.socket.write('monitor\nnoop:0\n');
  await client.until(`\n${RECEIVER}@`);
  return client.socket;
}

/** A TLS connection to the bare server that has exchanged one line. */
async function bareConnection(ready: ChildReady): Promise<tls.TLSSocket> {
  const socket = tls.connect({ host: '127.0.0.1', port: ready.ports['tls'] ?? 0, ca: ready.ca, servername: 'localhost' });
  await once(socket, 'secureConnect');
  socket.write('noop:0\n');
  await once(socket, 'data');
  return socket;
}

export async function notificationBench(): Promise<void> {
  const { RsaPrivateKey } = await import('../agent/src/crypto/index.js');
  const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'atagent-bench-notifications-'));
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  const perConnection = (memory: { before: ChildMemory; after: ChildMemory }, field: 'rss' | 'heapUsed') =>
    `${((memory.after[field] - memory.before[field]) / IDLE_MONITORS / 1024).toFixed(1)} KiB`;

  // Each measurement gets a fresh server: memory must not carry the throughput run's heap.
  const throughputDir = tempDir();
  let rate = 0;
  const forwarding = await startCompiledPlatform(throughputDir, [SENDER, RECEIVER], NOTIFICATION_TUNING);
  try {
    const key = RsaPrivateKey.fromBase64(forwarding.ready.pkamPrivateKey);
    await forwardedPerSecond(forwarding.ready, key, 1_000); // warm-up: connections, pol handshake, JIT
    rate = await forwardedPerSecond(forwarding.ready, key, NOTIFICATIONS);
  } finally {
    await forwarding.stop();
    fs.rmSync(throughputDir, { recursive: true, force: true });
  }

  const memoryDir = tempDir();
  try {
    const monitorsWith = async (env: Readonly<Record<string, string>>) => {
      const platform = await startCompiledPlatform(memoryDir, [SENDER, RECEIVER], NOTIFICATION_TUNING, env);
      try {
        const key = RsaPrivateKey.fromBase64(platform.ready.pkamPrivateKey);
        return await memoryWith(platform, IDLE_MONITORS, () => idleMonitor(platform.ready, key));
      } finally {
        await platform.stop();
      }
    };
    const monitors = await monitorsWith({});
    // glibc serves OpenSSL's ~17 KB record buffers from the heap by default; mmap'd, the
    // untouched parts of idle connections' buffers stay out of RSS.
    const tuned = await monitorsWith({ MALLOC_MMAP_THRESHOLD_: '16384' });
    const bare = await startBareTlsServer(memoryDir);
    let floor;
    try {
      floor = await memoryWith(bare, IDLE_MONITORS, () => bareConnection(bare.ready));
    } finally {
      await bare.stop();
    }
    console.log('');
    printTable(
      ['notifications', 'measure', 'value'],
      [
        ['forwarded server to server, to a monitor', `${NOTIFICATIONS} × 64 B, ${SENDER_CONNECTIONS} sending clients`, `${formatRate(rate)} /s`],
        ['server RSS, two atSigns, no connections', 'compiled JS, after start-up', mib(monitors.before.rss)],
        ['server RSS with idle monitors', `${IDLE_MONITORS} authenticated monitor connections`, mib(monitors.after.rss)],
        ['  each monitor connection', 'RSS / JS heap', `${perConnection(monitors, 'rss')} / ${perConnection(monitors, 'heapUsed')}`],
        ['  same, MALLOC_MMAP_THRESHOLD_=16384', `${IDLE_MONITORS} monitors / each`, `${mib(tuned.after.rss)} / ${perConnection(tuned, 'rss')}`],
        ['bare Node tls.createServer (reference)', `RSS with ${IDLE_MONITORS} connections`, mib(floor.after.rss)],
        ['  each bare TLS connection', 'RSS / JS heap', `${perConnection(floor, 'rss')} / ${perConnection(floor, 'heapUsed')}`],
      ],
    );
    console.log(`  targets: >= 2,000 notifications/s; <= 100 MB server RSS with ${IDLE_MONITORS} idle monitors. Servers in their own processes, clients here; loopback.`);
  } finally {
    fs.rmSync(memoryDir, { recursive: true, force: true });
  }
}
