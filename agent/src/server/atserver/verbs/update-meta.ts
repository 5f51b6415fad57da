/**
 * `update:meta:<key><metadata>` (protocol.md §7.7): change metadata only; a missing key is
 * created with a null value. Answers the commit id.
 */
import { writableKey } from '../keys/writable-key.js';
import { dataReply, type VerbHandler } from '../verb-handler.js';

export const updateMetaVerb: VerbHandler<'update:meta'> = {
  verb: 'update:meta',
  ownerOnly: true,
  handle(command, { server, session }) {
    const key = writableKey(command.key, command.sharedBy, server.atSign);
    server.apkam.requireAccess(session, key, 'rw');
    return dataReply(server.keys.updateMeta(key, command.metadata));
  },
};
