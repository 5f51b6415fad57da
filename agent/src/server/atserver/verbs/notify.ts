/**
 * `notify:…` (protocol.md §7.15), decided by who is asking: the owner SENDS a notification
 * (answered at once with its id; delivery is asynchronous), another atSign's server over a
 * pol-authenticated connection DELIVERS one (`data:success`), anyone else gets AT0401.
 */
import { unauthenticated } from '../errors.js';
import { NOTIFICATIONS } from '../notifications/notification-module.js';
import { dataReply, SUCCESS_REPLY, type VerbHandler } from '../verb-handler.js';

export const notifyVerb: VerbHandler<'notify'> = {
  verb: 'notify',
  ownerOnly: false,
  handle(command, { server, session }) {
    const notifications = server.module(NOTIFICATIONS);
    if (session.isOwner) {
      // An APKAM device may notify only about keys in namespaces it may write (server.md §3.2).
      if (command.messageType !== 'text') server.apkam.requireAccess(session, command.key, 'rw');
      return dataReply(notifications.notify(command));
    }
    if (session.polAtSign !== undefined) {
      notifications.receive(command, session.polAtSign);
      return SUCCESS_REPLY;
    }
    throw unauthenticated('Notify command cannot be executed without authentication');
  },
};
