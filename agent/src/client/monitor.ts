/**
 * A monitor: a dedicated connection that receives notifications (protocol.md §7.21), kept
 * alive for as long as the application wants it.
 *
 * - Heartbeat: `noop:0` every `heartbeatMs`; no answer in time closes the connection.
 * - Reconnect: immediately once, then with exponential backoff and jitter, re-authenticating.
 * - Resume: the new connection asks for `monitor:<epochMillis>` from just before the last
 *   notification delivered (server clock), so nothing stored meanwhile is missed, and
 *   notification ids already delivered are dropped (two different ids for one change, e.g.
 *   autoNotify plus an explicit notify, are both delivered: they are two notifications).
 * - Delivery is in arrival order, decrypted, as events and through async iterators.
 *   Notifications that arrive before anyone listens (right after start()) are held until
 *   the first listener or iterator, so none is lost in between.
 */
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AtConnection, BackoffOptions } from '../net/index.js';
import { backoffDelay } from '../net/index.js';
import {
  AtServerError,
  isStatsNotification,
  monitorCommand,
  noopCommand,
  parseNotificationLine,
  parseResponse,
  type AtNotification,
} from '../protocol/index.js';
import type { ReceivedNotification } from './notification-decoder.js';
import { RecentIds } from './recent-ids.js';
import { isPermanentFailure } from './session.js';

/**
 * The server refused the monitor command itself: a bad regex or a missing permission will
 * not get better by reconnecting (a paused server, say, would).
 */
function isRefusedMonitor(error: unknown): error is AtServerError {
  return error instanceof AtServerError && (error.code === 'AT0003' || error.code === 'AT0009' || error.code === 'AT0401');
}

export interface MonitorStartOptions {
  /** Only notifications whose key (or sender) matches; default all. */
  readonly regex?: string | undefined;
  /** Replay stored notifications newer than this (server epoch ms) before live ones. */
  readonly fromEpochMillis?: number | undefined;
  /** Also deliver the stats notification (id -1). Default false. */
  readonly includeStats?: boolean | undefined;
  /** Also receive self notifications (APKAM enrollment requests). */
  readonly selfNotifications?: boolean | undefined;
}

export interface MonitorSettings extends MonitorStartOptions {
  readonly heartbeatMs: number;
  /** Default min(heartbeatMs, 10 s). */
  readonly heartbeatTimeoutMs?: number | undefined;
  readonly reconnect: BackoffOptions;
}

export interface MonitorDependencies {
  /** A new authenticated connection to our own atServer. */
  open(): Promise<AtConnection>;
  /** Decrypts a notification (never throws: failures are reported inside). */
  decode(notification: AtNotification): Promise<ReceivedNotification>;
}

/**
 * How far before the last stats notification a resume reaches back when no real
 * notification has been seen: a delivery in flight when the stats line was written.
 */
const STATS_RESUME_MARGIN_MS = 5_000;

/** Notifications kept for a listener that has not come yet; beyond this the oldest are kept. */
const MAX_HELD = 10_000;

export interface MonitorEvents {
  notification: [ReceivedNotification];
  /** A monitor connection is up (first start or after a reconnect). */
  connected: [{ host: string; port: number; resumedFrom: number | undefined }];
  /** The monitor connection ended; a reconnect follows unless stopped. */
  disconnected: [Error | undefined];
  /** A reconnect attempt failed; another follows after `delayMs`. */
  reconnectFailed: [Error, number];
  /** A failure another attempt cannot fix (bad keys, refused monitor): the monitor has stopped. */
  failed: [Error];
  /** EventEmitter's own: a listener is about to be added. */
  newListener: [string | symbol, (...args: never[]) => void];
}

export class Monitor extends EventEmitter<MonitorEvents> implements AsyncIterable<ReceivedNotification> {
  readonly #settings: MonitorSettings;
  readonly #deps: MonitorDependencies;
  readonly #seen = new RecentIds();
  readonly #stop = new AbortController();
  #connection: AtConnection | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #delivery: Promise<void> = Promise.resolve();
  #lastEpochMillis: number | undefined;
  #lastStatsEpochMillis: number | undefined;
  #failure: Error | undefined;
  #running: Promise<void> | undefined;
  #delivered = 0;
  /** A notification (not just `fromEpochMillis`) set #lastEpochMillis. */
  #sawNotification = false;
  /** Decoded notifications waiting for the first listener. */
  #held: ReceivedNotification[] = [];

