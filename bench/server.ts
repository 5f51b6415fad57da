/**
 * atServer benchmark, on the server a user gets: `atagent server` compiled, in its own
 * process, with the environment of the shipped systemd unit (bench/compiled-platform.ts),
 * restarted on data a first start created (as a service runs). Clients are raw TLS sockets in
 * this process doing the least parsing possible, CRAM-authenticated. Loopback only.
 *
 *  - `llookup`s per second with 1, 10 and 100 concurrent clients (one command in flight
 *    each, as the SDKs work);
 *  - notifications forwarded from one atServer to another and delivered to a monitor, per
 *    second;
 *  - server RSS at start-up and with 1,000 idle authenticated monitor connections, against a
 *    bare Node `tls.createServer` holding as many connections, with the same process settings
 *    and with Node's defaults: the floor Node's TLS sets, and what our server adds to it.
 *
 * Run with `npm run bench server`. BENCH_SECONDS sets the time per measurement (default 0.5;
 * each throughput row runs 4× that after a warm-up).
 */
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { formatRate, formatRatio, printTable } from './measure.js';
import { productionEnvironment, settledRss, startBareTlsServer, startCliServer, type CliServer } from './compiled-platform.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? '0.5') * 4;
const SENDER = '@benchsender';
const RECEIVER = '@benchreceiver';
const NOTIFICATIONS = 10_000;
const SENDER_CONNECTIONS = 4;
const IDLE_MONITORS = 1_000;
/** Monitors and clients all on one atSign: above the reference's 200 per atSign. */
const SERVER_ARGS = ['--max-connections', String(IDLE_MONITORS + 200)];
const TARGET_BYTES = 100e6;

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

type CramDigest = (secret: string, challenge: string) => string;

/** A client authenticated as `atSign`'s owner with its CRAM secret. */
async function openAs(server: CliServer, atSign: string, secret: string, cram: CramDigest): Promise<BenchClient> {
  const client = await BenchClient.open(server.port(atSign), server.caPem);
  client.socket.write(`from:${atSign}\n`);
  const challenge = (await client.until('\n@')).slice('data:'.length);
  client.socket.write(`cram:${cram(secret, challenge)}\n`);
  await client.until(`\n${atSign}@`);
  return client;
}

