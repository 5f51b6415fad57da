/**
 * `notify:status:<id>` (protocol.md §7.17): `queued`, `delivered`, `errored` or `expired`;
 * `data:null` for an id this server does not know. The reference answers anyone; we answer
 * the owner, and a pol-authenticated @bob only about notifications sent to @bob.
 */
import { authRequired } from '../errors.js';
import { NOTIFICATIONS } from '../notifications/notification-module.js';
import { dataReply, type VerbHandler } from '../verb-handler.js';

export const notifyStatusVerb: VerbHandler<'notify:status'> = {
  verb: 'notify:status',
  ownerOnly: false,
  handle(command, { server, session }) {
    const notifications = server.module(NOTIFICATIONS);
    if (session.isOwner) {
      const stored = notifications.records.get(command.notificationId);
      if (stored !== undefined) server.apkam.requireAccess(session, stored.notification, 'r');
      return dataReply(notifications.status(command.notificationId));
    }
    const pol = session.polAtSign;
    if (pol === undefined) throw authRequired();
    return dataReply(notifications.status(command.notificationId, (notification) => notification.type === 'sent' && notification.toAtSign === pol));
  },
};
