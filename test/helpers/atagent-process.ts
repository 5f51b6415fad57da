/**
 * Runs the `atagent` CLI from the TypeScript sources as a child process, as a user would run
 * it, and collects what it printed.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

export function startAtagent(args: readonly string[], env: NodeJS.ProcessEnv = process.env): StartedCli {
  const child = spawn(process.execPath, ['--conditions=atagent:source', '--import', 'tsx', MAIN, ...args], { cwd: REPOSITORY, env });
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
