/**
 * `enroll`, `otp` and `keys` (APKAM, protocol.md §7.26): this server keeps no enrollments,
 * so it answers every such command with a clear AT0011 (the code the reference uses for
 * enrollment errors, connection left open) instead of pretending the verb does not exist.
 * Legacy PKAM onboarding (`update:privatekey:at_pkam_publickey`) is what it supports.
 */
import type { VerbName } from '../../../protocol/index.js';
import { authRequired, internalError } from '../errors.js';
import type { VerbHandler } from '../verb-handler.js';

function unsupported<V extends 'enroll' | 'otp' | 'keys'>(verb: V): VerbHandler<V> {
  return {
    verb,
    ownerOnly: verb !== 'enroll',
    handle(command, { session }) {
      if (verb === 'enroll' && (command as { operation?: string }).operation !== 'request' && !session.isOwner) throw authRequired();
      throw internalError(`${verb as VerbName}: APKAM enrollments are not supported by this server; onboard with CRAM and legacy PKAM`, false);
    },
  };
}

export const enrollVerb = unsupported('enroll');
export const otpVerb = unsupported('otp');
export const keysVerb = unsupported('keys');
