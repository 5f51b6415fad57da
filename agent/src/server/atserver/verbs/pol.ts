/**
 * `pol` (protocol.md §7.4, server.md §7): after `from:@caller`, prove the caller's server
 * signed our proof, then answer `@caller@` (no newline) and treat the connection as
 * pol-authenticated. Without a preceding foreign `from`: AT0011 and close.
 */
import { verifyPol } from '../auth/pol-verifier.js';
import { internalError } from '../errors.js';
import type { VerbHandler } from '../verb-handler.js';
import { formatPolReply } from '../../../protocol/index.js';

export const polVerb: VerbHandler<'pol'> = {
  verb: 'pol',
  ownerOnly: false,
  async handle(_command, { server, session }) {
    const pending = session.pendingFrom;
    session.pendingFrom = undefined;
    if (pending === undefined || !pending.foreign) throw internalError('pol without a preceding from:<atSign>');
    if (pending.expiresAt < server.tuning.clock.now()) throw internalError('pol proof expired');
    await verifyPol(
      { callerAtSign: pending.atSign, sessionId: session.sessionId, proof: pending.proof },
      server.outbound,
      server.tuning.limits.outboundReadTimeoutMs,
    );
    session.authenticatePol(pending.atSign);
    return { kind: 'raw', text: formatPolReply(pending.atSign) };
  },
};
