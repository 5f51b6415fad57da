/**
 * `keys:get:keyName:<name>` (protocol.md §7.26): an enrolled device fetches the encrypted
 * default keys its approval left for it (`<id>.default_enc_private_key.__manage@me`,
 * `<id>.default_self_enc_key.__manage@me`), answered as stored: `{"value":"<b64>"}`. Only a
 * connection authenticated with that enrollment may read its keys. Storing other keys with
 * `keys:put`/`keys:delete` is not offered by this server (AT0011, said plainly).
 */
import { normalizeStoredKey } from '../../../protocol/index.js';
import { illegalArgument, internalError, keyNotFound, unauthorized } from '../errors.js';
import { encryptionPrivateKeyName, selfEncryptionKeyName } from '../apkam/enrollment-record.js';
import { dataReply, type VerbHandler } from '../verb-handler.js';

export const keysVerb: VerbHandler<'keys'> = {
  verb: 'keys',
  ownerOnly: true,
  handle(command, { server, session }) {
    const enrollmentId = session.enrollmentId;
    if (enrollmentId === undefined) throw unauthorized('keys: needs a connection authenticated with an APKAM enrollment');
    if (command.operation !== 'get') throw internalError(`keys:${command.operation} is not supported by this server`, false);
    if (command.keyName === undefined) throw illegalArgument('keys:get needs keyName:<name>');
    const name = normalizeStoredKey(command.keyName);
    const own = [encryptionPrivateKeyName(enrollmentId, server.atSign), selfEncryptionKeyName(enrollmentId, server.atSign)];
    if (!own.includes(name)) throw unauthorized(`Connection with enrollment ID ${enrollmentId} cannot read key: ${name}`);
    const value = server.keys.get(name)?.value;
    if (typeof value !== 'string') throw keyNotFound(name);
    return dataReply(value);
  },
};
