/**
 * `lookup[:bypassCache:true][:meta|:all]:<key>@<owner>` (protocol.md §7.9): answered by
 * connection state. The owner reads `@me:<key>@me`, or a foreign key through the proxied
 * lookup (cache, then the owner's server over pol); a pol-authenticated @bob reads
 * `@bob:<key>@me`; anyone else reads `public:<key>@me` (handshake proofs included).
 * `atsign://` values are resolved (keys/value-reference.ts).
 */
import { isValidAtSign, normalizeAtSign, normalizeStoredKey, type LookupCommand } from '../../../protocol/index.js';
import { keyNotFound } from '../errors.js';
import { isReference, resolveReference } from '../keys/value-reference.js';
import type { AtSignServerContext } from '../server-context.js';
import { dataReply, type VerbHandler, type VerbReply } from '../verb-handler.js';
import { answerLocal } from './key-answer.js';

/** A local read, with `atsign://` values resolved for plain (value) lookups. */
function answer(server: AtSignServerContext, command: LookupCommand, key: string, prefix: string, notFoundName?: string): VerbReply {
  const found = server.keys.lookup(key);
  if (command.operation === undefined && found.state === 'active' && isReference(found.record.value)) {
    return dataReply(resolveReference(server.keys, found.record.value, prefix));
  }
  return answerLocal(key, found, command.operation, notFoundName);
}

export const lookupVerb: VerbHandler<'lookup'> = {
  verb: 'lookup',
  ownerOnly: false,
  async handle(command, { server, session }) {
    if (!isValidAtSign(command.sharedBy)) throw keyNotFound(command.key);
    const owner = normalizeAtSign(command.sharedBy);
    const entity = `${command.atKey}${owner}`;
    if (session.isOwner) {
      server.apkam.requireAccess(session, normalizeStoredKey(entity), 'r');
      if (owner !== server.atSign) return server.remote.lookup(command, owner);
      const key = normalizeStoredKey(`${server.atSign}:${entity}`);
      return answer(server, command, key, `${server.atSign}:`);
    }
    if (session.polAtSign !== undefined) {
      const key = normalizeStoredKey(`${session.polAtSign}:${entity}`);
      server.stats.recordAccess(session.polAtSign, entity);
      return answer(server, command, key, `${session.polAtSign}:`, normalizeStoredKey(entity));
    }
    const key = normalizeStoredKey(`public:${entity}`);
    const proof = server.proofs.get(key);
    if (proof !== undefined && command.operation === undefined) return dataReply(proof);
    if (!entity.startsWith('_')) server.stats.recordAccess('anonymous', entity);
    return answer(server, command, key, 'public:', normalizeStoredKey(entity));
  },
};
