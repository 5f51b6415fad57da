/**
 * `delete[:priority:…][:cached]:<key>` (protocol.md §7.11): answers a new commit id even for a
 * key that did not exist; protected keys are AT0009. Deleting `privatekey:at_secret` also
 * writes `privatekey:at_secret_deleted`, so CRAM stays disabled across restarts.
 */
import { normalizeStoredKey } from '../../../protocol/index.js';
import { unauthorized } from '../errors.js';
import { isProtectedKey } from '../keys/protected-keys.js';
import { CRAM_SECRET_DELETED_KEY, CRAM_SECRET_KEY } from '../keys/reserved-keys.js';
import { dataReply, type VerbHandler } from '../verb-handler.js';

export const deleteVerb: VerbHandler<'delete'> = {
  verb: 'delete',
  ownerOnly: true,
  handle(command, { server, session }) {
    const key = normalizeStoredKey(command.key);
    server.apkam.requireAccess(session, key, 'rw');
    if (isProtectedKey(`${command.atKey}${command.sharedBy ?? ''}`, server.atSign, command.isCached)) {
      throw unauthorized(`Cannot delete protected key: '${key}'`);
    }
    if (key === CRAM_SECRET_KEY) {
      server.keys.putRecord(CRAM_SECRET_DELETED_KEY, { value: 'true', metadata: server.keys.newMetadata() }, { origin: 'server' });
    }
    const write = command.priority === undefined ? {} : { priority: command.priority };
    return dataReply(server.keys.delete(key, write));
  },
};
