/**
 * `pkam:[signingAlgo:…:][hashingAlgo:…:][enrollmentId:…:]<signature>` (protocol.md §7.3):
 * every form the SDKs send, verified against `privatekey:at_pkam_publickey` (legacy PKAM).
 * APKAM enrollments are not kept by this server, so a pkam naming an enrollment id is
 * answered as the reference answers an unknown one (`error:AT0028:…`).
 */
import { PKAM_PUBLIC_KEY } from '../keys/reserved-keys.js';
import { verifyPkamSignature } from '../auth/pkam-verifier.js';
import { ResponseLevelError, unauthenticated } from '../errors.js';
import { SUCCESS_REPLY, type VerbHandler } from '../verb-handler.js';

export const pkamVerb: VerbHandler<'pkam'> = {
  verb: 'pkam',
  ownerOnly: false,
  handle(command, { server, session }) {
    const pending = session.pendingFrom;
    const now = server.tuning.clock.now();
    if (pending === undefined || pending.foreign || pending.expiresAt < now) {
      session.pendingFrom = undefined;
      throw unauthenticated('pkam authentication failed');
    }
    if (command.enrollmentId !== undefined) {
      throw new ResponseLevelError('AT0028', `enrollment_id: ${command.enrollmentId} is expired or invalid`);
    }
    session.pendingFrom = undefined;
    const publicKey = server.keys.get(PKAM_PUBLIC_KEY)?.value;
    const verified =
      typeof publicKey === 'string' &&
      verifyPkamSignature({
        publicKey,
        challenge: pending.challenge,
        signature: command.signature.trim(),
        ...(command.signingAlgo === undefined ? {} : { signingAlgo: command.signingAlgo }),
        ...(command.hashingAlgo === undefined ? {} : { hashingAlgo: command.hashingAlgo }),
      });
    if (!verified) throw unauthenticated('pkam authentication failed');
    session.authenticateOwner('pkam');
    server.stats.recordLogin(now, true);
    return SUCCESS_REPLY;
  },
};
