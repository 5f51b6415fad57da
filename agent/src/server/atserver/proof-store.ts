/**
 * Short-lived handshake keys: the signatures this server publishes as
 * `public:<sessionId>@<me>` for a remote server to fetch during `pol` (server.md §7 step 3).
 * The reference writes them to its key store with a 60 s TTL; they are only ever read by an
 * unauthenticated `lookup` within that minute, so they live in memory instead of costing a
 * durable write and a later purge per handshake.
 */
import type { Clock } from './clock.js';

interface Entry {
  readonly value: string;
  readonly expiresAt: number;
}

const MAX_ENTRIES = 10_000;

export class ProofStore {
  readonly #entries = new Map<string, Entry>();
  readonly #clock: Clock;
  readonly #ttlMs: number;

  constructor(clock: Clock, ttlMs: number) {
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  /** Publishes `key` (e.g. `public:_<uuid>@alice`) for the proof lifetime. */
  put(key: string, value: string): void {
    const now = this.#clock.now();
    if (this.#entries.size >= MAX_ENTRIES) this.#prune(now);
    this.#entries.set(key, { value, expiresAt: now + this.#ttlMs });
  }

  get(key: string): string | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt < this.#clock.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  #prune(now: number): void {
    for (const [key, entry] of this.#entries) if (entry.expiresAt < now) this.#entries.delete(key);
    // Still full of live entries (a flood of handshakes): the oldest make room.
    for (const key of this.#entries.keys()) {
      if (this.#entries.size < MAX_ENTRIES) break;
      this.#entries.delete(key);
    }
  }
}