async function requestsPerSecond(clients: readonly BenchClient[], seconds: number): Promise<number> {
  const command = `llookup:value.bench${SENDER}\n`;
  const prompt = `\n${SENDER}@`;
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
async function forwardedPerSecond(server: CliServer, secrets: ReadonlyMap<string, string>, cram: CramDigest, total: number): Promise<number> {
  const monitor = await openAs(server, RECEIVER, secrets.get(RECEIVER) ?? '', cram);
  monitor.socket.write('monitor bench\n');
  const senders = await Promise.all(Array.from({ length: SENDER_CONNECTIONS }, () => openAs(server, SENDER, secrets.get(SENDER) ?? '', cram)));
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

interface MemoryRun {
  /** Settled RSS before any connection, and with `count` connections open. */
  readonly before: number;
  readonly after: number;
}

async function memoryWith(pid: number, count: number, open: () => Promise<tls.TLSSocket>): Promise<MemoryRun> {
  const before = await settledRss(pid);
  const sockets: tls.TLSSocket[] = [];
  try {
    for (let i = 0; i < count; i++) sockets.push(await open());
    return { before, after: await settledRss(pid) };
  } finally {
    for (const socket of sockets) socket.destroy();
  }
}

/** An authenticated monitor connection, registered (its heartbeat is answered after `monitor`). */
async function idleMonitor(server: CliServer, secret: string, cram: CramDigest): Promise<tls.TLSSocket> {
  const client = await openAs(server, RECEIVER, secret, cram);
  client.socket.write('monitor\nnoop:0\n');
  await client.until(`\n${RECEIVER}@`);
  return client.socket;
}

/** A TLS connection to the bare server that has exchanged one line. */
async function bareConnection(port: number, ca: string): Promise<tls.TLSSocket> {
  const socket = tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' });
  await once(socket, 'secureConnect');
  socket.write('noop:0\n');
  await once(socket, 'data');
  return socket;
}

async function bareFloor(dataDir: string, ca: string, env: Readonly<Record<string, string>>): Promise<MemoryRun> {
  const bare = await startBareTlsServer(dataDir, env);
  try {
    return await memoryWith(bare.pid, IDLE_MONITORS, () => bareConnection(bare.port, ca));
  } finally {
    await bare.stop();
  }
}

export async function run(): Promise<void> {
  const { cramDigest } = await import('../agent/src/crypto/index.js');
  const env = productionEnvironment();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atagent-bench-server-'));
  try {
    // First start: TLS material and the atSigns (their CRAM secrets are printed only now).
    const first = await startCliServer(dataDir, ['--atsign', SENDER, '--atsign', RECEIVER, ...SERVER_ARGS], env);
    const secrets = first.cramSecrets;
    await first.stop();
    if (secrets.size !== 2) throw new Error('the first start did not print both CRAM secrets');

    // Memory first, on a restart of the untouched data (the throughput run leaves ~11,000
    // stored notifications behind, held in memory until they expire), then the bare floors.
    const monitorsWith = async (settings: Readonly<Record<string, string>>): Promise<MemoryRun> => {
      const quiet = await startCliServer(dataDir, SERVER_ARGS, settings);
      try {
        return await memoryWith(quiet.pid, IDLE_MONITORS, () => idleMonitor(quiet, secrets.get(RECEIVER) ?? '', cramDigest));
      } finally {
        await quiet.stop();
      }
    };
    const monitors = await monitorsWith(env);
    const shell = await monitorsWith({});
    const caPem = first.caPem;
    const floor = await bareFloor(dataDir, caPem, env);
    const defaults = await bareFloor(dataDir, caPem, {});

    // Throughput, on another restart.
    const rows: string[][] = [];
    let forwarded = 0;
    const busy = await startCliServer(dataDir, SERVER_ARGS, env);
    try {
      const clients: BenchClient[] = [];
      for (let i = 0; i < 100; i++) clients.push(await openAs(busy, SENDER, secrets.get(SENDER) ?? '', cramDigest));
      clients[0]?.socket.write(`update:value.bench${SENDER} ${'v'.repeat(64)}\n`);
      await clients[0]?.until(`\n${SENDER}@`);
      for (const concurrency of [1, 10, 100]) {
        const rate = await requestsPerSecond(clients.slice(0, concurrency), SECONDS);
        rows.push([`llookup (64 B value)`, `${concurrency} client${concurrency === 1 ? '' : 's'}`, formatRate(rate), formatRate(rate / concurrency)]);
      }
      for (const client of clients) client.socket.destroy();
      await forwardedPerSecond(busy, secrets, cramDigest, 1_000); // warm-up: connections, pol handshake, JIT
      forwarded = await forwardedPerSecond(busy, secrets, cramDigest, NOTIFICATIONS);
    } finally {
      await busy.stop();
    }

    printTable(['operation', 'clients', 'requests/s', 'per client /s'], rows);
    console.log('');
    printTable(
      ['notifications', 'measure', 'value'],
      [['forwarded server to server, to a monitor', `${NOTIFICATIONS} × 64 B, ${SENDER_CONNECTIONS} sending clients`, `${formatRate(forwarded)} /s`]],
    );
    console.log('');
    const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
    const each = (memory: MemoryRun) => (memory.after - memory.before) / IDLE_MONITORS;
    const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
    const settings = Object.entries(env).map(([name, value]) => `${name}=${value}`).join(' ');
    printTable(
      ['server RSS', 'process settings', 'no connections', `${IDLE_MONITORS} idle connections`, 'per connection'],
      [
        ['atagent server, 2 atSigns, authenticated monitors', 'systemd unit', mib(monitors.before), mib(monitors.after), kib(each(monitors))],
        ['  same, run from a shell', 'none', mib(shell.before), mib(shell.after), kib(each(shell))],
        ['bare Node tls.createServer, one line exchanged', 'systemd unit', mib(floor.before), mib(floor.after), kib(each(floor))],
        ['  ratio atagent / bare', 'systemd unit', formatRatio(monitors.before, floor.before), formatRatio(monitors.after, floor.after), formatRatio(each(monitors), each(floor))],
        ['bare Node tls.createServer, one line exchanged', 'Node defaults', mib(defaults.before), mib(defaults.after), kib(each(defaults))],
      ],
    );
    const verdict = monitors.after <= TARGET_BYTES ? 'met' : 'MISSED';
    console.log(`  systemd unit settings: ${settings}`);
    console.log(`  target <= 100 MB (95.4 MiB) with ${IDLE_MONITORS} idle monitors: ${verdict} (${(monitors.after / 1e6).toFixed(1)} MB); >= 2,000 notifications/s`);
    console.log(`  RSS settled (stable 2 s), no forced GC; restarted server; clients here; loopback, TLS 1.3; Node ${process.version}, ${os.cpus().length} CPUs`);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
