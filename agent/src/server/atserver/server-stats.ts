/**
 * What `stats` reports beyond the key store (protocol.md §7.12): login times and an access
 * log for topAtSigns/topKeys. Kept in memory: the reference persists its access log, but
 * these numbers are informational and nothing depends on them surviving a restart.
 */
const MAX_TRACKED = 1_000;

export class ServerStats {
  lastLoggedInAt: number | undefined;
  lastPkamAt: number | undefined;
  readonly #atSignCounts = new Map<string, number>();
  readonly #keyCounts = new Map<string, number>();

  recordLogin(now: number, pkam: boolean): void {
    this.lastLoggedInAt = now;
    if (pkam) this.lastPkamAt = now;
  }

  /** A lookup by `atSign` (a remote server or anonymous) of `key`. */
  recordAccess(atSign: string, key: string): void {
    bump(this.#atSignCounts, atSign);
    bump(this.#keyCounts, key);
  }

  topAtSigns(count = 5): Record<string, number> {
    return top(this.#atSignCounts, count);
  }

  topKeys(count = 5): Record<string, number> {
    return top(this.#keyCounts, count);
  }
}

function bump(counts: Map<string, number>, name: string): void {
  counts.set(name, (counts.get(name) ?? 0) + 1);
  if (counts.size > MAX_TRACKED) {
    // Forget the least used half rather than grow without bound.
    const sorted = [...counts.entries()].sort((a, b) => a[1] - b[1]);
    for (const [key] of sorted.slice(0, sorted.length / 2)) counts.delete(key);
  }
}

function top(counts: Map<string, number>, count: number): Record<string, number> {
  return Object.fromEntries([...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, count));
}
