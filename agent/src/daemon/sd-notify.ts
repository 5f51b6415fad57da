/**
 * systemd readiness and watchdog notifications (sd_notify(3)) for Type=notify units:
 * `sdNotify({ READY: '1' })`, `sdNotify({ WATCHDOG: '1' })`, `sdNotify({ STATUS: 'publishing' })`.
 * Node cannot send AF_UNIX datagrams, so the native addon sends them.
 */
import { loadAddon } from '../crypto/addon.js';

/** A notification could not be delivered to $NOTIFY_SOCKET. */
export class SdNotifyError extends Error {
  readonly code = 'ERR_ATAGENT_SD_NOTIFY';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SdNotifyError';
  }
}

const KEY = /^[A-Z][A-Z0-9_]*$/;

/** Renders `{ READY: '1', STATUS: 'ok' }` as `READY=1\nSTATUS=ok`; a string is sent as is. */
export function formatNotification(state: Record<string, string> | string): string {
  if (typeof state === 'string') return state;
  return Object.entries(state)
    .map(([key, value]) => {
      if (!KEY.test(key)) throw new TypeError(`sd_notify key must match ${KEY.source}, got '${key}'`);
      if (typeof value !== 'string' || value.includes('\n')) {
        throw new TypeError(`sd_notify value for ${key} must be a string without newlines`);
      }
      return `${key}=${value}`;
    })
    .join('\n');
}

/**
 * Sends `state` to the socket named by $NOTIFY_SOCKET (or `env.NOTIFY_SOCKET`). Returns false
 * when it is unset (not running under systemd), true once the datagram is sent; throws
 * SdNotifyError when it cannot be sent.
 */
export function sdNotify(
  state: Record<string, string> | string,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const socket = env['NOTIFY_SOCKET'];
  if (!socket) return false;
  const message = formatNotification(state);
  try {
    loadAddon().sdNotify(socket, message);
  } catch (error) {
    if (error instanceof TypeError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new SdNotifyError(reason, { cause: error });
  }
  return true;
}
