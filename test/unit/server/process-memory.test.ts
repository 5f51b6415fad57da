/**
 * The allocator setting `atagent server` applies for many idle TLS connections
 * (agent/src/server/process-memory.ts): applied through the native addon where glibc is the
 * C library, left alone when the operator set MALLOC_MMAP_THRESHOLD_, and the addon function
 * refusing values glibc would misread. Its effect on memory is measured by bench/server.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadAddon } from '../../../agent/src/crypto/addon.js';
import { SERVER_MALLOC_MMAP_THRESHOLD, tuneMallocForServer } from '../../../agent/src/server/process-memory.js';

const glibc = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime !== undefined;

test('applied through the addon on glibc; an operator-set MALLOC_MMAP_THRESHOLD_ stands', () => {
  assert.equal(tuneMallocForServer({ MALLOC_MMAP_THRESHOLD_: '65536' }), 'set by the environment');
  assert.equal(tuneMallocForServer({}), glibc ? 'applied' : 'unavailable');
});

test('the addon takes whole byte counts from 0 to 32 MiB only', () => {
  const addon = loadAddon();
  assert.equal(typeof addon.setMallocMmapThreshold, 'function');
  const set = (value: unknown) => (addon.setMallocMmapThreshold as (value: unknown) => boolean)(value);
  for (const bad of [-1, 1.5, 2 ** 25 + 1, Number.NaN, Infinity]) assert.throws(() => set(bad), RangeError, String(bad));
  for (const bad of ['16384', undefined, null, 16384n]) assert.throws(() => set(bad), TypeError, String(bad));
  assert.equal(set(SERVER_MALLOC_MMAP_THRESHOLD), glibc);
});
