/**
 * Who a connection is when a verb's answer depends on it (server.md §3.1: scan, notify:list).
 * Which verbs need an owner-authenticated connection is said by each handler (`ownerOnly`,
 * verb-handler.ts), which the dispatcher checks before parsing.
 */
import type { Session } from './session.js';
import type { Viewer } from './scan-visibility.js';

/** Who is asking, for verbs that answer by connection state. */
export function viewerOf(session: Session): Viewer {
  if (session.isOwner) return { kind: 'owner' };
  if (session.polAtSign !== undefined) return { kind: 'pol', atSign: session.polAtSign };
  return { kind: 'anonymous' };
}
