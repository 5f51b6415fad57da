/**
 * Servers for the server benchmarks, run the way production runs them: the TypeScript is
 * compiled once (tsc, into node_modules/.cache) and `atagent server` (the compiled CLI) runs
 * as a plain Node process, without the TypeScript loader's ~35 MB, with the environment the
 * shipped systemd unit (systemd/atagent-server.service) sets. Also a bare `tls.createServer`
 * with the same certificate: the floor Node's TLS sets per connection, for comparison.
 *
 * Memory is the child's RSS as the kernel reports it (/proc/<pid>/status), read once it has
 * settled: no forced garbage collection, nothing a user's server would not do itself.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { ServerReady } from '../agent/src/cli/server-command.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = path.join(ROOT, 'node_modules', '.cache', 'atagent-bench-dist');
const SERVER_UNIT = path.join(ROOT, 'systemd', 'atagent-server.service');

let compiled = false;

/** Compiles agent/src to plain JavaScript (type errors elsewhere do not stop the emit). */
function compileAgent(): string {
  if (compiled) return OUT;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', OUT, '--declaration', 'false', '--sourceMap', 'false'], { stdio: 'ignore' });
  } catch {
    // tsc exits non-zero on type errors but still emits; the check below decides.
  }
  if (!fs.existsSync(path.join(OUT, 'cli', 'main.js'))) throw new Error(`compiling agent/src into ${OUT} failed`);
  compiled = true;
  return OUT;
}

/** The `Environment=` assignments of the shipped systemd unit: the production process settings. */
export function productionEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of fs.readFileSync(SERVER_UNIT, 'utf8').split('\n')) {
    const match = /^Environment=([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (match !== null) env[match[1] as string] = match[2] as string;
  }
  return env;
}

/**
 * What a systemd service gets: a clean environment (PATH) plus the unit's assignments, and
 * nothing from the shell running the bench (a NODE_OPTIONS, MALLOC_* or NODE_EXTRA_CA_CERTS
 * there would change what is measured: the last one alone adds ~1.8 MiB at start).
 */
function childEnvironment(env: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin', ...env };
}

/** Resident set size of a process, in bytes. */
function rssOf(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

/**
 * RSS once it stops moving: sampled every 250 ms until 2 s of samples lie within 256 KiB
 * (garbage collection after a burst of connections, V8's memory reducer), at most 20 s.
 */
export async function settledRss(pid: number): Promise<number> {
  const samples: number[] = [];
  const deadline = Date.now() + 20_000;
  for (;;) {
    samples.push(rssOf(pid));
    const recent = samples.slice(-8);
    if ((recent.length === 8 && Math.max(...recent) - Math.min(...recent) <= 256 * 1024) || Date.now() > deadline) return samples.at(-1) as number;
    await delay(250);
  }
}

export interface CliServer {
  readonly pid: number;
  readonly ready: ServerReady;
  readonly caPem: string;
  /** CRAM secrets this start printed (only the start that created an atSign prints one). */
  readonly cramSecrets: ReadonlyMap<string, string>;
  port(atSign: string): number;
  /** SIGTERM, as systemd stops it; resolves once the process has exited. */
  stop(): Promise<void>;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/** `atagent server --data-dir <dataDir> <args>` from the compiled CLI, with `env` added. */
export async function startCliServer(dataDir: string, args: readonly string[], env: Readonly<Record<string, string>>): Promise<CliServer> {
  const main = path.join(compileAgent(), 'cli', 'main.js');
  fs.rmSync(path.join(dataDir, 'ready.json'), { force: true });
  const child = spawn(process.execPath, [main, 'server', '--data-dir', dataDir, ...args], {
    cwd: ROOT,
    env: childEnvironment(env),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('atagent server: root')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`atagent server exited (${code}) before it was ready:\n${output}`)));
  });
  const ready = JSON.parse(fs.readFileSync(path.join(dataDir, 'ready.json'), 'utf8')) as ServerReady;
  const cramSecrets = new Map<string, string>();
  for (const match of output.matchAll(/^new atSign (\S+) at \S+; CRAM secret \(shown once\): (\S+)$/gm)) cramSecrets.set(match[1] as string, match[2] as string);
  return {
    pid: child.pid as number,
    ready,
    caPem: fs.readFileSync(ready.ca, 'utf8'),
    cramSecrets,
    port(atSign) {
      const address = ready.atSigns[atSign];
      if (address === undefined) throw new Error(`${atSign} is not hosted`);
      return Number(address.slice(address.lastIndexOf(':') + 1));
    },
    stop: () => stopChild(child),
  };
}

export interface BareTlsServer {
  readonly pid: number;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * A bare Node TLS server with the platform's certificate in `dataDir`, served as the atServers
 * serve it (the leaf alone, tls/served-chain.ts): one `data:ok` per line received.
 */
export async function startBareTlsServer(dataDir: string, env: Readonly<Record<string, string>>): Promise<BareTlsServer> {
  const tls = (file: string) => JSON.stringify(path.join(dataDir, 'tls', file));
  const source = `
import tls from 'node:tls';
import fs from 'node:fs';
const leaf = /-----BEGIN CERTIFICATE-----[\\s\\S]+?-----END CERTIFICATE-----/.exec(fs.readFileSync(${tls('server-cert.pem')}, 'utf8'))[0];
const server = tls.createServer({ cert: leaf, key: fs.readFileSync(${tls('server-key.pem')}, 'utf8') }, (socket) => {
  socket.on('error', () => undefined);
  socket.on('data', () => socket.write('data:ok\\n@'));
});
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], { cwd: ROOT, env: childEnvironment(env), stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.setEncoding('utf8');
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (chunk: string) => resolve(Number(/port (\d+)/.exec(chunk)?.[1])));
    child.once('exit', (code) => reject(new Error(`bare TLS server exited (${code})`)));
  });
  return {
    pid: child.pid as number,
    port,
    stop: () => stopChild(child),
  };
}
