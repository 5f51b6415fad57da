/**
 * The `notify:` command a sending server writes to the recipient's server (server.md §6.2
 * step 6), fields in exactly this order and only when set:
 *
 *   notify:id:<id>:<update|delete>:messageType:<key|text>:notifier:<n>:ttln:<ms>:ttl:<ms>:ttb:<ms>
 *     :ttr:<s>:ccd:<bool>:isEncrypted:<bool>:sharedKeyEnc:…:pubKeyCS:…:encKeyName:…:encAlgo:…
 *     :ivNonce:…:skeEncKeyName:…:skeEncAlgo:…:<key text>[:<value>]
 *
 * `isEncrypted` is always written when there is metadata (a receiver takes a missing one as
 * true); priority, strategy, latestN, dataSignature, encoding and isBinary stay with the sender.
 * `ttln` is the lifetime LEFT, so the copy on the recipient's server expires when ours does.
 */
import { METADATA_STRING_FIELDS, type NotificationMetadata, type StoredNotification } from './stored-notification.js';

const FORWARDED_STRING_FIELDS = METADATA_STRING_FIELDS.filter((field) => field !== 'dataSignature');

// What the notify grammar lets through in a metadata value; anything else would shift the
// fields after it on the recipient's side.
const OPTION_VALUE = /^[^:@\s]+$/;

export class UnsendableNotificationError extends Error {}

function metadataText(metadata: NotificationMetadata): string {
  let text = '';
  if (metadata.ttl !== undefined) text += `:ttl:${metadata.ttl}`;
  if (metadata.ttb !== undefined) text += `:ttb:${metadata.ttb}`;
  if (metadata.ttr !== undefined) text += `:ttr:${metadata.ttr}:ccd:${metadata.ccd === true}`;
  text += `:isEncrypted:${metadata.isEncrypted === true}`;
  for (const field of FORWARDED_STRING_FIELDS) {
    const value = metadata[field];
    if (value !== undefined && OPTION_VALUE.test(value)) text += `:${field}:${value}`;
  }
  return text;
}

/** The command line (without `\n`); throws UnsendableNotificationError for a line break inside. */
export function notifyCommandText(notification: StoredNotification, now: number): string {
  const ttln = Math.max(1, notification.expiresAt - now);
  let text = `notify:id:${notification.id}:${notification.opType}:messageType:${notification.messageType}:notifier:${notification.notifier}:ttln:${ttln}`;
  if (notification.atMetadata !== undefined) text += metadataText(notification.atMetadata);
  text += `:${notification.notification}`;
  if (notification.atValue !== undefined) text += `:${notification.atValue}`;
  if (/[\r\n]/.test(text)) throw new UnsendableNotificationError(`notification ${notification.id} contains a line break and cannot be forwarded`);
  return text;
}
