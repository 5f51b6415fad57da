/**
 * Exponential backoff with jitter for reconnecting. Jitter spreads a fleet of devices
 * that lost the same server so they do not all come back in the same millisecond.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface BackoffOptions {
  /** Delay before the first retry. Default 50 ms. */
  readonly initialDelayMs?: number | undefined;
  /**
   * Upper bound of any delay. Default 800 ms, so a device is back within about a second of
   * its server returning; raise it for fleets that must go easy on a recovering server.
   */
  readonly maxDelayMs?: number | undefined;
  /** Growth per attempt. Default 2. */
  readonly multiplier?: number | undefined;
  /** Fraction of each delay that is random (0: none, 1: "full jitter"). Default 0.5. */
  readonly jitter?: number | undefined;
}

export const DEFAULT_BACKOFF = { initialDelayMs: 50, maxDelayMs: 800, multiplier: 2, jitter: 0.5 } as const;

/** The delay before retry number `attempt` (0-based): `min(max, initial·multiplier^attempt)`, minus up to `jitter` of it. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const initial = options.initialDelayMs ?? DEFAULT_BACKOFF.initialDelayMs;
  const max = options.maxDelayMs ?? DEFAULT_BACKOFF.maxDelayMs;
  const multiplier = options.multiplier ?? DEFAULT_BACKOFF.multiplier;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? DEFAULT_BACKOFF.jitter));
  const ceiling = Math.min(max, initial * multiplier ** Math.max(0, attempt));
  return Math.round(ceiling * (1 - jitter * random()));
}

export interface RetryOptions {
  readonly backoff?: BackoffOptions | undefined;
  /** Give up after this many attempts in total (default: never). */
  readonly maxAttempts?: number | undefined;
  /** Stops waiting and retrying; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  /** Errors for which another attempt is pointless (default: retry everything). */
  readonly shouldRetry?: ((error: unknown) => boolean) | undefined;
  /** Told about every failed attempt before the wait. */
  readonly onRetry?: ((error: unknown, attempt: number, delayMs: number) => void) | undefined;
}

/** Runs `operation` until it succeeds, waiting backoffDelay() between attempts. */
export async function retryWithBackoff<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await operation(attempt);
    } catch (error) {
      options.signal?.throwIfAborted();
      const lastAttempt = options.maxAttempts !== undefined && attempt + 1 >= options.maxAttempts;
      if (lastAttempt || (options.shouldRetry !== undefined && !options.shouldRetry(error))) throw error;
      const delayMs = backoffDelay(attempt, options.backoff);
      options.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs, undefined, { signal: options.signal });
    }
  }
}
