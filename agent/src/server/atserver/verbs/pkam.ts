/**
 * `pkam:[signingAlgo:…:][hashingAlgo:…:][enrollmentId:…:]<signature>` (protocol.md §7.3):
 * every form the SDKs send. Without an enrollment id the signature is checked against
 * `privatekey:at_pkam_publickey` (legacy PKAM); with one, the enrollment must be approved
 * (else `error:AT0025/26/27/28:…`, the connection left open) and its APKAM key is used, and
 * the connection is then limited to the enrollment's namespaces.
 */
import type { PkamCommand } from '../../../protocol/index.js';
import { verifyPkamSignature } from '../auth/pkam-verifier.js';
import { ResponseLevelError, unauthenticated } from '../errors.js';
import { PKAM_PUBLIC_KEY } from '../keys/reserved-keys.js';
import type { AtSignServerContext } from '../server-context.js';
import { SUCCESS_REPLY, type VerbHandler } from '../verb-handler.js';

/** The APKAM public key of an enrollment that may log in, or the reason it may not. */
function enrollmentKey(server: AtSignServerContext, enrollmentId: string): string {
  const enrollment = server.apkam.enrollments.get(enrollmentId);
  const state = enrollment?.approval.state;
  if (enrollment === undefined || server.apkam.enrollments.isExpiredRequest(enrollment) || server.apkam.enrollments.areKeysExpired(enrollment)) {
    throw new ResponseLevelError('AT0028', `enrollment_id: ${enrollmentId} is expired or invalid`);
  }
  if (state === 'pending') throw new ResponseLevelError('AT0026', `enrollment_id: ${enrollmentId} is pending`);
  if (state === 'denied') throw new ResponseLevelError('AT0025', `enrollment_id: ${enrollmentId} is denied`);
  if (state === 'revoked') throw new ResponseLevelError('AT0027', `enrollment_id: ${enrollmentId} is revoked`);
  return enrollment.apkamPublicKey;
}

function verifies(command: PkamCommand, publicKey: unknown, challenge: string): boolean {
  return (
    typeof publicKey === 'string' &&
    verifyPkamSignature({
      publicKey,
      challenge,
      signature: command.signature.trim(),
      ...(command.signingAlgo === undefined ? {} : { signingAlgo: command.signingAlgo }),
      ...(command.hashingAlgo === undefined ? {} : { hashingAlgo: command.hashingAlgo }),
    })
  );
}

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
    // A device waiting for approval retries with the same challenge: keep it for that.
    const publicKey = command.enrollmentId === undefined ? server.keys.get(PKAM_PUBLIC_KEY)?.value : enrollmentKey(server, command.enrollmentId);
    session.pendingFrom = undefined;
    if (!verifies(command, publicKey, pending.challenge)) throw unauthenticated('pkam authentication failed');
    if (command.enrollmentId === undefined) session.authenticateOwner('pkam');
    else session.authenticateOwner('apkam', command.enrollmentId);
    server.stats.recordLogin(now, true);
    return SUCCESS_REPLY;
  },
};
