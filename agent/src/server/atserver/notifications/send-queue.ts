/**
 * Notifications waiting to be sent, per recipient (server.md §6.2 steps 4–5). Pure
 * bookkeeping, no I/O: the sender asks it which recipient to serve next and takes that
 * recipient's ready notifications, oldest first.
 *
 *  - Strategy `all` keeps every notification; `latest` keeps, per notifier, only the newest
 *    `depth` (latestN) of those still waiting; `add` returns the ids it pushed out.
 *  - Recipients are served by accumulated waiting time weighted by priority (high counts
 *    three times, medium twice), so a long-waiting low-priority recipient is not starved.
 *  - A quarantined recipient (its server could not be reached) is skipped until the
 *    quarantine ends; an errored notification waits until its `readyAt`.
 *  - A recipient being worked on (`busy`) is never handed out twice.
 */
import type { NotificationPriority, NotifyStrategy } from '../../../protocol/index.js';

export interface QueuedNotification {
  readonly id: string;
  /** Creation time: notifications to one recipient go out in this order. */
  readonly createdAt: number;
  readonly priority: NotificationPriority;
  readonly strategy: NotifyStrategy;
  readonly notifier: string;
  /** latestN. */
  readonly depth: number;
  /** When it entered the queue (waiting time starts here). */
  readonly enqueuedAt: number;
  /** Not sent before this time (retries). */
  readonly readyAt: number;
}

const PRIORITY_WEIGHT: Readonly<Record<NotificationPriority, number>> = { high: 3, medium: 2, low: 1 };

class RecipientQueue {
  entries: QueuedNotification[] = [];
  readonly ids = new Set<string>();
  quarantinedUntil = 0;
  busy = false;
}

export class SendQueue {
  readonly #recipients = new Map<string, RecipientQueue>();

  /** Notifications waiting, all recipients together. */
  get size(): number {
    let size = 0;
    for (const queue of this.#recipients.values()) size += queue.entries.length;
    return size;
  }

  /** How many wait for one recipient. */
  waitingFor(atSign: string): number {
    return this.#recipients.get(atSign)?.entries.length ?? 0;
  }

  /**
   * Queues a notification; returns the ids strategy `latest` dropped to keep only the newest
   * latestN of its notifier (possibly the given one, when it is older than those waiting).
   */
  add(to: string, entry: QueuedNotification): string[] {
    const queue = this.#queue(to);
    this.#removeId(queue, entry.id);
    const dropped: string[] = [];
    let keep = true;
    if (entry.strategy === 'latest') {
      const same = queue.entries.filter((other) => other.strategy === 'latest' && other.notifier === entry.notifier);
      same.push(entry);
      same.sort((a, b) => a.createdAt - b.createdAt);
      for (const old of same.slice(0, Math.max(0, same.length - entry.depth))) {
        if (old === entry) keep = false;
        else this.#removeId(queue, old.id);
        dropped.push(old.id);
      }
    }
    if (keep) {
      queue.entries.push(entry);
      queue.ids.add(entry.id);
    }
    return dropped;
  }

  /** Drops a notification from the queue (removed, expired); false when it was not waiting. */
  remove(to: string, id: string): boolean {
    const queue = this.#recipients.get(to);
    return queue !== undefined && this.#removeId(queue, id);
  }

  quarantine(to: string, until: number): void {
    this.#queue(to).quarantinedUntil = until;
  }

  isQuarantined(to: string, now: number): boolean {
    return (this.#recipients.get(to)?.quarantinedUntil ?? 0) > now;
  }

  /** Recipients with notifications ready now, not busy, not quarantined: most deserving first. */
  readyRecipients(now: number): string[] {
    const scored: Array<{ atSign: string; score: number }> = [];
    for (const [atSign, queue] of this.#recipients) {
      if (queue.busy || queue.quarantinedUntil > now) continue;
      if (queue.entries.length === 0) {
        this.#recipients.delete(atSign);
        continue;
      }
      let score = 0;
      for (const entry of queue.entries) {
        if (entry.readyAt <= now) score += (now - entry.enqueuedAt + 1) * PRIORITY_WEIGHT[entry.priority];
      }
      if (score > 0) scored.push({ atSign, score });
    }
    scored.sort((a, b) => b.score - a.score);
    return scored.map((entry) => entry.atSign);
  }

  /** Marks a recipient as being worked on (or not); an idle recipient without work is forgotten. */
  setBusy(to: string, busy: boolean): void {
    const queue = this.#queue(to);
    queue.busy = busy;
    if (!busy) this.#forgetIfIdle(to, queue);
  }

  /** Removes and returns a recipient's ready notifications, oldest first. */
  takeReady(to: string, now: number): QueuedNotification[] {
    const queue = this.#recipients.get(to);
    if (queue === undefined || queue.quarantinedUntil > now) return [];
    const ready: QueuedNotification[] = [];
    const waiting: QueuedNotification[] = [];
    for (const entry of queue.entries) (entry.readyAt <= now ? ready : waiting).push(entry);
    queue.entries = waiting;
    for (const entry of ready) queue.ids.delete(entry.id);
    return ready.sort((a, b) => a.createdAt - b.createdAt);
  }

  /**
   * The earliest time after `now` at which a recipient that is not busy gets something ready
   * (a retry falls due, a quarantine ends); undefined if nothing is waiting for a time.
   */
  nextReadyAt(now: number): number | undefined {
    let next: number | undefined;
    for (const queue of this.#recipients.values()) {
      if (queue.busy) continue;
      const quarantined = queue.quarantinedUntil > now;
      for (const entry of queue.entries) {
        const at = Math.max(entry.readyAt, queue.quarantinedUntil);
        if (at > now && (next === undefined || at < next)) next = at;
        // Nothing in a quarantined queue is ready before the quarantine ends, so one entry due
        // then settles it: the queue of a recipient that stays down is not walked on every nudge.
        if (quarantined && at === queue.quarantinedUntil) break;
      }
    }
    return next;
  }

  #queue(to: string): RecipientQueue {
    let queue = this.#recipients.get(to);
    if (queue === undefined) {
      queue = new RecipientQueue();
      this.#recipients.set(to, queue);
    }
    return queue;
  }

  #removeId(queue: RecipientQueue, id: string): boolean {
    if (!queue.ids.delete(id)) return false;
    const index = queue.entries.findIndex((entry) => entry.id === id);
    if (index === -1) return false;
    queue.entries.splice(index, 1);
    return true;
  }

  // A quarantine outlives an empty queue: it is forgotten by readyRecipients once over.
  #forgetIfIdle(to: string, queue: RecipientQueue): void {
    if (!queue.busy && queue.entries.length === 0 && queue.quarantinedUntil === 0) this.#recipients.delete(to);
  }
}
