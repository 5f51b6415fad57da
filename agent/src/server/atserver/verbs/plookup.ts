/**
 * `plookup[:bypassCache:true][:meta|:all]:<key>@<owner>` (protocol.md §7.10): public data of
 * another atSign through this server, over an unauthenticated connection, cached as
 * `cached:public:<key>@<owner>`. The server's own public keys are read locally.
 */
import { isValidAtSign, normalizeAtSign, normalizeStoredKey } from '../../../protocol/index.js';
import { keyNotFound } from '../errors.js';
import type { VerbHandler } from '../verb-handler.js';
import { answerLocal } from './key-answer.js';

export const plookupVerb: VerbHandler<'plookup'> = {
  verb: 'plookup',
  ownerOnly: true,
  async handle(command, { server }) {
    if (!isValidAtSign(command.sharedBy)) throw keyNotFound(command.key);
    const owner = normalizeAtSign(command.sharedBy);
    if (owner !== server.atSign) return server.remote.plookup(command, owner);
    const key = normalizeStoredKey(`public:${command.atKey}${owner}`);
    return answerLocal(key, server.keys.lookup(key), command.operation);
  },
};
