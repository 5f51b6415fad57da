/**
 * `cram:<sha512hex(secret + challenge)>` (protocol.md §7.2, crypto.md §4). Works while
 * `privatekey:at_secret` exists. A failure answers AT0401 and leaves the connection open;
 * the challenge is spent either way.
 */
import { timingSafeEqual } from 'node:crypto';
import { cramDigest } from '../../../crypto/index.js';
import { CRAM_SECRET_KEY } from '../keys/reserved-keys.js';
import { unauthenticated } from '../errors.js';
import { SUCCESS_REPLY, type VerbHandler } from '../verb-handler.js';

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export const cramVerb: VerbHandler<'cram'> = {
  verb: 'cram',
  ownerOnly: false,
  handle(command, { server, session }) {
    const pending = session.pendingFrom;
    session.pendingFrom = undefined;
    const secret = server.keys.get(CRAM_SECRET_KEY)?.value;
    const now = server.tuning.clock.now();
    if (pending === undefined || pending.foreign || pending.expiresAt < now || typeof secret !== 'string') {
      throw unauthenticated('Authentication Failed');
    }
    if (!sameText(cramDigest(secret, pending.challenge), command.digest.trim().toLowerCase())) {
      throw unauthenticated('Authentication Failed');
    }
    session.authenticateOwner('cram');
    server.stats.recordLogin(now, false);
    return SUCCESS_REPLY;
  },
};
