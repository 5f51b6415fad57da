/**
 * The monitor connections of one atServer and the fan-out to them (server.md §6.4).
 *
 * A notification is formatted once, however many monitors get it. Subscribing takes the
 * replay list and registers for live notifications in the same synchronous step: stored
 * notifications are created synchronously too, so every notification is either in the
 * replay (stored before) or delivered live (stored after), never both and never neither.
 */
import type { ConnectionHandle, ConnectionObserver } from '../connection-handle.js';
import type { AtServerLogger } from '../server-options.js';
import { MonitorSubscription, type MonitorFilter, type SubscriptionContext } from './monitor-subscription.js';
import { monitorLine } from './notification-views.js';
import type { StoredNotification } from './stored-notification.js';

export interface MonitorRegistryOptions {
  readonly atSign: string;
  readonly logger: AtServerLogger;
  readonly now: () => number;
  readonly backlogLimitBytes: number;
}

export class MonitorRegistry {
  readonly #options: MonitorRegistryOptions;
  readonly #subscriptions = new Map<ConnectionHandle, MonitorSubscription>();
  /** Shared by every subscription: an idle monitor costs as little as possible. */
  readonly #context: SubscriptionContext;
  /** Watches every monitor connection (one object, no per-connection closures). */
  readonly #observer: ConnectionObserver = {
    connectionDrained: (connection) => this.#subscriptions.get(connection)?.flush(),
    connectionClosed: (connection) => {
      this.#subscriptions.get(connection)?.cancel();
      this.#subscriptions.delete(connection);
    },
  };

  constructor(options: MonitorRegistryOptions) {
    this.#options = options;
    this.#context = {
      now: options.now,
      backlogLimitBytes: options.backlogLimitBytes,
      onOverflow: (subscription) => this.#drop(subscription),
    };
  }

  get size(): number {
    return this.#subscriptions.size;
  }

  /**
   * Makes `connection` a monitor (replacing an earlier `monitor` on it) and queues `replay`,
   * the stored notifications it asked for, ahead of every live one.
   */
  subscribe(connection: ConnectionHandle, filter: MonitorFilter, replay: (subscription: MonitorSubscription) => readonly StoredNotification[]): MonitorSubscription {
    const previous = this.#subscriptions.get(connection);
    if (previous === undefined) {
      connection.observe(this.#observer);
    } else {
      previous.cancel();
    }
    const subscription = new MonitorSubscription(connection, filter, this.#context);
    if (connection.closed) return subscription;
    this.#subscriptions.set(connection, subscription);
    subscription.replay(replay(subscription));
    return subscription;
  }

  /** Delivers a stored received (or self) notification to every monitor that wants it. */
  deliver(notification: StoredNotification): void {
    let line: string | undefined;
    for (const subscription of this.#subscriptions.values()) {
      if (subscription.wants(notification)) subscription.send((line ??= monitorLine(notification, 'live')));
    }
  }

  /** Sends one line to every monitor regardless of its filter (stats notifications). */
  broadcast(line: string): void {
    for (const subscription of this.#subscriptions.values()) subscription.send(line);
  }

  /** Drops every subscription (server shutdown); the connections close on their own. */
  close(): void {
    for (const subscription of this.#subscriptions.values()) subscription.cancel();
    this.#subscriptions.clear();
  }

  #drop(subscription: MonitorSubscription): void {
    const connection = subscription.connection;
    if (this.#subscriptions.get(connection) === subscription) this.#subscriptions.delete(connection);
    this.#options.logger.warn(
      `${this.#options.atSign}: dropping monitor connection ${connection.session.sessionId}: its client stopped reading ` +
        `(more than ${this.#options.backlogLimitBytes} bytes of notifications waiting)`,
    );
    connection.close();
  }
}
