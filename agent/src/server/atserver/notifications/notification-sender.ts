/**
 * Delivers queued notifications to their recipients' servers (server.md §6.2 steps 5–7).
 *
 * The processor runs when nudged (right after something is queued), when a retry or a
 * quarantine falls due, and on the periodic queue job. It serves the most deserving ready
 * recipients (send-queue.ts), at most as many at once as the outbound pool allows; each
 * recipient gets one worker that sends its notifications oldest first, one command at a time
 * (the reference server does not take pipelined commands), over the pooled pol-authenticated
 * connection, and keeps going while more arrive.
 *
 * Outcomes: `data:success` → delivered. Any other answer or a timeout (AT0023) → errored,
 * retried later with a lower priority, until `maxRetries` attempts. A recipient whose server
 * cannot be reached (unknown atSign, refused, handshake failure) is quarantined for
 * `quarantineMs` and everything it had waiting counts one failed attempt.
 */
import { AtProtocolError } from '../../../protocol/index.js';
import type { Clock } from '../clock.js';
import type { OutboundConnection } from '../outbound/outbound-connection.js';
import type { OutboundLease, OutboundPool } from '../outbound/outbound-pool.js';
import type { AtServerLogger } from '../server-options.js';
import type { NotificationRecords } from './notification-records.js';
import type { NotificationSettings } from './notification-settings.js';
import { notifyCommandText, UnsendableNotificationError } from './notify-command-text.js';
import type { QueuedNotification, SendQueue } from './send-queue.js';
import { isExpired, lowerPriority, type StoredNotification } from './stored-notification.js';

export interface NotificationSenderOptions {
  readonly atSign: string;
  readonly records: NotificationRecords;
  readonly queue: SendQueue;
  readonly pool: OutboundPool;
  readonly settings: NotificationSettings;
  readonly clock: Clock;
  readonly logger: AtServerLogger;
  /** Recipients served at once (the outbound connection limit). */
  readonly maxConcurrentRecipients: number;
}

/** The first attempt is not a retry: send as soon as the processor gets to it. */
function queueEntry(notification: StoredNotification, now: number, readyAt = now): QueuedNotification {
  return {
    id: notification.id,
    createdAt: notification.notificationDateTime,
    priority: notification.priority,
    strategy: notification.strategy,
    notifier: notification.notifier,
    depth: notification.depth,
    enqueuedAt: now,
    readyAt,
  };
}

export class NotificationSender {
  readonly #options: NotificationSenderOptions;
  readonly #job: NodeJS.Timeout;
  #active = 0;
  #nudged = false;
  #wakeTimer: NodeJS.Timeout | undefined;
  #wakeAt = Infinity;
  #closed = false;

  constructor(options: NotificationSenderOptions) {
    this.#options = options;
    this.#job = setInterval(() => this.#process(), Math.max(10, options.settings.queueJobIntervalMs));
    this.#job.unref();
  }

  /** Queues a stored `sent` notification and nudges the processor. */
  enqueue(notification: StoredNotification): void {
    this.#add(notification.toAtSign, queueEntry(notification, this.#options.clock.now()));
    this.nudge();
  }

  /** Runs the processor soon (once, however many times it is nudged in one turn). */
  nudge(): void {
    if (this.#nudged || this.#closed) return;
    this.#nudged = true;
    setImmediate(() => {
      this.#nudged = false;
      this.#process();
    });
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#job);
    clearTimeout(this.#wakeTimer);
  }

  #process(): void {
    if (this.#closed) return;
    const { queue, maxConcurrentRecipients } = this.#options;
    const now = this.#options.clock.now();
    // Scoring walks every waiting notification: not worth it while no worker slot is free
    // (nudges keep coming as notifications are queued; a finishing worker nudges again).
    const ready = this.#active < maxConcurrentRecipients ? queue.readyRecipients(now) : [];
    for (const recipient of ready) {
      if (this.#active >= maxConcurrentRecipients) break;
      this.#active++;
      queue.setBusy(recipient, true);
      void this.#serve(recipient).finally(() => {
        this.#active--;
        queue.setBusy(recipient, false);
        this.nudge();
      });
    }
    this.#scheduleWake();
  }

  /**
   * Wakes the processor when the next retry or quarantine falls due. Anything ready already
   * waits for a recipient slot, and a worker that finishes nudges the processor: no timer
   * for those, or a full pool would spin.
   */
  #scheduleWake(): void {
    const now = this.#options.clock.now();
    const next = this.#options.queue.nextReadyAt(now);
    if (next === undefined || next >= this.#wakeAt) return;
    clearTimeout(this.#wakeTimer);
    this.#wakeAt = next;
    const delay = next - now;
    this.#wakeTimer = setTimeout(() => {
      this.#wakeAt = Infinity;
      this.#process();
    }, delay);
    this.#wakeTimer.unref();
  }

