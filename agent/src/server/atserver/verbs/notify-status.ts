/**
 * `notify:status:<id>` (protocol.md §7.17): `queued`, `delivered`, `errored` or `expired`;
 * `data:null` for an id this server does not know. The reference answers anyone; we answer
 * the owner, and a pol-authenticated @bob only about notifications sent to @bob.
 */
import { viewerOf } from '../authorisation.js';
import { authRequired } from '../errors.js';
import { NOTIFICATIONS } from '../notifications/notification-module.js';
import { isSentTo, reportedStatus } from '../notifications/stored-notification.js';
import { dataReply, NULL_REPLY, type VerbHandler } from '../verb-handler.js';

export const notifyStatusVerb: VerbHandler<'notify:status'> = {
  verb: 'notify:status',
  ownerOnly: false,
  handle(command, { server, session }) {
    const viewer = viewerOf(session);
    if (viewer.kind === 'anonymous') throw authRequired();
    const stored = server.module(NOTIFICATIONS).records.get(command.notificationId);
    if (stored === undefined || (viewer.kind === 'pol' && !isSentTo(stored, viewer.atSign))) return NULL_REPLY;
    if (viewer.kind === 'owner') server.apkam.requireAccess(session, stored.notification, 'r');
    return dataReply(reportedStatus(stored, server.tuning.clock.now()));
  },
};
