/**
 * The authorisation matrix of server.md §3.1, in one place: which verbs need an
 * owner-authenticated connection (others get AT0401 before their command is parsed), and
 * who a connection is when a verb's answer depends on it (lookup, scan).
 */
import type { VerbName } from '../../protocol/index.js';
import type { Session } from './session.js';
import type { Viewer } from './scan-visibility.js';

/**
 * Owner-only verbs. `from`, `cram`, `pkam`, `pol`, `info`, `noop`, `lookup`, `scan`, `notify`,
 * `notify:list`, `notify:status` and `stream` are open to every connection and decide by
 * state; `enroll:request` is open too, so `enroll` decides for itself. `notify:all` is owner
 * only here although the reference forgot the check (server.md §3.1 quirk).
 */
export const OWNER_ONLY_VERBS: ReadonlySet<VerbName> = new Set<VerbName>([
  'llookup',
  'plookup',
  'update',
  'update:json',
  'update:meta',
  'delete',
  'stats',
  'config',
  'monitor',
  'batch',
  'sync:from',
  'notify:fetch',
  'notify:remove',
  'notify:all',
  'otp',
  'keys',
]);

export function isOwnerOnly(verb: VerbName): boolean {
  return OWNER_ONLY_VERBS.has(verb);
}

/** Who is asking, for verbs that answer by connection state. */
export function viewerOf(session: Session): Viewer {
  if (session.isOwner) return { kind: 'owner' };
  if (session.polAtSign !== undefined) return { kind: 'pol', atSign: session.polAtSign };
  return { kind: 'anonymous' };
}
