/**
 * One atServer's notification stack, as the verbs see it (server.md §6): it owns the typed
 * store, the send queue and its sender, the monitor registry, the stats notifier, autoNotify
 * and the expiry job, and offers the operations behind `notify`, `notify:*` and `monitor`.
 *
 * On start it re-queues the sent notifications a previous run had not delivered yet
 * (server.md §2.1 step 4): they survive a restart.
 */
import type { MonitorCommand, NotifyAllCommand, NotifyCommand, NotifyListCommand } from '../../../protocol/index.js';
import type { NotificationStore } from '../../storage/index.js';
import type { ConnectionHandle } from '../connection-handle.js';
import { illegalArgument } from '../errors.js';
import { clientRegex } from '../regex-cache.js';
import type { AtSignServerContext } from '../server-context.js';
import { AutoNotifier } from './auto-notifier.js';
import { incomingNotification } from './incoming-notifications.js';
import { MonitorRegistry } from './monitor-registry.js';
import { applyToCache, cacheKeyFor } from './notification-cache.js';
import { listFilter } from './notification-list-query.js';
import { NotificationRecords } from './notification-records.js';
import { NotificationSender } from './notification-sender.js';
import { resolveNotificationSettings, type NotificationSettings } from './notification-settings.js';
import { NotificationStamps } from './notification-stamps.js';
import { newNotification, outgoingFromNotify, outgoingFromNotifyAll, type OutgoingNotification } from './outgoing-notifications.js';
import { SendQueue } from './send-queue.js';
import { StatsNotifier } from './stats-notifier.js';
import { isExpired, isSentTo, type StoredNotification } from './stored-notification.js';

export class NotificationService {
  readonly atSign: string;
  readonly settings: NotificationSettings;
  readonly records: NotificationRecords;
  readonly queue = new SendQueue();
  readonly sender: NotificationSender;
  readonly monitors: MonitorRegistry;
  readonly #server: AtSignServerContext;
  readonly #stamps: NotificationStamps;
  readonly #stats: StatsNotifier;
  readonly #autoNotifier: AutoNotifier | undefined;
  readonly #compaction: NodeJS.Timeout;
  #closed = false;

