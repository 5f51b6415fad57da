/**
 * Freezes a parsed JSON value and everything inside it. The engine hands out the objects
 * it holds in memory without copying (reads are the hot path); freezing them turns an
 * accidental mutation by a caller, which would make memory disagree with disk, into an
 * immediate TypeError instead.
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
