/**
 * One side of `bench/client.ts`, run in a child process so that ATAGENT_CRYPTO picks the
 * crypto engine for the whole client (keys, AES, RSA). Reads its settings as JSON from
 * argv[2], prints one JSON line of results on stdout.
 */
import { randomUUID } from 'node:crypto';
import { AtClient, type ReceivedNotification } from '../agent/src/client/index.js';
import { cryptoBackendName } from '../agent/src/crypto/index.js';
import { SLICES } from './measure.js';

export interface WorkerSettings {
  readonly root: string;
  readonly caPath: string;
  readonly keysFiles: Readonly<Record<string, string>>;
  readonly seconds: number;
  /** Commands kept waiting in the connection's queue, so the wire never idles between them. */
  readonly window: number;
  readonly latencyRate: number;
  readonly latencyCount: number;
}

export interface WorkerResults {
  readonly backend: string;
  readonly selfPutsPerSecond: number;
  readonly sharedGetsPerSecond: number;
  readonly notifiesPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly latencyReceived: number;
  readonly latencySent: number;
}

const ALICE = '@alice🛠';
const BOB = '@bob🛠';

/** Best slice's completions per second of `op` run `window`-wide for `seconds`. */
async function throughput(op: (i: number) => Promise<unknown>, { seconds, window }: WorkerSettings): Promise<number> {
  let counter = 0;
  const runFor = async (ms: number): Promise<number> => {
    let completed = 0;
    const end = performance.now() + ms;
    await Promise.all(
      Array.from({ length: window }, async () => {
        while (performance.now() < end) {
          await op(counter++);
          completed++;
        }
      }),
    );
    return completed;
  };
  await runFor(100); // warm up: JIT, caches, shared keys
  let best = 0;
  for (let slice = 0; slice < SLICES; slice++) {
    const start = performance.now();
    const completed = await runFor((seconds * 1000) / SLICES);
    best = Math.max(best, completed / ((performance.now() - start) / 1000));
  }
  return best;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** Sends `count` notifications at `rate` per second and times each until bob's monitor has it. */
async function latency(alice: AtClient, bob: AtClient, rate: number, count: number): Promise<{ p50: number; p99: number; received: number }> {
  const monitor = await bob.startMonitor('latency');
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let allIn: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allIn = resolve));
  monitor.on('notification', (notification: ReceivedNotification) => {
    const start = sentAt.get(notification.id);
    if (start === undefined) return;
    latencies.push(performance.now() - start);
    sentAt.delete(notification.id);
    if (latencies.length === count) allIn();
  });
  const intervalMs = 1000 / rate;
  const paced = async (total: number, send: (i: number) => void) => {
    const begin = performance.now();
    for (let i = 0; i < total; i++) {
      const wait = begin + i * intervalMs - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      send(i);
    }
  };
  // Half a second at the same rate first, untimed: JIT, the shared key, the server-to-server
  // connection. The target is about the steady state.
  await paced(Math.round(rate / 2), (i) => void alice.notify({ key: `${BOB}:latency-warmup`, value: `warm ${i}` }));
  await paced(count, (i) => {
    const id = randomUUID();
    sentAt.set(id, performance.now());
    void alice.notify({ id, key: `${BOB}:latency`, value: `sample ${i}` });
  });
  // Whatever has not arrived 5 s after the last send counts as lost.
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 5000))]);
  await monitor.stop();
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), received: latencies.length };
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.argv[2] ?? '{}') as WorkerSettings;
  const open = (atSign: string) =>
    AtClient.create(atSign, 'bench', { root: settings.root, ca: settings.caPath, keysFile: settings.keysFiles[atSign] });
  const alice = await open(ALICE);
  const bob = await open(BOB);
  try {
    const selfPutsPerSecond = await throughput((i) => alice.put(`self-${i % 1000}`, `reading ${i}`), settings);
    await alice.put(`${BOB}:shared-reading`, 'twenty-one degrees', { ttr: -1 });
    const sharedGetsPerSecond = await throughput(() => bob.get(`shared-reading${ALICE}`), settings);
    const notifiesPerSecond = await throughput((i) => alice.notify({ key: `${BOB}:burst`, value: `n ${i}` }), settings);
    const timing = await latency(alice, bob, settings.latencyRate, settings.latencyCount);
    const results: WorkerResults = {
      backend: cryptoBackendName(),
      selfPutsPerSecond,
      sharedGetsPerSecond,
      notifiesPerSecond,
      latencyP50Ms: timing.p50,
      latencyP99Ms: timing.p99,
      latencyReceived: timing.received,
      latencySent: settings.latencyCount,
    };
    process.stdout.write(`${JSON.stringify(results)}\n`);
  } finally {
    await alice.close();
    await bob.close();
  }
}

await main();
