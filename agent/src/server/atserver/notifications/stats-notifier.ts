/**
 * Stats notifications (server.md §6.4, protocol.md §7.21): `id -1`, key
 * `statsNotification.@me`, value = the latest commit id, to every monitor regardless of its
 * regex. Clients use it to start a sync. Sent on a timer and after each committed change made
 * by a client verb or by a received notification (cache writes); the changes of one event
 * loop turn (a `batch`, a burst of notifications) share one stats notification, which names
 * the latest commit id anyway.
 */
import { formatNotificationLine, statsNotification } from '../../../protocol/index.js';
import type { Clock } from '../clock.js';
import type { KeyChange, KeyEvents } from '../key-events.js';
import type { MonitorRegistry } from './monitor-registry.js';

export interface StatsNotifierOptions {
  readonly atSign: string;
  readonly clock: Clock;
  readonly events: KeyEvents;
  readonly monitors: MonitorRegistry;
  readonly lastCommitId: () => number;
  /** Period of the timer; 0 or less disables the timer (changes still notify). */
  readonly intervalMs: number;
}

export class StatsNotifier {
  readonly #options: StatsNotifierOptions;
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #unsubscribe: () => void;
  #pending: 'update' | 'delete' | undefined;

  constructor(options: StatsNotifierOptions) {
    this.#options = options;
    if (options.intervalMs > 0) {
      this.#timer = setInterval(() => this.#send('update'), options.intervalMs);
      this.#timer.unref();
    }
    this.#unsubscribe = options.events.on((change) => this.#onChange(change));
  }

  close(): void {
    clearInterval(this.#timer);
    this.#unsubscribe();
    this.#pending = undefined;
  }

  /** Writes a stats notification to every monitor now. */
  #send(operation: 'update' | 'delete'): void {
    const { monitors, atSign, clock } = this.#options;
    if (monitors.size === 0) return;
    const notification = { ...statsNotification(atSign, this.#options.lastCommitId(), clock.now()), operation };
    monitors.broadcast(formatNotificationLine(notification));
  }

  #onChange(change: KeyChange): void {
    if (change.commitId < 0 || (change.origin !== 'client' && change.origin !== 'notification')) return;
    if (this.#options.monitors.size === 0) return;
    const first = this.#pending === undefined;
    this.#pending = change.operation === 'delete' ? 'delete' : 'update';
    if (!first) return;
    setImmediate(() => {
      const operation = this.#pending;
      this.#pending = undefined;
      if (operation !== undefined) this.#send(operation);
    });
  }
}
