/**
 * A notification as the notification store keeps it (server.md §6.1): the reference's
 * AtNotification with dates as epoch milliseconds, unset fields absent. Records are frozen
 * by the store; a change is a new record (`withChanges`).
 */
import type { NotificationPriority, NotificationStatus, NotifyMessageType, NotifyOperation, NotifyStrategy } from '../../../protocol/index.js';

/** `sent` to another atSign, `received` from one (or from ourselves), `self` (APKAM). */
export type NotificationType = 'sent' | 'received' | 'self';

export type { NotificationStatus };

/** The key metadata a notification carries (the reference's `atMetadata`). */
export interface NotificationMetadata {
  readonly ttl?: number;
  readonly ttb?: number;
  /** Seconds; -1 = cache forever. */
  readonly ttr?: number;
  readonly ccd?: boolean;
  readonly isEncrypted?: boolean;
  readonly dataSignature?: string;
  readonly sharedKeyEnc?: string;
  readonly pubKeyCS?: string;
  readonly encKeyName?: string;
  readonly encAlgo?: string;
  readonly ivNonce?: string;
  readonly skeEncKeyName?: string;
  readonly skeEncAlgo?: string;
  /** Epoch ms, from ttb, for received notifications (replayed to monitors). */
  readonly availableAt?: number;
  /** Epoch ms, from ttl (+ttb), for received notifications (replayed to monitors). */
  readonly expiresAt?: number;
}

/** The string fields of NotificationMetadata, in the order a forwarded `notify` writes them. */
export const METADATA_STRING_FIELDS = ['dataSignature', 'sharedKeyEnc', 'pubKeyCS', 'encKeyName', 'encAlgo', 'ivNonce', 'skeEncKeyName', 'skeEncAlgo'] as const;

export interface StoredNotification {
  readonly id: string;
  readonly fromAtSign: string;
  readonly toAtSign: string;
  /** The key text: `@bob:phone@alice`, `public:x@alice`, or `@bob:<text>` for text messages. */
  readonly notification: string;
  readonly type: NotificationType;
  readonly opType: NotifyOperation;
  readonly messageType: NotifyMessageType;
  readonly priority: NotificationPriority;
  readonly status: NotificationStatus;
  /** Delivery attempts so far, counted from 1 as in the reference. */
  readonly retryCount: number;
  readonly strategy: NotifyStrategy;
  readonly notifier: string;
  /** latestN: how many of this notifier's notifications strategy `latest` keeps queued. */
  readonly depth: number;
  /** Absent = null (delete notifications, update:meta autoNotify, notify without a value). */
  readonly atValue?: string;
  readonly atMetadata?: NotificationMetadata;
  /** Lifetime in ms (`ttln`). */
  readonly ttl: number;
  /**
   * Epoch ms the notification was created on THIS server: the `epochMillis` monitors get, and
   * what `monitor:<epochMillis>` replays after. Unique per server (see NotificationStamps).
   */
  readonly notificationDateTime: number;
  /** notificationDateTime + ttl. */
  readonly expiresAt: number;
}

export function isExpired(notification: Pick<StoredNotification, 'expiresAt'>, now: number): boolean {
  return notification.expiresAt < now;
}

/** The status `notify:status` reports: a stored one, or `expired` once the lifetime is over. */
export function reportedStatus(notification: StoredNotification, now: number): NotificationStatus {
  return isExpired(notification, now) ? 'expired' : notification.status;
}

/** Whether a pol-authenticated `atSign` may see a notification: one this server sent to it. */
export function isSentTo(notification: StoredNotification, atSign: string): boolean {
  return notification.type === 'sent' && notification.toAtSign === atSign;
}

const LOWER_PRIORITY: Readonly<Record<NotificationPriority, NotificationPriority>> = { high: 'medium', medium: 'low', low: 'low' };

/** One step down, as the reference lowers a notification's priority after a failed attempt. */
export function lowerPriority(priority: NotificationPriority): NotificationPriority {
  return LOWER_PRIORITY[priority];
}

/** The sender atSign without `@`: monitor and notify:list regexes are tried against it too. */
function senderName(notification: Pick<StoredNotification, 'fromAtSign'>): string {
  return notification.fromAtSign.replaceAll('@', '');
}

/** Whether a client regex selects a notification: found in its key, or in the sender's name. */
export function matchesRegex(notification: StoredNotification, regex: RegExp): boolean {
  return regex.test(notification.notification) || regex.test(senderName(notification));
}
