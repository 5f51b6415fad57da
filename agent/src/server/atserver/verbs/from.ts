/**
 * `from:<atSign>[:clientConfig:{…}]` (protocol.md §7.1). Own atSign → a challenge for
 * cram/pkam; another atSign (server-to-server) → block-list and client-certificate checks,
 * then a proof for `pol`. The challenge lives in the session only: nothing else reads it.
 */
import { randomUUID } from 'node:crypto';
import { isValidAtSign, normalizeAtSign } from '../../../protocol/index.js';
import { verifyClientCertificate } from '../auth/client-certificate.js';
import { AtServerVerbError, invalidSyntax } from '../errors.js';
import { dataReply, type VerbHandler } from '../verb-handler.js';

export const fromVerb: VerbHandler<'from'> = {
  verb: 'from',
  ownerOnly: false,
  async handle(command, { server, session, connection }) {
    if (!isValidAtSign(command.atSign)) throw invalidSyntax(`${command.atSign} is not a valid atSign`);
    const atSign = normalizeAtSign(command.atSign);
    const version = command.clientConfig?.version;
    session.setClientVersion(typeof version === 'string' ? version : undefined);
    const proof = randomUUID();
    const challenge = `${session.sessionId}${atSign}:${proof}`;
    const expiresAt = server.tuning.clock.now() + server.tuning.timings.proofTtlMs;
    if (atSign === server.atSign) {
      session.pendingFrom = { atSign, proof, foreign: false, challenge, expiresAt };
      return dataReply(challenge);
    }
    if (server.blockList.isBlocked(atSign)) {
      throw new AtServerVerbError('AT0013', 'Unable to connect', { close: true });
    }
    await verifyClientCertificate(atSign, connection, server.resolver);
    session.pendingFrom = { atSign, proof, foreign: true, challenge, expiresAt };
    return dataReply(`proof:${challenge}`);
  },
};
