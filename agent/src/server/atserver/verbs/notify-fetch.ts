/**
 * `notify:fetch:<id>` (protocol.md §7.18): the stored notification as the reference shows it
 * (every value a string, Dart enum names); an unknown id answers as `expired`.
 */
import { NOTIFICATIONS } from '../notifications/notification-module.js';
import { fetchJson, unknownFetchJson } from '../notifications/notification-views.js';
import { reportedStatus } from '../notifications/stored-notification.js';
import { dataReply, type VerbHandler } from '../verb-handler.js';

export const notifyFetchVerb: VerbHandler<'notify:fetch'> = {
  verb: 'notify:fetch',
  ownerOnly: true,
  handle(command, { server, session }) {
    const notification = server.module(NOTIFICATIONS).records.get(command.notificationId);
    if (notification === undefined) return dataReply(unknownFetchJson(command.notificationId));
    server.apkam.requireAccess(session, notification.notification, 'r');
    return dataReply(fetchJson(notification, reportedStatus(notification, server.tuning.clock.now())));
  },
};
