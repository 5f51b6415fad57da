/**
 * The promise for `name` in `pending`, started with `start` the first time. Concurrent first
 * uses share one request (one plookup, one shared-key exchange), and a failed one is not
 * remembered: the next call asks again.
 */
export function pendingLookup<T>(pending: Map<string, Promise<T>>, name: string, start: (name: string) => Promise<T>): Promise<T> {
  let lookup = pending.get(name);
  if (lookup === undefined) {
    lookup = start(name);
    lookup.catch(() => pending.delete(name));
    pending.set(name, lookup);
  }
  return lookup;
}
