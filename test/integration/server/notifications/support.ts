/**
 * Helpers for the notification tests: wait for a notification's status (from the store's
 * change events, no polling), read monitor lines, and stop / restart one atServer of a
 * running platform on the same port and data directory. (To pose as another atSign's server,
 * use the platform's `polClient`.)
 */
import assert from 'node:assert/strict';
import { AtSignServer, resolveTuning } from '../../../../agent/src/server/index.js';
import { registryResolver } from '../../../../agent/src/server/atserver/outbound/atsign-resolver.js';
import { NOTIFICATIONS } from '../../../../agent/src/server/atserver/notifications/notification-module.js';
import type { NotificationService } from '../../../../agent/src/server/atserver/notifications/notification-service.js';
import type { NotificationStatus, StoredNotification } from '../../../../agent/src/server/atserver/notifications/stored-notification.js';
import { isStatsNotification, NOTIFICATION_LINE_PREFIX, parseNotificationLine, type AtNotification } from '../../../../agent/src/protocol/index.js';
import type { LineClient } from '../../../helpers/line-client.js';
import type { TestPlatform } from '../../../helpers/platform.js';

export function notificationsOf(server: AtSignServer | undefined): NotificationService {
  assert.ok(server !== undefined, 'no such server');
  return server.module(NOTIFICATIONS);
}

/** Resolves once notification `id` has `status` (maybe already). */
export function waitForStatus(service: NotificationService, id: string, status: NotificationStatus): Promise<StoredNotification> {
  const current = service.records.get(id);
  if (current?.status === status) return Promise.resolve(current);
  return waitForStored(service, (notification) => notification.id === id && notification.status === status);
}

/** Resolves with the next stored notification `accept` takes (e.g. received with some key). */
export function waitForStored(service: NotificationService, accept: (notification: StoredNotification) => boolean): Promise<StoredNotification> {
  return new Promise((resolve) => {
    const stop = service.records.onChange((notification) => {
      if (accept(notification)) {
        stop();
        resolve(notification);
      }
    });
  });
}

/** The next `notification: …` line on a monitor connection, raw. */
export async function readMonitorLine(client: LineClient): Promise<string> {
  const line = await client.readUntil('\n');
  if (!line.startsWith(NOTIFICATION_LINE_PREFIX)) throw new Error(`expected a notification line on the monitor connection, got ${JSON.stringify(line.slice(0, 200))}`);
  return line;
}

/** The next notification that is not a stats notification. */
export async function readNotification(client: LineClient): Promise<AtNotification> {
  for (;;) {
    const notification = parseNotificationLine(await readMonitorLine(client));
    if (!isStatsNotification(notification)) return notification;
  }
}

/** The next stats notification (skipping others). */
export async function readStatsNotification(client: LineClient): Promise<{ line: string; notification: AtNotification }> {
  for (;;) {
    const line = await readMonitorLine(client);
    const notification = parseNotificationLine(line);
    if (isStatsNotification(notification)) return { line, notification };
  }
}

/** An owner connection that ran `monitor…` (no reply is expected). */
export async function monitorClient(env: TestPlatform, atSign: string, command = 'monitor'): Promise<LineClient> {
  const client = await env.pkamClient(atSign);
  await client.write(`${command}\n`);
  // A noop answered means the server has processed the monitor command before it.
  await client.write('noop:0\n');
  for (;;) {
    const line = await client.readUntil('\n');
    if (line === 'data:ok') break;
    if (!line.startsWith(NOTIFICATION_LINE_PREFIX)) throw new Error(`unexpected ${line} after ${command}`);
    // Replayed notifications come before the noop answer: keep them for the test.
    replayed.set(client, [...(replayed.get(client) ?? []), line]);
  }
  assert.equal(await client.readExactly(`${atSign}@`.length), `${atSign}@`);
  return client;
}

const replayed = new WeakMap<LineClient, string[]>();

/** Notification lines that arrived while `monitorClient` waited for its noop. */
export function replayedLines(client: LineClient): string[] {
  return replayed.get(client) ?? [];
}

/**
 * Stops one atServer of the platform and later starts it again on the same port and data
 * directory, as an operator restarting it would. `running()` is the current instance.
 */
export class RestartableServer {
  readonly #env: TestPlatform;
  readonly #atSign: string;
  readonly #port: number;
  readonly #dataDir: string;
  #current: AtSignServer;
  #restarted: AtSignServer | undefined;

  constructor(env: TestPlatform, atSign: string) {
    const server = env.platform.server(atSign);
    assert.ok(server !== undefined, `${atSign} is not hosted`);
    this.#env = env;
    this.#atSign = atSign;
    this.#current = server;
    this.#port = server.port;
    this.#dataDir = server.dataDir;
  }

  running(): AtSignServer {
    return this.#current;
  }

  async stop(): Promise<void> {
    await this.#current.close();
  }

  async start(): Promise<AtSignServer> {
    const server = await AtSignServer.start({
      atSign: this.#atSign,
      dataDir: this.#dataDir,
      port: this.#port,
      listenHost: '127.0.0.1',
      tls: { ...this.#env.serverCredentials(), ca: this.#env.ca },
      resolver: registryResolver(this.#env.platform.registry),
      tuning: resolveTuning(this.#env.tuning),
    });
    this.#current = server;
    this.#restarted = server;
    return server;
  }

  /** Closes the instance this helper started (the platform closes the original one). */
  async close(): Promise<void> {
    await this.#restarted?.close();
  }
}
