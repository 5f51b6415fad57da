/**
 * AtClient benchmark against our own platform on loopback (an atDirectory and the demo
 * atSigns' atServers, in this process): encrypted self puts, shared gets and notifications
 * per second over one connection, and notify → monitor latency at a steady rate. The client
 * runs in a child process once per crypto engine (ATAGENT_CRYPTO=native, then js), in the
 * same run against the same servers, so the table compares the addon with the node:crypto
 * fallback. Issue 3 targets are printed beside the figures.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTestPlatform } from '../test/helpers/platform.js';
import type { WorkerResults, WorkerSettings } from './client-worker.js';
import { DEFAULT_SECONDS as SECONDS, formatRate, formatRatio, printTable, SLICES } from './measure.js';

const execFileAsync = promisify(execFile);
const repository = fileURLToPath(new URL('../', import.meta.url));
const WINDOW = 32;
const LATENCY_RATE = 500;
const LATENCY_COUNT = Math.max(500, Math.round(LATENCY_RATE * SECONDS * 4));
const ATSIGNS = ['@alice🛠', '@bob🛠'];

async function measure(backend: 'native' | 'js', settings: WorkerSettings): Promise<WorkerResults | string> {
  try {
    const { stdout } = await execFileAsync(
      process.execPath,
      ['--conditions=atagent:source', '--import', 'tsx', join(repository, 'bench/client-worker.ts'), JSON.stringify(settings)],
      { cwd: repository, env: { ...process.env, ATAGENT_CRYPTO: backend }, timeout: 300_000, maxBuffer: 1 << 20 },
    );
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as WorkerResults;
  } catch (error) {
    const text = (error as { stderr?: string }).stderr ?? (error as Error).message;
    return text.trim().split('\n').find((line) => line.includes('Error')) ?? text.trim().split('\n')[0] ?? 'failed';
  }
}

function ms(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '—' : `${value.toFixed(2)} ms`;
}

export async function run(): Promise<void> {
  const env = await startTestPlatform(null, { demo: ATSIGNS });
  try {
    const keysFiles = Object.fromEntries(env.atKeysFiles());
    const settings: WorkerSettings = { root: env.platform.root, caPath: env.platform.caPath, keysFiles, seconds: SECONDS, window: WINDOW, latencyRate: LATENCY_RATE, latencyCount: LATENCY_COUNT };
    const addon = await measure('native', settings);
    const fallback = await measure('js', settings);
    const value = (results: WorkerResults | string, pick: (r: WorkerResults) => number) => (typeof results === 'string' ? undefined : pick(results));
    const rate = (pick: (r: WorkerResults) => number) => [formatRate(value(addon, pick)), formatRate(value(fallback, pick)), formatRatio(value(addon, pick), value(fallback, pick))];
    const lost = (results: WorkerResults | string) => (typeof results === 'string' ? '—' : String(results.latencySent - results.latencyReceived));
    printTable(
      ['measurement (one connection, loopback)', 'target', 'addon', 'node:crypto', 'addon/node:crypto'],
      [
        ['encrypted self puts/s', '≥ 5,000', ...rate((r) => r.selfPutsPerSecond)],
        ['shared gets/s (bob reads alice’s value)', '', ...rate((r) => r.sharedGetsPerSecond)],
        ['notifications sent/s (encrypted value)', '', ...rate((r) => r.notifiesPerSecond)],
        [`notify → monitor p50 @ ${LATENCY_RATE}/s`, '≤ 3 ms', ms(value(addon, (r) => r.latencyP50Ms)), ms(value(fallback, (r) => r.latencyP50Ms)), ''],
        [`notify → monitor p99 @ ${LATENCY_RATE}/s`, '≤ 15 ms', ms(value(addon, (r) => r.latencyP99Ms)), ms(value(fallback, (r) => r.latencyP99Ms)), ''],
        [`notifications lost of ${LATENCY_COUNT}`, '0', lost(addon), lost(fallback), ''],
      ],
    );
    for (const [name, results] of [['addon', addon], ['node:crypto', fallback]] as const) {
      if (typeof results === 'string') console.log(`  ${name}: ${results}`);
    }
    console.log('');
    console.log(`  Servers (atDirectory + ${ATSIGNS.join(', ')}) run in this process; each client run is a child process`);
    console.log(`  (ATAGENT_CRYPTO=native / js). ${WORKER_NOTE}`);
  } finally {
    await env.close();
  }
}

const WORKER_NOTE = `Rates: best of ${SLICES} slices of ${SECONDS} s total, ${WINDOW} commands queued on the connection; latency: ${LATENCY_COUNT} notifications paced at ${LATENCY_RATE}/s after 0.5 s of untimed warm-up at that rate, bob's monitor in the same process as alice's client.`;
