/**
 * `notify:list[:<fromDate>[:<toDate>]][:<regex>]` (protocol.md §7.16): the owner's unexpired
 * received notifications, or, on a pol-authenticated connection from @bob, what this server
 * sent to @bob; `data:null` when there are none and on an unauthenticated connection.
 */
import { viewerOf } from '../authorisation.js';
import { NOTIFICATIONS } from '../notifications/notification-module.js';
import { notificationListJson } from '../notifications/notification-views.js';
import type { StoredNotification } from '../notifications/stored-notification.js';
import { dataReply, NULL_REPLY, type VerbHandler } from '../verb-handler.js';

export const notifyListVerb: VerbHandler<'notify:list'> = {
  verb: 'notify:list',
  ownerOnly: false,
  handle(command, { server, session }) {
    const viewer = viewerOf(session);
    if (viewer.kind === 'anonymous') return NULL_REPLY;
    const readable = (notification: StoredNotification) => server.apkam.allows(session, notification.notification);
    const found = server.module(NOTIFICATIONS).list(command, viewer, session.enrollmentId === undefined ? undefined : readable);
    return found.length === 0 ? NULL_REPLY : dataReply(notificationListJson(found));
  },
};
