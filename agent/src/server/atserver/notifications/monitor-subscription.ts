/**
 * One monitor connection's subscription (server.md §6.4): which notifications it wants, and
 * the lines waiting for it while its client is slow.
 *
 * Lines go straight to the socket while the client keeps up. Once the socket holds
 * HIGH_WATER_BYTES the subscription keeps further lines itself, in order, and hands them
 * over as the socket drains, so one slow client never blocks the fan-out to the others.
 * Replayed notifications (`monitor:<epochMillis>`) wait as references to stored records and
 * are formatted only when their turn comes; they do not count against the backlog limit,
 * which is for live lines a client is not reading: past it the subscription gives up and the
 * registry drops the connection (the client resumes from its last epochMillis).
 *
 * Per idle connection this is one small object: no buffers until a client falls behind.
 */
import type { ConnectionHandle } from '../connection-handle.js';
import { monitorLine } from './notification-views.js';
import { isExpired, matchesRegex, type StoredNotification } from './stored-notification.js';

/** Output the socket may hold before lines wait in the subscription instead. */
const HIGH_WATER_BYTES = 64 * 1024;

export interface MonitorFilter {
  readonly regex: RegExp;
  /** Also `self` notifications (APKAM enrollment requests). */
  readonly selfNotifications: boolean;
  /** Keys this connection may see (APKAM namespaces); absent = every key. */
  readonly readable?: (key: string) => boolean;
}

export interface SubscriptionContext {
  readonly now: () => number;
  /** Live bytes a subscription may have waiting before it overflows. */
  readonly backlogLimitBytes: number;
  readonly onOverflow: (subscription: MonitorSubscription) => void;
}

type Waiting = string | StoredNotification;

export class MonitorSubscription {
  readonly connection: ConnectionHandle;
  readonly #filter: MonitorFilter;
  readonly #context: SubscriptionContext;
  #waiting: Waiting[] | undefined;
  #head = 0;
  #liveBytes = 0;
  #cancelled = false;

  constructor(connection: ConnectionHandle, filter: MonitorFilter, context: SubscriptionContext) {
    this.connection = connection;
    this.#filter = filter;
    this.#context = context;
  }

  /** Whether this monitor shows a stored notification (type, namespaces, then regex on key or sender). */
  wants(notification: StoredNotification): boolean {
    if (notification.type === 'self' ? !this.#filter.selfNotifications : notification.type !== 'received') return false;
    if (this.#filter.readable !== undefined && !this.#filter.readable(notification.notification)) return false;
    return matchesRegex(notification, this.#filter.regex);
  }

  /** Queues stored notifications to replay, ahead of anything live that follows. */
  replay(notifications: readonly StoredNotification[]): void {
    if (notifications.length === 0) return;
    (this.#waiting ??= []).push(...notifications);
    this.flush();
  }

  /** Sends a formatted live line (a notification or a stats notification). */
  send(line: string): void {
    if (this.#cancelled) return;
    if (this.#waiting === undefined && this.connection.pendingOutputBytes < HIGH_WATER_BYTES) {
      this.connection.push(line);
      return;
    }
    (this.#waiting ??= []).push(line);
    this.#liveBytes += line.length;
    if (this.#liveBytes > this.#context.backlogLimitBytes) {
      this.cancel();
      this.#context.onOverflow(this);
    }
  }

  /** Hands waiting lines to the socket while it has room (called again when it drains). */
  flush(): void {
    const waiting = this.#waiting;
    if (waiting === undefined || this.#cancelled) return;
    while (this.#head < waiting.length && this.connection.pendingOutputBytes < HIGH_WATER_BYTES) {
      const item = waiting[this.#head] as Waiting;
      this.#head++;
      if (typeof item === 'string') {
        this.#liveBytes -= item.length;
        if (!this.connection.push(item)) return;
      } else if (!isExpired(item, this.#context.now())) {
        if (!this.connection.push(monitorLine(item, 'replay'))) return;
      }
    }
    if (this.#head === waiting.length) {
      this.#waiting = undefined;
      this.#head = 0;
      this.#liveBytes = 0;
    } else if (this.#head > 1024 && this.#head * 2 > waiting.length) {
      this.#waiting = waiting.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Stops delivery (the connection closed, monitor was issued again, or the client fell behind). */
  cancel(): void {
    this.#cancelled = true;
    this.#waiting = undefined;
    this.#head = 0;
    this.#liveBytes = 0;
  }
}
