/**
 * A `notify` from another atSign's server, on a pol-authenticated connection (server.md
 * §6.3 step 1), turned into the `received` notification to store.
 *
 * The sender is the pol-authenticated atSign. Unlike the reference we also check the key
 * against it: a key notification must be owned by the sender (`…@sender`) and be for this
 * atSign (`@me:…`), else AT0009 — otherwise any server could plant, say,
 * `cached:@me:shared_key@alice` here by claiming to speak for @alice.
 */
import { isValidAtSign, normalizeAtSign, type NotifyCommand } from '../../../protocol/index.js';
import { unauthorized } from '../errors.js';
import { validateMetadataOptions } from '../keys/metadata-merge.js';
import { metadataFromOptions, newNotification, notificationLifetime } from './outgoing-notifications.js';
import type { NotificationMetadata, StoredNotification } from './stored-notification.js';

function sameAtSign(given: string | undefined, expected: string): boolean {
  return given !== undefined && isValidAtSign(given) && normalizeAtSign(given) === expected;
}

// Received key metadata as the reference keeps it: dates derived from ttb/ttl on arrival.
function receivedMetadata(command: NotifyCommand, now: number): NotificationMetadata {
  if (command.messageType === 'text') return { isEncrypted: command.metadata.isEncrypted ?? false };
  const metadata = metadataFromOptions(command.metadata, !command.key.toLowerCase().startsWith('public:'));
  const { ttl, ttb } = metadata;
  return {
    ...metadata,
    ...(ttb !== undefined && ttb > 0 ? { availableAt: now + ttb } : {}),
    ...(ttl !== undefined && ttl > 0 ? { expiresAt: now + ttl + (ttb ?? 0) } : {}),
  };
}

/** Checks a remote server's notify and builds what to store; AT0009 / AT0003 when refused. */
export function incomingNotification(command: NotifyCommand, sender: string, me: string, createdAt: number, defaultTtlMs: number): StoredNotification {
  if (!sameAtSign(command.sharedWith, me)) {
    throw unauthorized(`notification for ${command.sharedWith ?? 'nobody'} sent to ${me}`);
  }
  if (command.messageType !== 'text' && !sameAtSign(command.sharedBy, sender)) {
    throw unauthorized(`${sender} may not notify about ${command.key}: the key is not theirs`);
  }
  validateMetadataOptions(command.metadata);
  // Addressed to me: stored `received` and `delivered`, unset fields given the same defaults
  // as in a notification this server creates.
  return newNotification(
    {
      id: command.id,
      from: sender,
      to: me,
      key: command.key,
      opType: command.operation,
      messageType: command.messageType,
      priority: command.priority,
      strategy: command.strategy,
      notifier: command.notifier,
      depth: command.latestN,
      value: command.value,
      metadata: receivedMetadata(command, createdAt),
      ttl: notificationLifetime(command.ttln, defaultTtlMs),
    },
    me,
    createdAt,
  );
}
