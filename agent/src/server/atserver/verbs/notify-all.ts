/**
 * `notify:all:…:@bob,@colin:<key>[@me][:<value>]` (protocol.md §7.20, legacy): one
 * notification per recipient, the key name signed with the server's signing key;
 * `data: {"@bob":"<id>",…}` (with the space). Owner only, although the reference forgot to check.
 */
import { NOTIFICATIONS } from '../notifications/notification-module.js';
import type { VerbHandler } from '../verb-handler.js';

export const notifyAllVerb: VerbHandler<'notify:all'> = {
  verb: 'notify:all',
  ownerOnly: true,
  handle(command, { server, session }) {
    for (const recipient of command.recipients) server.apkam.requireAccess(session, `${recipient}:${command.atKey}${server.atSign}`, 'rw');
    return { kind: 'data', payload: server.module(NOTIFICATIONS).notifyAll(command), spaced: true };
  },
};
