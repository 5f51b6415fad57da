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
  handle(command, { server, connection }) {
    server.module(NOTIFICATIONS).monitor(connection, command);
    return SILENT_REPLY;
  },
};
