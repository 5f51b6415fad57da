/**
 * Creation times of notifications: epoch milliseconds that never repeat on one server.
 *
 * A client resumes a dropped monitor with `monitor:<epochMillis of the last one it got>` and
 * the server replays what is strictly newer. With two notifications in the same millisecond
 * the client would lose the second one (or, with `>=`, see the first twice); unique stamps
 * make the resume exact. The price: above 1,000 notifications per second the stamps run
 * ahead of the clock, and catch up as soon as the rate drops.
 */
import type { Clock } from '../clock.js';

export class NotificationStamps {
  readonly #clock: Clock;
  #last: number;

  /** `last`: the newest stamp already handed out (e.g. the newest stored notification). */
  constructor(clock: Clock, last = 0) {
    this.#clock = clock;
    this.#last = last;
  }

  next(): number {
    this.#last = Math.max(this.#clock.now(), this.#last + 1);
    return this.#last;
  }
}
