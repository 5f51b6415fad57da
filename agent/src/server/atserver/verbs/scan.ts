/**
 * `scan[:showHidden:true][:@<atSign>][:page:<n>][ <regex>]` (protocol.md §7.5): the keys the
 * connection may see (scan-visibility.ts), active ones only, filtered by an unanchored regex
 * on the stored name. `scan:@bob` (owner only) relays bob's server's answer for us.
 */
import { isValidAtSign, normalizeAtSign } from '../../../protocol/index.js';
import { viewerOf } from '../authorisation.js';
import { authRequired, invalidSyntax } from '../errors.js';
import { isActive } from '../keys/key-activity.js';
import { clientRegex } from '../regex-cache.js';
import { visibleName } from '../scan-visibility.js';
import { dataReply, type VerbHandler } from '../verb-handler.js';

export const scanVerb: VerbHandler<'scan'> = {
  verb: 'scan',
  ownerOnly: false,
  async handle(command, { server, session }) {
    const regex = command.regex === undefined ? undefined : clientRegex(command.regex);
    if (command.forAtSign !== undefined) {
      if (!session.isOwner) throw authRequired();
      if (!isValidAtSign(command.forAtSign)) throw invalidSyntax(`${command.forAtSign} is not a valid atSign`);
      const other = normalizeAtSign(command.forAtSign);
      if (other !== server.atSign) return server.remote.scan(other, command.showHidden, command.regex);
    }
    const viewer = viewerOf(session);
    const now = server.tuning.clock.now();
    const names: string[] = [];
    for (const [key, record] of server.keys.entries()) {
      const name = visibleName(key, viewer, command.showHidden);
      if (name === undefined || !isActive(record.metadata, now)) continue;
      if (regex !== undefined && !regex.test(key)) continue;
      // APKAM connections see public keys and their namespaces (server.md §3.2).
      if (viewer.kind === 'owner' && !key.startsWith('public:') && !server.apkam.allows(session, key)) continue;
      names.push(name);
    }
    return dataReply(JSON.stringify(names));
  },
};
