/**
 * Notifications this server creates for its owner (server.md §6.2 steps 1–2): from an
 * explicit `notify`, from `notify:all`, and from autoNotify. Validation is the reference's
 * (sender = me → else AT0009; `strategy:latest` needs a notifier → AT0003; bad ttl/ttb/ttr →
 * AT0003) and so are the defaults (operation update, priority low, strategy all, notifier
 * `system`, latestN 1, isEncrypted true for non-public keys, ttln 0 = the default lifetime).
 */
import { randomUUID } from 'node:crypto';
import {
  normalizeAtSign,
  type MetadataOptions,
  type NotificationPriority,
  type NotifyAllCommand,
  type NotifyCommand,
  type NotifyMessageType,
  type NotifyOperation,
  type NotifyStrategy,
} from '../../../protocol/index.js';
import { invalidSyntax, unauthorized } from '../errors.js';
import { validateMetadataOptions } from '../keys/metadata-merge.js';
import type { StoredMetadata } from '../keys/stored-record.js';
import { METADATA_STRING_FIELDS, type NotificationMetadata, type StoredNotification } from './stored-notification.js';

export const SERVER_NOTIFIER = 'system';

/** Everything a new outgoing notification needs; the rest is filled in by `newNotification`. */
export interface OutgoingNotification {
  readonly id?: string;
  readonly from: string;
  readonly to: string;
  readonly key: string;
  readonly opType?: NotifyOperation;
  readonly messageType?: NotifyMessageType;
  readonly priority?: NotificationPriority;
  readonly strategy?: NotifyStrategy;
  readonly notifier?: string;
  readonly depth?: number;
  readonly value?: string;
  readonly metadata?: NotificationMetadata;
  readonly ttl: number;
}

/**
 * The stored form: `sent` and `queued`, or, for a notification to this server's own atSign,
 * `received` and `delivered` at once (server.md §6.2 step 3).
 */
export function newNotification(input: OutgoingNotification, me: string, createdAt: number): StoredNotification {
  const toMe = input.to === me;
  return {
    id: input.id ?? randomUUID(),
    fromAtSign: input.from,
    toAtSign: input.to,
    notification: input.key,
    type: toMe ? 'received' : 'sent',
    opType: input.opType ?? 'update',
    messageType: input.messageType ?? 'key',
    priority: input.priority ?? 'low',
    status: toMe ? 'delivered' : 'queued',
    retryCount: 1,
    strategy: input.strategy ?? 'all',
    notifier: input.notifier ?? SERVER_NOTIFIER,
    depth: input.depth ?? 1,
    ...(input.value === undefined ? {} : { atValue: input.value }),
    ...(input.metadata === undefined ? {} : { atMetadata: input.metadata }),
    ttl: input.ttl,
    notificationDateTime: createdAt,
    expiresAt: createdAt + input.ttl,
  };
}

/** The notification metadata of command options; `isEncrypted` falls back to `defaultEncrypted`. */
export function metadataFromOptions(options: MetadataOptions | StoredMetadata, defaultEncrypted: boolean): NotificationMetadata {
  const metadata: Record<string, unknown> = {};
  if (options.ttl !== undefined) metadata['ttl'] = options.ttl;
  if (options.ttb !== undefined) metadata['ttb'] = options.ttb;
  if (options.ttr !== undefined && options.ttr !== 0) {
    metadata['ttr'] = options.ttr;
    metadata['ccd'] = options.ccd ?? false;
  }
  metadata['isEncrypted'] = options.isEncrypted ?? defaultEncrypted;
  for (const field of METADATA_STRING_FIELDS) {
    const value = options[field];
    if (value !== undefined) metadata[field] = value;
  }
  return metadata as NotificationMetadata;
}

/** `ttln` as given, or the default lifetime when absent or 0 (as the reference reads 0). */
export function notificationLifetime(ttln: number | undefined, defaultTtlMs: number): number {
  return ttln === undefined || ttln === 0 ? defaultTtlMs : ttln;
}

/** The sender a command names (its key's owner, or me when it names none), checked to be me. */
function checkSender(sharedBy: string | undefined, me: string): void {
  if (sharedBy === undefined) return;
  let sender: string;
  try {
    sender = normalizeAtSign(sharedBy);
  } catch {
    throw unauthorized(`${sharedBy} is not authorized to send notification as ${me}`);
  }
  if (sender !== me) throw unauthorized(`${sender} is not authorized to send notification as ${me}`);
}

/** An explicit owner `notify` (protocol.md §7.15), validated. */
export function outgoingFromNotify(command: NotifyCommand, me: string, defaultTtlMs: number): OutgoingNotification {
  if (command.strategy === 'latest' && command.notifier === undefined) {
    throw invalidSyntax('For Strategy latest, notifier cannot be null');
  }
  checkSender(command.sharedBy, me);
  if (command.sharedWith === undefined) throw invalidSyntax('notify needs a recipient: @<atSign>:<key>');
  const to = normalizeAtSign(command.sharedWith);
  validateMetadataOptions(command.metadata);
  const messageType = command.messageType ?? 'key';
  const isPublicKey = command.key.toLowerCase().startsWith('public:');
  return {
    ...(command.id === undefined ? {} : { id: command.id }),
    from: me,
    to,
    key: command.key,
    ...(command.operation === undefined ? {} : { opType: command.operation }),
    messageType,
    ...(command.priority === undefined ? {} : { priority: command.priority }),
    ...(command.strategy === undefined ? {} : { strategy: command.strategy }),
    ...(command.notifier === undefined ? {} : { notifier: command.notifier }),
    ...(command.latestN === undefined || command.latestN < 1 ? {} : { depth: command.latestN }),
    ...(command.value === undefined ? {} : { value: command.value }),
    metadata: metadataFromOptions(command.metadata, messageType === 'key' && !isPublicKey),
    ttl: notificationLifetime(command.ttln, defaultTtlMs),
  };
}

/**
 * `notify:all` (protocol.md §7.20, legacy): the same key to several recipients, each key name
 * signed with the server's signing key (`dataSignature`, kept here, not forwarded).
 */
export function outgoingFromNotifyAll(command: NotifyAllCommand, me: string, defaultTtlMs: number, sign: (text: string) => string): OutgoingNotification[] {
  checkSender(command.sharedBy, me);
  if (command.recipients.length === 0) throw invalidSyntax('notify:all needs at least one recipient');
  validateMetadataOptions(command);
  const messageType = command.messageType ?? 'key';
  // notify:all has no isEncrypted option: every copy says false. Only the signature differs.
  const shared = metadataFromOptions(command, false);
  return command.recipients.map((recipient) => {
    const to = normalizeAtSign(recipient);
    const key = messageType === 'text' ? `${to}:${command.atKey}` : `${to}:${command.atKey}${me}`;
    return {
      from: me,
      to,
      key,
      ...(command.operation === undefined ? {} : { opType: command.operation }),
      messageType,
      ...(command.value === undefined ? {} : { value: command.value }),
      metadata: { ...shared, dataSignature: sign(key) },
      ttl: defaultTtlMs,
    };
  });
}