  constructor(settings: MonitorSettings, deps: MonitorDependencies) {
    super();
    this.#settings = settings;
    this.#deps = deps;
    // A regex no monitor command can carry (empty, a line break) fails here, once, rather
    // than on every connection the monitor would otherwise open and drop again, forever.
    this.#command(undefined);
    this.#lastEpochMillis = settings.fromEpochMillis;
    this.on('newListener', (event: string | symbol) => {
      // The listener is added after this event: hand over what was held once it is.
      if (event === 'notification' && this.#held.length > 0) queueMicrotask(() => this.#releaseHeld());
    });
  }

  #releaseHeld(): void {
    if (this.listenerCount('notification') === 0) return;
    const held = this.#held;
    this.#held = [];
    for (const notification of held) this.emit('notification', notification);
  }

  /** Server epoch of the newest notification delivered (what a resume starts from). */
  get lastEpochMillis(): number | undefined {
    return this.#lastEpochMillis;
  }

  get isConnected(): boolean {
    return this.#connection?.isOpen === true;
  }

  get isStopped(): boolean {
    return this.#stop.signal.aborted;
  }

  /** Notifications delivered so far. */
  get deliveredCount(): number {
    return this.#delivered;
  }

  /**
   * Connects and starts monitoring; resolves once the server has taken the monitor command,
   * so anything notified afterwards is delivered. Rejects on a permanent failure.
   */
  start(): Promise<void> {
    if (this.#running !== undefined) throw new Error('the monitor is already started');
    return new Promise((resolve, reject) => {
      const onConnected = () => {
        this.#stop.signal.removeEventListener('abort', onStopped);
        resolve();
      };
      // A failure aborts the stop signal too (see #fail), with #failure already set.
      const onStopped = () => {
        this.off('connected', onConnected);
        reject(this.#failure ?? new Error('the monitor was stopped before it started'));
      };
      this.once('connected', onConnected);
      this.#stop.signal.addEventListener('abort', onStopped);
      this.#running = this.#run();
    });
  }

  /** Stops for good: closes the connection, ends every iterator. */
  async stop(): Promise<void> {
    if (!this.#stop.signal.aborted) this.#stop.abort();
    this.#stopHeartbeat();
    await this.#connection?.close();
    await this.#running;
    await this.#delivery;
    this.emit('disconnected', undefined);
  }

  /** Drops the current connection as if the network had failed (the monitor reconnects). */
  dropConnection(): void {
    this.#connection?.destroy();
  }

  [Symbol.asyncIterator](): AsyncIterator<ReceivedNotification> {
    const queue: ReceivedNotification[] = [];
    let waiting: { resolve: (result: IteratorResult<ReceivedNotification>) => void; reject: (error: Error) => void } | undefined;
    const onNotification = (notification: ReceivedNotification) => {
      if (waiting === undefined) {
        queue.push(notification);
      } else {
        waiting.resolve({ value: notification, done: false });
        waiting = undefined;
      }
    };
    // Stopped or failed (a failure aborts the stop signal too, with #failure already set).
    const finish = () => {
      cleanup();
      if (waiting === undefined) return;
      if (this.#failure !== undefined) waiting.reject(this.#failure);
      else waiting.resolve({ value: undefined, done: true });
      waiting = undefined;
    };
    const cleanup = () => {
      this.off('notification', onNotification);
      this.#stop.signal.removeEventListener('abort', finish);
    };
    this.on('notification', onNotification);
    this.#stop.signal.addEventListener('abort', finish);
    return {
      next: () => {
        const next = queue.shift();
        if (next !== undefined) return Promise.resolve({ value: next, done: false });
        if (this.#failure !== undefined) return Promise.reject(this.#failure);
        if (this.#stop.signal.aborted) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => (waiting = { resolve, reject }));
      },
      return: () => {
        cleanup();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#stop.signal.aborted) {
      let connection: AtConnection;
      try {
        connection = await this.#deps.open();
      } catch (error) {
        if (this.#stop.signal.aborted) return;
        if (isPermanentFailure(error)) return this.#fail(error as Error);
        const delayMs = backoffDelay(failures++, this.#settings.reconnect);
        this.emit('reconnectFailed', error as Error, delayMs);
        if (!(await this.#wait(delayMs))) return;
        continue;
      }
      if (this.#stop.signal.aborted) {
        await connection.close();
        return;
      }
      const { reason, established } = await this.#monitorOn(connection);
      if (this.#failure !== undefined || this.#stop.signal.aborted) return;
      this.emit('disconnected', reason);
      if (established) {
        failures = 0; // a working connection was lost: try again at once
        continue;
      }
      // Connected but the monitor never started: back off as for a failed connect.
      if (!(await this.#wait(backoffDelay(failures++, this.#settings.reconnect)))) return;
    }
  }

  /** Waits before the next attempt; false when the monitor was stopped meanwhile. */
  async #wait(delayMs: number): Promise<boolean> {
    try {
      await sleep(delayMs, undefined, { signal: this.#stop.signal });
      return true;
    } catch {
      return false;
    }
  }

  /** Runs one monitor connection until it closes; returns why, and whether monitoring started. */
  async #monitorOn(connection: AtConnection): Promise<{ reason: Error | undefined; established: boolean }> {
    this.#connection = connection;
    connection.onNotification((line) => this.#onLine(line));
    connection.onUnsolicited((text) => this.#onUnsolicited(connection, text));
    const resumedFrom = this.#resumePoint();
    try {
      await connection.send(this.#command(resumedFrom));
      // Commands run in order on a connection: once noop is answered, monitor is in place.
      await connection.data(noopCommand(0), { timeoutMs: this.#heartbeatTimeoutMs() });
    } catch (error) {
      // The monitor command's own refusal arrives as the answer to the noop behind it.
      if (isRefusedMonitor(error)) this.#fail(error);
      connection.destroy();
      await connection.closed;
      this.#connection = undefined;
      return { reason: error as Error, established: false };
    }
    this.#startHeartbeat(connection);
    this.emit('connected', { host: connection.host, port: connection.port, resumedFrom });
    const reason = await connection.closed;
    this.#stopHeartbeat();
    this.#connection = undefined;
    return { reason, established: true };
  }

  /** The monitor command, replaying from `epochMillis` when given. */
  #command(epochMillis: number | undefined): string {
    return monitorCommand({
      ...(epochMillis === undefined ? {} : { epochMillis }),
      ...(this.#settings.regex === undefined ? {} : { regex: this.#settings.regex }),
      ...(this.#settings.selfNotifications === true ? { selfNotifications: true } : {}),
    });
  }

  #resumePoint(): number | undefined {
    // Replays are of notifications NEWER than the epoch: one less also brings back any that
    // share the last one's millisecond (their ids sort out the ones already delivered).
    if (this.#lastEpochMillis !== undefined && this.#sawNotification) return Math.max(0, this.#lastEpochMillis - 1);
    if (this.#lastEpochMillis !== undefined) return this.#lastEpochMillis;
    if (this.#lastStatsEpochMillis !== undefined) return Math.max(0, this.#lastStatsEpochMillis - STATS_RESUME_MARGIN_MS);
    return undefined;
  }

  #heartbeatTimeoutMs(): number {
    return this.#settings.heartbeatTimeoutMs ?? Math.min(this.#settings.heartbeatMs, 10_000);
  }

  #startHeartbeat(connection: AtConnection): void {
    this.#stopHeartbeat();
    this.#heartbeat = setInterval(() => {
      // A missing answer times out and closes the connection, which triggers the reconnect.
      connection.data(noopCommand(0), { timeoutMs: this.#heartbeatTimeoutMs() }).catch(() => connection.destroy());
    }, this.#settings.heartbeatMs);
  }

  #stopHeartbeat(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }

  #onLine(line: string): void {
    let notification: AtNotification;
    try {
      notification = parseNotificationLine(line);
    } catch {
      return; // A line we cannot read carries no id to deliver; the server's next ones still come.
    }
    if (isStatsNotification(notification)) {
      if (notification.epochMillis > 0) this.#lastStatsEpochMillis = notification.epochMillis;
      if (this.#settings.includeStats !== true) return;
    } else {
      if (!this.#seen.add(notification.id)) return;
      this.#sawNotification = true;
      if (this.#lastEpochMillis === undefined || notification.epochMillis > this.#lastEpochMillis) {
        this.#lastEpochMillis = notification.epochMillis;
      }
    }
    // Decoding runs at once (in parallel); delivery keeps arrival order. A decoder failure
    // still delivers the notification, undecrypted, rather than stalling the chain.
    const decoding = this.#deps.decode(notification).catch(
      (error: unknown): ReceivedNotification => ({ ...notification, value: null, rawValue: notification.value, decrypted: false, decryptionError: error as Error }),
    );
    this.#delivery = this.#delivery.then(async () => {
      const received = await decoding;
      this.#delivered++;
      if (this.listenerCount('notification') === 0 || this.#held.length > 0) {
        if (this.#held.length < MAX_HELD) this.#held.push(received);
        this.#releaseHeld();
        return;
      }
      this.emit('notification', received);
    });
  }

  #onUnsolicited(connection: AtConnection, text: string): void {
    let response;
    try {
      response = parseResponse(text);
    } catch {
      connection.destroy();
      return;
    }
    if (response.kind !== 'error') return;
    if (isRefusedMonitor(response.error)) this.#fail(response.error);
    connection.destroy();
  }

  #fail(error: Error): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    // After #failure is set: start() and the iterators end on the abort and report it.
    this.#stop.abort();
    this.#stopHeartbeat();
    this.emit('failed', error);
  }
}
