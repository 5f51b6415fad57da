/**
 * `notify:remove:<id>` (protocol.md §7.19): deletes a stored notification (a queued one is
 * not sent any more); `data:success` for unknown ids too. `notify:remove:` without an id does
 * not fit the grammar and is AT0003, as in the reference; an empty id that got this far is AT0022.
 */
import { illegalArgument } from '../errors.js';
import { NOTIFICATIONS } from '../notifications/notification-module.js';
import { SUCCESS_REPLY, type VerbHandler } from '../verb-handler.js';

export const notifyRemoveVerb: VerbHandler<'notify:remove'> = {
  verb: 'notify:remove',
  ownerOnly: true,
  handle(command, { server, session }) {
    if (command.id.trim() === '') throw illegalArgument('notify:remove needs a notification id');
    const notifications = server.module(NOTIFICATIONS);
    const stored = notifications.records.get(command.id);
    if (stored !== undefined) {
      server.apkam.requireAccess(session, stored.notification, 'rw');
      notifications.remove(stored);
    }
    return SUCCESS_REPLY;
  },
};
