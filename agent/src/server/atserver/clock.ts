/**
 * Where the atServer reads the time. Everything with a deadline (ttl/ttb/ttr, challenge and
 * proof lifetimes, idle connections) asks a Clock, so tests can move time instead of waiting.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand; starts at the real time unless told otherwise. */
export class ManualClock implements Clock {
  #now: number;

  constructor(start = Date.now()) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += ms;
  }

  set(epochMs: number): void {
    this.#now = epochMs;
  }
}
