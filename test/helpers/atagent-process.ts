/**
 * Runs the `atagent` CLI from the TypeScript sources as a child process, as a user would run
 * it, and collects what it printed.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerReady } from '../../agent/src/cli/server-command.js';

export const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(REPOSITORY, 'agent/src/cli/main.ts');

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface StartedCli {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves once `stream` (default stdout) contains `text` (rejects if the process ends first). */
  waitForOutput(text: string, stream?: 'stdout' | 'stderr'): Promise<void>;
  /** Ends stdin with `input` and resolves when the process has exited and its streams closed. */
  finish(input?: string): Promise<CliRun>;
}

/** The command line that runs `atagent <args>` from the sources with this Node (run it in REPOSITORY). */
export function atagentCommandLine(args: readonly string[]): string[] {
  return [process.execPath, '--conditions=atagent:source', '--import', 'tsx', MAIN, ...args];
}

/**
 * `under` is a command that runs the node command line appended to it: a shell that sets a
 * resource limit and then execs it, say.
 */
export function startAtagent(args: readonly string[], env: NodeJS.ProcessEnv = process.env, under: readonly string[] = []): StartedCli {
  const [command = '', ...rest] = [...under, ...atagentCommandLine(args)];
  const child = spawn(command, rest, { cwd: REPOSITORY, env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const closed = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForOutput(text, stream = 'stdout') {
      const printed = () => (stream === 'stdout' ? stdout : stderr);
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!printed().includes(text)) return;
          child[stream].off('data', check);
          resolve();
        };
        child[stream].on('data', check);
        check();
        void closed.then((run) => reject(new Error(`atagent ended (${run.code ?? run.signal}) before printing ${JSON.stringify(text)} on ${stream}:\n${run.stdout}\n${run.stderr}`)));
      });
    },
    finish(input = '') {
      child.stdin.end(input);
      return closed;
    },
  };
}

/** Runs `atagent <args>` to the end with `input` on stdin. */
export function runAtagent(args: readonly string[], input = '', env?: NodeJS.ProcessEnv): Promise<CliRun> {
  return startAtagent(args, env).finish(input);
}

export type { ServerReady };

export interface StartedServer extends StartedCli {
  readonly ready: ServerReady;
  /** The CA certificate (PEM), to trust in clients. */
  readonly caPem: string;
  port(atSign: string): number;
  /** stdout and stderr so far. */
  output(): string;
}

/**
 * Runs `atagent server --data-dir <dataDir> <args>` (under `under`, as `startAtagent`) and
 * resolves once it says it serves, with the ready.json of this start (an older one is removed
 * first, so a stale file is never read).
 */
export async function startAtagentServer(dataDir: string, args: readonly string[], under: readonly string[] = []): Promise<StartedServer> {
  const readyFile = join(dataDir, 'ready.json');
  fs.rmSync(readyFile, { force: true });
  const server = startAtagent(['server', '--data-dir', dataDir, ...args], process.env, under);
  await server.waitForOutput('atagent server: root');
  const ready = JSON.parse(fs.readFileSync(readyFile, 'utf8')) as ServerReady;
  return {
    ...server,
    ready,
    caPem: fs.readFileSync(ready.ca, 'utf8'),
    port(atSign) {
      const address = ready.atSigns[atSign];
      if (address === undefined) throw new Error(`${atSign} is not in ready.json`);
      return Number(address.slice(address.lastIndexOf(':') + 1));
    },
    output: () => server.stdout() + server.stderr(),
  };
}
