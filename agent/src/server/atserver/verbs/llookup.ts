/**
 * `llookup[:meta|:all][:cached]:<key>` (protocol.md §7.8): the owner reads its own store,
 * any key by exact name (cached copies and hidden keys included), references unresolved.
 */
import { normalizeStoredKey } from '../../../protocol/index.js';
import type { VerbHandler } from '../verb-handler.js';
import { answerLocal } from './key-answer.js';

export const llookupVerb: VerbHandler<'llookup'> = {
  verb: 'llookup',
  ownerOnly: true,
  handle(command, { server, session }) {
    const key = normalizeStoredKey(command.key);
    // Public data is never restricted by an APKAM enrollment (server.md §3.2).
    if (!key.startsWith('public:')) server.apkam.requireAccess(session, key, 'r');
    return answerLocal(key, server.keys.lookup(key), command.operation);
  },
};
