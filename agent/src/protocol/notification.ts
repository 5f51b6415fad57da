/**
 * Notifications as a monitor connection receives them (protocol.md §7.21): one
 * `notification: <json>\n` line each, the JSON keys in a fixed order, `messageType` as the
 * Dart enum name `MessageType.key`. `notify:list` answers use the same JSON shape.
 *
 * Three metadata shapes exist and readers must take all of them: live deliveries carry
 * `sharedKeyEnc` (and nulls for the unset enc* fields), replays (`monitor:<epochMillis>`)
 * carry `availableAt`/`expiresAt` strings instead, and old servers send no metadata.
 */
import { formatAtDate } from './at-date.js';
import { UnexpectedResponseError } from './errors.js';
import { metadataFromJson } from './metadata-json.js';
import type { Metadata } from './metadata.js';

export type NotificationOperation = 'update' | 'delete';
export type NotificationMessageType = 'key' | 'text';

/** What `notify:status` answers for a known notification (`null` for an unknown id). */
export type NotificationStatus = 'queued' | 'delivered' | 'errored' | 'expired';
const NOTIFICATION_STATUSES: ReadonlySet<string> = new Set<NotificationStatus>(['queued', 'delivered', 'errored', 'expired']);

export function isNotificationStatus(text: string): text is NotificationStatus {
  return NOTIFICATION_STATUSES.has(text);
}

export interface AtNotification {
  readonly id: string;
  /** Sender atSign (`@alice`). */
  readonly from: string;
  /** Recipient atSign (`@bob`). */
  readonly to: string;
  /** `@bob:phone.wavi@alice`, `public:x@alice`, or `@bob:<text>` for text messages. */
  readonly key: string;
  readonly value: string | null;
  readonly operation: NotificationOperation;
  readonly epochMillis: number;
  readonly messageType: NotificationMessageType;
  readonly isEncrypted: boolean;
  readonly metadata: Metadata | null;
}

/** The id of the periodic stats notification; its value is the latest commit id. */
export const STATS_NOTIFICATION_ID = '-1';

export const NOTIFICATION_LINE_PREFIX = 'notification:';

/** Stats notifications only tell a client to sync; they are never decrypted. */
export function isStatsNotification(notification: AtNotification): boolean {
  return notification.id === STATS_NOTIFICATION_ID;
}

function bad(detail: string): UnexpectedResponseError {
  return new UnexpectedResponseError(`notification ${detail}`);
}

function requiredText(json: Record<string, unknown>, field: string): string {
  const value = json[field];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && field === 'id') return String(value);
  throw bad(`has no ${field}`);
}

function readOperation(value: unknown): NotificationOperation {
  if (value === undefined || value === null) return 'update';
  const text = typeof value === 'string' ? value.replace(/^OperationType\./, '').toLowerCase() : '';
  if (text === 'update' || text === 'delete') return text;
  throw bad(`has an unknown operation ${JSON.stringify(value)}`);
}

function readMessageType(value: unknown): NotificationMessageType {
  if (value === undefined || value === null) return 'key';
  const text = typeof value === 'string' ? value.replace(/^MessageType\./, '').toLowerCase() : '';
  if (text === 'key' || text === 'text') return text;
  throw bad(`has an unknown messageType ${JSON.stringify(value)}`);
}

function readEpochMillis(value: unknown): number {
  if (value === undefined || value === null) return 0;
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number === 'number' && Number.isSafeInteger(number)) return number;
  throw bad(`has an unusable epochMillis ${JSON.stringify(value)}`);
}

function readIsEncrypted(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw bad(`has an unusable isEncrypted ${JSON.stringify(value)}`);
}

/** Reads a notification from parsed JSON; throws UnexpectedResponseError when unusable. */
export function notificationFromJson(json: unknown): AtNotification {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw bad('is not a JSON object');
  const source = json as Record<string, unknown>;
  const value = source['value'];
  if (value !== undefined && value !== null && typeof value !== 'string') throw bad('value is not text');
  const metadata = source['metadata'];
  return {
    id: requiredText(source, 'id'),
    from: requiredText(source, 'from'),
    to: requiredText(source, 'to'),
    key: requiredText(source, 'key'),
    value: value ?? null,
    operation: readOperation(source['operation']),
    epochMillis: readEpochMillis(source['epochMillis']),
    messageType: readMessageType(source['messageType']),
    isEncrypted: readIsEncrypted(source['isEncrypted']),
    metadata: metadata === undefined || metadata === null ? null : metadataFromJson(metadata),
  };
}

export function parseNotificationJson(text: string): AtNotification {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new UnexpectedResponseError('notification is not valid JSON', { cause });
  }
  return notificationFromJson(json);
}

/** Parses `notification: {…}` (the space after the colon is optional for readers). */
export function parseNotificationLine(line: string): AtNotification {
  const text = line.trim();
  if (!text.startsWith(NOTIFICATION_LINE_PREFIX)) throw bad('line does not start with notification:');
  return parseNotificationJson(text.slice(NOTIFICATION_LINE_PREFIX.length).trim());
}

/** Which metadata object the server writes (see the module comment). */
export type NotificationMetadataShape = 'live' | 'replay';

function metadataForWire(metadata: Metadata, shape: NotificationMetadataShape): Record<string, string | null> {
  const common = {
    encKeyName: metadata.encKeyName ?? null,
    encAlgo: metadata.encAlgo ?? null,
    ivNonce: metadata.ivNonce ?? null,
    skeEncKeyName: metadata.skeEncKeyName ?? null,
    skeEncAlgo: metadata.skeEncAlgo ?? null,
  };
  if (shape === 'live') return { ...common, sharedKeyEnc: metadata.sharedKeyEnc ?? null };
  // Replays write unset dates as the string "null", as the reference does.
  return {
    ...common,
    availableAt: metadata.availableAt === undefined ? 'null' : formatAtDate(metadata.availableAt),
    expiresAt: metadata.expiresAt === undefined ? 'null' : formatAtDate(metadata.expiresAt),
  };
}

export interface NotificationFormatOptions {
  /** Default `live`. */
  readonly metadataShape?: NotificationMetadataShape;
}

/** The notification JSON exactly as the reference server writes it (keys in wire order). */
export function notificationToJson(notification: AtNotification, options: NotificationFormatOptions = {}): string {
  return JSON.stringify({
    id: notification.id,
    from: notification.from,
    to: notification.to,
    key: notification.key,
    value: notification.value,
    operation: notification.operation,
    epochMillis: notification.epochMillis,
    messageType: `MessageType.${notification.messageType}`,
    isEncrypted: notification.isEncrypted,
    metadata: notification.metadata === null ? null : metadataForWire(notification.metadata, options.metadataShape ?? 'live'),
  });
}

/** `notification: <json>\n`: one monitor line, never followed by a prompt. */
export function formatNotificationLine(notification: AtNotification, options: NotificationFormatOptions = {}): string {
  return `${NOTIFICATION_LINE_PREFIX} ${notificationToJson(notification, options)}\n`;
}

/** The stats notification every monitor gets every 15 s and after each change. */
export function statsNotification(atSign: string, lastCommitId: number, epochMillis: number): AtNotification {
  return {
    id: STATS_NOTIFICATION_ID,
    from: atSign,
    to: atSign,
    key: `statsNotification.${atSign}`,
    value: String(lastCommitId),
    operation: 'update',
    epochMillis,
    messageType: 'key',
    isEncrypted: false,
    metadata: null,
  };
}
