/**
 * The last N notification ids seen, for dropping duplicates: after a reconnect the monitor
 * replays from slightly before the last notification it delivered, so the same id can come
 * twice. Bounded, oldest forgotten first.
 */
export class RecentIds {
  readonly #capacity: number;
  readonly #ids = new Set<string>();
  readonly #order: string[] = [];
  #next = 0;

  constructor(capacity = 10_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.#capacity = capacity;
  }

  /** Records `id`; false if it was already there. */
  add(id: string): boolean {
    if (this.#ids.has(id)) return false;
    if (this.#order.length < this.#capacity) {
      this.#order.push(id);
    } else {
      const evicted = this.#order[this.#next] as string;
      this.#ids.delete(evicted);
      this.#order[this.#next] = id;
      this.#next = (this.#next + 1) % this.#capacity;
    }
    this.#ids.add(id);
    return true;
  }
}
