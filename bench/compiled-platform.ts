/**
 * A platform server for memory benchmarks, run the way production runs it: the TypeScript is
 * compiled once (tsc, into node_modules/.cache) and the child process is plain Node, so the
 * TypeScript loader's ~35 MB do not count as server memory. Also a bare `tls.createServer`
 * child with the same certificate: the floor Node's TLS sets per connection, for comparison.
 *
 * Children speak over IPC: `ready` (ports, CA, a PKAM private key accepted by every atSign),
 * then `memory` (after two GCs) on request, and exit on `stop`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = path.join(ROOT, 'node_modules', '.cache', 'atagent-bench-dist');

export interface ChildReady {
  readonly type: 'ready';
  readonly ports: Readonly<Record<string, number>>;
  readonly ca: string;
  readonly pkamPrivateKey: string;
}

export interface ChildMemory {
  readonly type: 'memory';
  readonly rss: number;
  readonly heapUsed: number;
}

let compiled = false;

/** Compiles agent/src to plain JavaScript (type errors elsewhere do not stop the emit). */
export function compileAgent(): string {
  if (compiled) return OUT;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', OUT, '--declaration', 'false', '--sourceMap', 'false'], { stdio: 'ignore' });
  } catch {
    // tsc exits non-zero on type errors but still emits; the check below decides.
  }
  if (!fs.existsSync(path.join(OUT, 'server', 'index.js'))) throw new Error(`compiling agent/src into ${OUT} failed`);
  compiled = true;
  return OUT;
}

const MEMORY_HANDLER = `
process.on('message', (message) => {
  if (message.type === 'memory') {
    globalThis.gc(); globalThis.gc();
    const usage = process.memoryUsage();
    process.send({ type: 'memory', rss: usage.rss, heapUsed: usage.heapUsed });
  } else if (message.type === 'stop') {
    void stop().then(() => process.exit(0));
  }
});`;

function platformSource(dataDir: string, atSigns: readonly string[], tuning: unknown): string {
  const url = (module: string) => JSON.stringify(pathToFileURL(path.join(compileAgent(), module)).href);
  return `
const { startPlatform, silentLogger } = await import(${url('server/index.js')});
const { generateRsaKeyPair } = await import(${url('crypto/index.js')});
const pair = await generateRsaKeyPair();
const platform = await startPlatform({ dataDir: ${JSON.stringify(dataDir)}, tuning: { logger: silentLogger, ...${JSON.stringify(tuning)} } });
const ports = {};
for (const atSign of ${JSON.stringify(atSigns)}) ports[atSign] = (await platform.registerAtSign(atSign, { pkamPublicKey: pair.publicKey.toBase64() })).port;
const stop = () => platform.close();
${MEMORY_HANDLER}
process.send({ type: 'ready', ports, ca: platform.ca, pkamPrivateKey: pair.privateKey.toBase64() });`;
}

function bareTlsSource(dataDir: string): string {
  const tls = (file: string) => JSON.stringify(path.join(dataDir, 'tls', file));
  return `
import tls from 'node:tls';
import fs from 'node:fs';
const server = tls.createServer({ cert: fs.readFileSync(${tls('server-cert.pem')}, 'utf8'), key: fs.readFileSync(${tls('server-key.pem')}, 'utf8') }, (socket) => {
  socket.on('error', () => undefined);
  socket.on('data', () => socket.write('data:ok\\n@'));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const stop = () => new Promise((resolve) => server.close(resolve));
${MEMORY_HANDLER}
process.send({ type: 'ready', ports: { tls: server.address().port }, ca: fs.readFileSync(${tls('ca-cert.pem')}, 'utf8'), pkamPrivateKey: '' });`;
}

export interface BenchChild {
  readonly process: ChildProcess;
  readonly ready: ChildReady;
  memory(): Promise<ChildMemory>;
  stop(): Promise<void>;
}

async function startChild(source: string, env: Readonly<Record<string, string>>): Promise<BenchChild> {
  const child = spawn(process.execPath, ['--expose-gc', '--input-type=module', '-e', source], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [ready] = (await Promise.race([once(child, 'message'), once(child, 'exit').then(() => Promise.reject(new Error('benchmark server exited')))])) as [ChildReady];
  return {
    process: child,
    ready,
    memory: () =>
      new Promise((resolve) => {
        child.once('message', (message: ChildMemory) => resolve(message));
        child.send({ type: 'memory' });
      }),
    async stop() {
      child.send({ type: 'stop' });
      await once(child, 'exit');
    },
  };
}

/**
 * The compiled platform hosting `atSigns` (all with one PKAM key), in its own process; `env`
 * adds environment variables (e.g. glibc malloc tunables).
 */
export function startCompiledPlatform(dataDir: string, atSigns: readonly string[], tuning: unknown, env: Readonly<Record<string, string>> = {}): Promise<BenchChild> {
  return startChild(platformSource(dataDir, atSigns, tuning), env);
}

/** A bare Node TLS server with the platform's certificate in `dataDir` (start a platform there first). */
export function startBareTlsServer(dataDir: string, env: Readonly<Record<string, string>> = {}): Promise<BenchChild> {
  return startChild(bareTlsSource(dataDir), env);
}
