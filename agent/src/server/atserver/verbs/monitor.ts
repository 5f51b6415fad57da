/**
 * `monitor[:strict][:selfNotifications][:multiplexed][:<epochMillis>][ <regex>]` (protocol.md
 * §7.21): no reply line; the connection then gets a `notification: <json>` line for every
 * received notification matching the regex (after the stored ones newer than epochMillis),
 * plus stats notifications. It stays usable for other commands (`noop:0` heartbeats).
 * `strict` and `multiplexed` are accepted and ignored, as by the reference.
 */
import { NOTIFICATIONS } from '../notifications/notification-module.js';
import { SILENT_REPLY, type VerbHandler } from '../verb-handler.js';

export const monitorVerb: VerbHandler<'monitor'> = {
  verb: 'monitor',
  ownerOnly: true,
  handle(command, { server, session, connection }) {
    // An APKAM device's monitor shows only keys in its namespaces (server.md §3.2).
    const readable = session.enrollmentId === undefined ? undefined : (key: string) => server.apkam.allows(session, key);
    server.module(NOTIFICATIONS).monitor(connection, command, readable);
    return SILENT_REPLY;
  },
};
