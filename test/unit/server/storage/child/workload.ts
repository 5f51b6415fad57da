/**
 * A deterministic stream of key-store operations shared by the crash-test child and the
 * test that checks what survived: operation i always commits exactly once, so its
 * commit id is i and "the state after operations 0..M" can be recomputed and compared.
 */
import type { CommitOperation, KeyRecord } from '../../../../../agent/src/server/storage/index.js';

export type WorkloadOperation =
  | { readonly kind: 'put'; readonly key: string; readonly record: KeyRecord; readonly commit: CommitOperation }
  | { readonly kind: 'delete'; readonly key: string };

const KEY_SPACE = 250;

function keyName(n: number): string {
  return `@bob🛠:k${n % KEY_SPACE}.demo@alice🛠`;
}

export function operation(i: number): WorkloadOperation {
  if (i % 11 === 10) return { kind: 'delete', key: keyName(i * 7 + 3) };
  // Every 50th value is large, so a kill can land in the middle of one write(2).
  const length = i % 50 === 0 ? 120_000 : 200 + (i % 300);
  const value = `${i}:`.padEnd(length, String.fromCharCode(97 + (i % 26)));
  return {
    kind: 'put',
    key: keyName(i * 7),
    record: { value, metadata: { version: i, isEncrypted: true } },
    commit: i % 2 === 0 ? '*' : '+',
  };
}

/** Key → record, and key → commit id, after operations 0..last. */
export function expectedState(last: number): { records: Map<string, KeyRecord>; commits: Map<string, number> } {
  const records = new Map<string, KeyRecord>();
  const commits = new Map<string, number>();
  for (let i = 0; i <= last; i++) {
    const op = operation(i);
    if (op.kind === 'put') records.set(op.key, op.record);
    else records.delete(op.key);
    commits.set(op.key, i);
  }
  return { records, commits };
}

/** Every 5th operation also stores a notification. */
export function notificationFor(i: number): { id: string; expiresAt: number; op: number } | undefined {
  return i % 5 === 0 ? { id: `n${i}`, expiresAt: 4_102_444_800_000, op: i } : undefined;
}
