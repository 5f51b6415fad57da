/**
 * `lookup[:bypassCache:true][:meta|:all]:<key>@<owner>` (protocol.md §7.9): answered by
 * connection state. The owner reads `@me:<key>@me`, or a foreign key through the proxied
 * lookup (cache, then the owner's server over pol); a pol-authenticated @bob reads
 * `@bob:<key>@me`; anyone else reads `public:<key>@me` (handshake proofs included).
 */
import { isValidAtSign, normalizeAtSign, normalizeStoredKey } from '../../../protocol/index.js';
import { keyNotFound } from '../errors.js';
import { dataReply, type VerbHandler } from '../verb-handler.js';
import { answerLocal } from './key-answer.js';

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
      return answerLocal(key, server.keys.lookup(key), command.operation);
    }
    if (session.polAtSign !== undefined) {
      const key = normalizeStoredKey(`${session.polAtSign}:${entity}`);
      server.stats.recordAccess(session.polAtSign, entity);
      return answerLocal(key, server.keys.lookup(key), command.operation, normalizeStoredKey(entity));
    }
    const key = normalizeStoredKey(`public:${entity}`);
    const proof = server.proofs.get(key);
    if (proof !== undefined && command.operation === undefined) return dataReply(proof);
    if (!entity.startsWith('_')) server.stats.recordAccess('anonymous', entity);
    return answerLocal(key, server.keys.lookup(key), command.operation, normalizeStoredKey(entity));
  },
};
