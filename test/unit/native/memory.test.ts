import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

// Any leaked native allocation costs at least 32 bytes (glibc's smallest chunk), so a
// per-call leak adds >= 32 MB over a million-call phase; V8's page churn alone moves the
// resident set by up to ~8 MB between measurements. Leaked JS objects would show in the heap.
const RSS_BOUND = 24 * 1024 * 1024;
const HEAP_BOUND = 1024 * 1024;

test('no memory growth over a million native calls of each kind (child process with --expose-gc)', async () => {
  const soak = fileURLToPath(new URL('./memory-soak.ts', import.meta.url));
  const child = spawn(process.execPath, ['--expose-gc', '--conditions=atagent:source', '--import', 'tsx', soak], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // 'close', not 'exit': the child's stdout may still hold the tail of its report when it exits.
  const [code] = (await once(child, 'close')) as [number | null];
  assert.equal(code, 0, stderr);
  const results = JSON.parse(stdout) as Array<{ phase: string; calls: number; rssGrowth: number; heapGrowth: number }>;
  assert.ok(results.filter((r) => r.calls >= 1_000_000).length >= 4, 'four million-call phases ran');
  for (const { phase, calls, rssGrowth, heapGrowth } of results) {
    assert.ok(rssGrowth < RSS_BOUND, `${phase} (${calls} calls): RSS grew ${(rssGrowth / 1e6).toFixed(1)} MB`);
    assert.ok(heapGrowth < HEAP_BOUND, `${phase} (${calls} calls): heap + external grew ${(heapGrowth / 1e3).toFixed(0)} kB`);
  }
});
