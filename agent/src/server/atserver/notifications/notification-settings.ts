/**
 * Tunables of the notification stack, with the reference server's defaults (server.md §10;
 * where the shipped config.yaml and the code disagree, the shipped config, which is what
 * running servers use). Given per platform through `tuning.notifications`; tests shrink the
 * intervals instead of waiting.
 */

export interface NotificationSettings {
  /** Queue a notification to @bob when the owner changes `@bob:<key>@me` (reference: on). */
  readonly autoNotify: boolean;
  /** Delivery attempts before a notification stays `errored` for good (reference: 30). */
  readonly maxRetries: number;
  /** How long a recipient whose server cannot be reached is left alone (reference: 10 s). */
  readonly quarantineMs: number;
  /**
   * How often the queue is looked at even when nothing nudged it; also how long an errored
   * notification waits before its next attempt (reference: 5 s shipped, 11 s in code).
   */
  readonly queueJobIntervalMs: number;
  /** Wait for `data:success` from the recipient's server (reference: 10 s, then AT0023). */
  readonly sendTimeoutMs: number;
  /** Lifetime of a notification sent without `ttln` (reference: 15 min shipped, 24 h in code). */
  readonly defaultTtlMs: number;
  /** Stats notification to every monitor this often; negative disables it (reference: 15 s). */
  readonly statsIntervalMs: number;
  /** Expired notifications are removed from the store this often (reference: 5 min). */
  readonly compactionIntervalMs: number;
  /**
   * Notification text a monitor connection may have waiting because its client does not read,
   * beyond what the socket holds; past it the connection is dropped (the client resumes from
   * its last epochMillis).
   */
  readonly monitorBacklogBytes: number;
}

const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  autoNotify: true,
  maxRetries: 30,
  quarantineMs: 10_000,
  queueJobIntervalMs: 5_000,
  sendTimeoutMs: 10_000,
  defaultTtlMs: 15 * 60_000,
  statsIntervalMs: 15_000,
  compactionIntervalMs: 5 * 60_000,
  monitorBacklogBytes: 1024 * 1024,
};

export function resolveNotificationSettings(given: Partial<NotificationSettings> = {}): NotificationSettings {
  const settings = { ...DEFAULT_NOTIFICATION_SETTINGS, ...given };
  for (const [name, value] of Object.entries(settings)) {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`notification setting ${name} must be a finite number`);
  }
  if (settings.maxRetries < 1) throw new RangeError('notification setting maxRetries must be at least 1');
  return settings;
}