  async #serve(recipient: string): Promise<void> {
    try {
      for (;;) {
        if (this.#closed) return;
        const batch = this.#options.queue.takeReady(recipient, this.#options.clock.now());
        if (batch.length === 0) return;
        await this.#sendBatch(recipient, batch);
      }
    } catch (error) {
      if (!this.#closed) this.#options.logger.warn(`${this.#options.atSign}: notifying ${recipient} failed: ${(error as Error).message}`);
    }
  }

  async #sendBatch(recipient: string, batch: readonly QueuedNotification[]): Promise<void> {
    const { pool, queue, settings, clock } = this.#options;
    let lease: OutboundLease;
    try {
      lease = await pool.lease(recipient, 'authenticated');
    } catch (error) {
      if (this.#closed) return;
      const now = clock.now();
      if (error instanceof AtProtocolError && error.code === 'AT0006') {
        // Our own connection limit, not the recipient's fault: try again later, no attempt spent.
        for (const entry of batch) this.#add(recipient, { ...entry, readyAt: now + settings.queueJobIntervalMs });
        return;
      }
      const until = now + settings.quarantineMs;
      this.#options.logger.info(`${this.#options.atSign}: cannot reach ${recipient} (${(error as Error).message}); quarantined for ${settings.quarantineMs} ms`);
      queue.quarantine(recipient, until);
      for (const entry of batch) this.#failed(recipient, entry, until);
      return;
    }
    // The whole batch on one lease: busy, so not closed to make room for another recipient.
    try {
      for (let index = 0; index < batch.length; index++) {
        const entry = batch[index] as QueuedNotification;
        if (this.#closed) return;
        const outcome = await this.#sendOne(recipient, lease.connection, entry);
        if (outcome === 'connection-lost') {
          lease.discard();
          // Not attempted: back in the queue as they were.
          for (const rest of batch.slice(index + 1)) this.#add(recipient, rest);
          return;
        }
      }
    } finally {
      lease.release(); // no-op after discard
    }
  }

  async #sendOne(recipient: string, connection: OutboundConnection, entry: QueuedNotification): Promise<'done' | 'connection-lost'> {
    const { records, settings, clock } = this.#options;
    const notification = records.get(entry.id);
    // Removed by the owner, or superseded while waiting: nothing to send.
    if (notification === undefined || notification.status === 'delivered' || notification.status === 'expired') return 'done';
    // The owner reused the id for another recipient: that one has its own queue entry.
    if (notification.toAtSign !== recipient) return 'done';
    const now = clock.now();
    if (isExpired(notification, now)) {
      records.update(entry.id, { status: 'expired' });
      return 'done';
    }
    let command: string;
    try {
      command = notifyCommandText(notification, now);
    } catch (error) {
      if (!(error instanceof UnsendableNotificationError)) throw error;
      this.#options.logger.warn(`${this.#options.atSign}: ${error.message}`);
      records.update(entry.id, { status: 'errored', retryCount: settings.maxRetries });
      return 'done';
    }
    try {
      const response = await connection.request(command, settings.sendTimeoutMs);
      if (this.#closed) return 'done';
      if (response.kind === 'data' && response.payload === 'success') {
        records.update(entry.id, { status: 'delivered' });
      } else {
        const answer = response.kind === 'error' ? `${response.error.code} ${response.error.detail}` : response.kind;
        this.#options.logger.info(`${this.#options.atSign}: ${recipient} refused notification ${entry.id}: ${answer}`);
        this.#failed(recipient, entry, clock.now() + settings.queueJobIntervalMs);
      }
      return 'done';
    } catch (error) {
      if (this.#closed) return 'connection-lost';
      // A timeout (AT0023) or a dropped socket: the connection is unusable now.
      this.#options.logger.info(`${this.#options.atSign}: sending notification ${entry.id} to ${recipient} failed: ${(error as Error).message}`);
      this.#failed(recipient, entry, clock.now() + settings.queueJobIntervalMs);
      return 'connection-lost';
    }
  }

  /** One failed attempt: errored, and queued again with a lower priority unless it is out of attempts. */
  #failed(recipient: string, entry: QueuedNotification, readyAt: number): void {
    const { records, settings, clock } = this.#options;
    const notification = records.get(entry.id);
    if (notification === undefined) return;
    if (notification.retryCount >= settings.maxRetries) {
      records.update(entry.id, { status: 'errored' });
      this.#options.logger.warn(`${this.#options.atSign}: giving up on notification ${entry.id} to ${recipient} after ${notification.retryCount} attempts`);
      return;
    }
    const priority = lowerPriority(notification.priority);
    const updated = records.update(entry.id, { status: 'errored', retryCount: notification.retryCount + 1, priority });
    if (updated !== undefined) this.#add(recipient, { ...queueEntry(updated, clock.now(), readyAt), enqueuedAt: entry.enqueuedAt });
  }

  #add(recipient: string, entry: QueuedNotification): void {
    // Strategy latest: the ones pushed out will never be sent; they are reported as expired.
    for (const id of this.#options.queue.add(recipient, entry)) this.#options.records.update(id, { status: 'expired' });
  }
}