  constructor(server: AtSignServerContext) {
    this.#server = server;
    this.atSign = server.atSign;
    const { clock, logger, limits } = server.tuning;
    this.settings = resolveNotificationSettings(server.tuning.notifications);
    this.records = new NotificationRecords(server.storage.notifications as unknown as NotificationStore<StoredNotification>);
    this.#stamps = new NotificationStamps(clock, this.records.newestStamp());
    this.monitors = new MonitorRegistry({
      atSign: this.atSign,
      logger,
      now: () => clock.now(),
      backlogLimitBytes: this.settings.monitorBacklogBytes,
    });
    this.sender = new NotificationSender({
      atSign: this.atSign,
      records: this.records,
      queue: this.queue,
      pool: server.outbound,
      settings: this.settings,
      clock,
      logger,
      maxConcurrentRecipients: limits.outboundMaxConnections,
    });
    this.#stats = new StatsNotifier({
      atSign: this.atSign,
      clock,
      events: server.events,
      monitors: this.monitors,
      lastCommitId: () => server.keys.lastCommitId,
      intervalMs: this.settings.statsIntervalMs,
    });
    if (this.settings.autoNotify) {
      this.#autoNotifier = new AutoNotifier({
        atSign: this.atSign,
        events: server.events,
        defaultTtlMs: this.settings.defaultTtlMs,
        send: (notification) => {
          if (!this.#closed) this.send(notification);
        },
      });
    }
    this.#compaction = setInterval(() => this.removeExpired(), Math.max(1_000, this.settings.compactionIntervalMs));
    this.#compaction.unref();
    this.#requeueUndelivered();
  }

  /** Owner `notify`: stores and queues (or, to myself, delivers) the notification; its id. */
  notify(command: NotifyCommand): string {
    return this.send(outgoingFromNotify(command, this.atSign, this.settings.defaultTtlMs)).id;
  }

  /** Stores a notification from this server's owner and sends it on its way. */
  send(outgoing: OutgoingNotification): StoredNotification {
    const previous = outgoing.id === undefined ? undefined : this.records.get(outgoing.id);
    if (previous?.type === 'sent') this.queue.remove(previous.toAtSign, previous.id);
    const stored = this.records.put(newNotification(outgoing, this.atSign, this.#stamps.next()));
    if (stored.type === 'received') this.monitors.deliver(stored);
    else this.sender.enqueue(stored);
    return stored;
  }

  /** `notify:all` (legacy): one notification per recipient; `{"@bob":"<id>",…}`. */
  notifyAll(command: NotifyAllCommand): string {
    const sign = (text: string) => this.#server.signingKey.signText(text);
    const ids: Record<string, string> = {};
    for (const outgoing of outgoingFromNotifyAll(command, this.atSign, this.settings.defaultTtlMs, sign)) ids[outgoing.to] = this.send(outgoing).id;
    return JSON.stringify(ids);
  }

  /**
   * A notification from `sender`'s server (pol-authenticated): stored as received, shown to
   * monitors, applied to the cache. A retry of one already received is accepted silently.
   */
  receive(command: NotifyCommand, sender: string): void {
    const existing = command.id === undefined ? undefined : this.records.get(command.id);
    if (existing !== undefined) {
      if (existing.type === 'received' && existing.fromAtSign === sender) return;
      throw illegalArgument(`notification id ${command.id} is already in use`);
    }
    const notification = incomingNotification(command, sender, this.atSign, this.#stamps.next(), this.settings.defaultTtlMs);
    // Refuse a bad cached name before anything is stored: the sender will not retry forever
    // for nothing, and monitors see nothing that did not happen.
    const cacheKey = cacheKeyFor(notification);
    const stored = this.records.put(notification);
    this.monitors.deliver(stored);
    applyToCache(stored, cacheKey, this.#server.keys, this.#server.tuning.clock.now());
  }

  /**
   * A `self` notification (APKAM enrollment requests, server.md §6.7): stored as delivered,
   * shown only to monitors started with `selfNotifications`.
   */
  notifySelf(key: string, value: string | undefined, ttlMs: number): StoredNotification {
    const createdAt = this.#stamps.next();
    const stored = this.records.put({
      ...newNotification({ from: this.atSign, to: this.atSign, key, ...(value === undefined ? {} : { value }), ttl: ttlMs }, this.atSign, createdAt),
      type: 'self',
    });
    this.monitors.deliver(stored);
    return stored;
  }

  /** `notify:list` for the owner (received) or a pol-authenticated @bob (what we sent to @bob). */
  list(
    command: NotifyListCommand,
    viewer: { readonly kind: 'owner' } | { readonly kind: 'pol'; readonly atSign: string },
    readable: (notification: StoredNotification) => boolean = () => true,
  ): StoredNotification[] {
    const now = this.#server.tuning.clock.now();
    const filter = listFilter(command, now);
    const wanted =
      viewer.kind === 'owner'
        ? (notification: StoredNotification) => notification.type === 'received'
        : (notification: StoredNotification) => isSentTo(notification, viewer.atSign);
    return this.records.list((notification) => wanted(notification) && !isExpired(notification, now) && filter(notification) && readable(notification));
  }

  /** `notify:remove`: forgets a stored notification (and stops sending it). */
  remove(notification: StoredNotification): void {
    if (notification.type === 'sent') this.queue.remove(notification.toAtSign, notification.id);
    this.records.delete(notification.id);
  }

  /**
   * `monitor`: registers the connection, after replaying the stored notifications newer than
   * `epochMillis` when it was given. Invalid regex → AT0003. `readable` narrows it to the keys
   * an APKAM device may read.
   */
  monitor(connection: ConnectionHandle, command: MonitorCommand, readable?: (key: string) => boolean): void {
    const regex = clientRegex(command.regex ?? '.*');
    connection.session.isMonitor = true;
    const since = command.epochMillis;
    const filter = { regex, selfNotifications: command.selfNotifications, ...(readable === undefined ? {} : { readable }) };
    this.monitors.subscribe(connection, filter, (subscription) => {
      if (since === undefined) return [];
      const now = this.#server.tuning.clock.now();
      return this.records.list((notification) => notification.notificationDateTime > since && !isExpired(notification, now) && subscription.wants(notification));
    });
  }

  /** Removes expired notifications from the store now (the job also runs on its own). */
  removeExpired(): number {
    if (this.#closed) return 0;
    try {
      return this.records.removeExpired(this.#server.tuning.clock.now());
    } catch (error) {
      this.#server.tuning.logger.warn(`${this.atSign}: removing expired notifications failed: ${(error as Error).message}`);
      return 0;
    }
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#compaction);
    this.#autoNotifier?.close();
    this.#stats.close();
    this.sender.close();
    this.monitors.close();
  }

  #requeueUndelivered(): void {
    const now = this.#server.tuning.clock.now();
    const undelivered = this.records.list(
      (notification) =>
        notification.type === 'sent' &&
        (notification.status === 'queued' || (notification.status === 'errored' && notification.retryCount < this.settings.maxRetries)) &&
        !isExpired(notification, now),
    );
    for (const notification of undelivered) this.sender.enqueue(notification);
  }
}

