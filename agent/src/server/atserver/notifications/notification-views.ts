/**
 * How stored notifications are shown to clients: the monitor/notify:list JSON (protocol.md
 * §7.21, formatted by the protocol layer) and the all-strings JSON of `notify:fetch`
 * (protocol.md §7.18), with Dart enum names and a Dart map rendering of the metadata.
 */
import { formatAtDate, formatNotificationLine, notificationToJson, type AtNotification, type Metadata, type NotificationMetadataShape } from '../../../protocol/index.js';
import type { NotificationMetadata, NotificationStatus, StoredNotification } from './stored-notification.js';

function protocolMetadata(notification: StoredNotification): Metadata {
  const stored = notification.atMetadata ?? {};
  const { availableAt, expiresAt, ...rest } = stored;
  return {
    ...rest,
    ...(availableAt === undefined ? {} : { availableAt: new Date(availableAt) }),
    // Replays show when the notification itself expires unless the key has its own expiry.
    expiresAt: new Date(expiresAt ?? notification.expiresAt),
  };
}

/** The protocol model of a stored notification (what monitors and notify:list show). */
function toAtNotification(notification: StoredNotification): AtNotification {
  return {
    id: notification.id,
    from: notification.fromAtSign,
    to: notification.toAtSign,
    key: notification.notification,
    value: notification.atValue ?? null,
    operation: notification.opType,
    epochMillis: notification.notificationDateTime,
    messageType: notification.messageType,
    isEncrypted: notification.atMetadata?.isEncrypted ?? false,
    metadata: protocolMetadata(notification),
  };
}

/** `notification: <json>\n` for a monitor: `live` for new ones, `replay` for `monitor:<epoch>`. */
export function monitorLine(notification: StoredNotification, shape: NotificationMetadataShape): string {
  return formatNotificationLine(toAtNotification(notification), { metadataShape: shape });
}

/** The `notify:list` answer: a JSON array of notifications in the replay shape. */
export function notificationListJson(notifications: readonly StoredNotification[]): string {
  return `[${notifications.map((notification) => notificationToJson(toAtNotification(notification), { metadataShape: 'replay' })).join(',')}]`;
}

const METADATA_ORDER: readonly (keyof NotificationMetadata)[] = [
  'expiresAt',
  'availableAt',
  'ttb',
  'ttl',
  'ttr',
  'ccd',
  'isEncrypted',
  'dataSignature',
  'sharedKeyEnc',
  'pubKeyCS',
  'encKeyName',
  'encAlgo',
  'ivNonce',
  'skeEncKeyName',
  'skeEncAlgo',
];

// Dart's Map.toString(): `{isEncrypted: true, ttr: 10}`; the reference drops null fields first.
function dartMapText(metadata: NotificationMetadata): string {
  const parts: string[] = [];
  for (const field of METADATA_ORDER) {
    const value = metadata[field];
    if (value === undefined) continue;
    const shown = field === 'expiresAt' || field === 'availableAt' ? formatAtDate(new Date(value as number)) : String(value);
    parts.push(`${field === 'ccd' ? 'isCascade' : field}: ${shown}`);
  }
  return `{${parts.join(', ')}}`;
}

/** `notify:fetch` JSON: every value a string, enums as Dart prints them. */
export function fetchJson(notification: StoredNotification, status: NotificationStatus = notification.status): string {
  return JSON.stringify({
    id: notification.id,
    fromAtSign: notification.fromAtSign,
    notificationDateTime: formatAtDate(new Date(notification.notificationDateTime)),
    toAtSign: notification.toAtSign,
    notification: notification.notification,
    type: `NotificationType.${notification.type}`,
    opType: `OperationType.${notification.opType}`,
    messageType: `MessageType.${notification.messageType}`,
    priority: `NotificationPriority.${notification.priority}`,
    notificationStatus: `NotificationStatus.${status}`,
    retryCount: String(notification.retryCount),
    strategy: notification.strategy,
    depth: String(notification.depth),
    notifier: notification.notifier,
    expiresAt: formatAtDate(new Date(notification.expiresAt)),
    atValue: notification.atValue ?? 'null',
    atMetadata: notification.atMetadata === undefined ? 'null' : dartMapText(notification.atMetadata),
    ttl: String(notification.ttl),
  });
}

/** What `notify:fetch` answers for an id it does not know. */
export function unknownFetchJson(id: string): string {
  return JSON.stringify({ id, notificationStatus: 'NotificationStatus.expired' });
}
