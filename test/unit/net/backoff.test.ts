import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backoffDelay, retryWithBackoff } from '../../../agent/src/net/index.js';

describe('backoff', () => {
  test('grows exponentially up to the cap; jitter only ever shortens a delay', () => {
    const options = { initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 0.5 };
    assert.deepEqual([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(n, options, () => 0)), [100, 200, 400, 800, 1000, 1000]);
    assert.deepEqual([0, 1, 4].map((n) => backoffDelay(n, options, () => 1)), [50, 100, 500]);
    assert.equal(backoffDelay(3, { ...options, jitter: 0 }, () => 1), 800);
    for (let i = 0; i < 100; i++) {
      const delay = backoffDelay(i % 8, options);
      assert.ok(delay >= 50 && delay <= 1000, String(delay));
    }
  });

  test('retryWithBackoff retries until success, honours maxAttempts and shouldRetry', async () => {
    let calls = 0;
    const retries: number[] = [];
    const value = await retryWithBackoff(
      async (attempt) => {
        calls++;
        if (attempt < 3) throw new Error(`fail ${attempt}`);
        return 'ok';
      },
      { backoff: { initialDelayMs: 1, maxDelayMs: 2 }, onRetry: (_error, attempt) => retries.push(attempt) },
    );
    assert.equal(value, 'ok');
    assert.equal(calls, 4);
    assert.deepEqual(retries, [0, 1, 2]);

    await assert.rejects(
      retryWithBackoff(async () => Promise.reject(new Error('always')), { maxAttempts: 2, backoff: { initialDelayMs: 1 } }),
      /always/,
    );
    let tries = 0;
    await assert.rejects(
      retryWithBackoff(
        async () => {
          tries++;
          throw new TypeError('permanent');
        },
        { shouldRetry: (error) => !(error instanceof TypeError) },
      ),
      TypeError,
    );
    assert.equal(tries, 1);
  });

  test('an abort stops the waiting', async () => {
    const controller = new AbortController();
    const running = retryWithBackoff(
      async () => {
        queueMicrotask(() => controller.abort(new Error('stopped')));
        throw new Error('down');
      },
      { signal: controller.signal, backoff: { initialDelayMs: 60_000, maxDelayMs: 60_000 } },
    );
    await assert.rejects(running, /stopped/);
  });
});
