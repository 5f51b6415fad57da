/**
 * `otp:get[:ttl:<ms>]` and `otp:put:<passcode>[:ttl:<ms>]` (protocol.md §7.26): codes a new
 * device quotes in `enroll:request`. APKAM connections need `__manage` for them.
 */
import { dataReply, type VerbHandler } from '../verb-handler.js';

export const otpVerb: VerbHandler<'otp'> = {
  verb: 'otp',
  ownerOnly: true,
  handle(command, { server, session }) {
    server.apkam.requireManage(session);
    if (command.operation === 'put') {
      server.apkam.otps.putPasscode(command.otp ?? '', command.ttl);
      return dataReply('ok');
    }
    return dataReply(server.apkam.otps.issue(command.ttl));
  },
};
