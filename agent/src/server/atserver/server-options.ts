/**
 * Tunables of one atServer, with the reference server's defaults (server.md §2.2, §10).
 * Tests shrink the timeouts; production keeps the defaults.
 */
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import type { NotificationSettings } from './notifications/notification-settings.js';

export interface AtServerLimits {
  /** Inbound connections open at once; the next one gets AT0012 (reference: 200). */
  readonly inboundMaxConnections: number;
  /** Longest command line in bytes, `\n` excluded; longer → AT0005 and close (reference: 10,240,000). */
  readonly maxLineBytes: number;
  /** Largest value `update` accepts, in UTF-8 bytes; larger → AT0022 (the connection stays open). */
  readonly maxValueBytes: number;
  /** Unauthenticated idle time before a silent close (reference: 10 min). */
  readonly unauthenticatedIdleMs: number;
  /** Authenticated / pol idle time (reference: 30 days). */
  readonly authenticatedIdleMs: number;
  /** What the unauthenticated idle time shrinks to as the pool fills (reference: 5 s). */
  readonly minUnauthenticatedIdleMs: number;
  /** What the authenticated idle time shrinks to as the pool fills (reference: 60 s). */
  readonly minAuthenticatedIdleMs: number;
  /** Pool fill (0..1) above which idle times start to shrink (reference: 0.5). */
  readonly idleLowWaterMark: number;
  /** Longest `noop` delay (reference: 5000 ms). */
  readonly maxNoopMs: number;
  /** Outbound server-to-server connections open at once (reference: 200). */
  readonly outboundMaxConnections: number;
  /** Outbound connections unused this long are closed (reference: 10 min). */
  readonly outboundIdleMs: number;
  /** Wait for a remote server's answer to a lookup/scan/handshake step (reference: 5 s). */
  readonly outboundReadTimeoutMs: number;
  /** Wait for a TLS connection to a remote server to be up. */
  readonly outboundConnectTimeoutMs: number;
}

export interface AtServerTimings {
  /** Challenge (`from`) and pol proof lifetime (reference: 60 s). */
  readonly proofTtlMs: number;
  /** How often expired keys are removed (reference: 3 min). */
  readonly expiryJobIntervalMs: number;
  /** How often idle connections are looked for. */
  readonly idleSweepIntervalMs: number;
  /** plookup caches public data without a ttr for this long (reference: 24 h). */
  readonly publicCacheTtlMs: number;
  /** sync:from page limits (reference: 25 entries, ~5 MB). */
  readonly syncPageEntries: number;
  readonly syncPageBytes: number;
}

export const DEFAULT_LIMITS: AtServerLimits = {
  inboundMaxConnections: 200,
  maxLineBytes: 10_240_000,
  maxValueBytes: 10_240_000,
  unauthenticatedIdleMs: 10 * 60_000,
  authenticatedIdleMs: 30 * 24 * 60 * 60_000,
  minUnauthenticatedIdleMs: 5_000,
  minAuthenticatedIdleMs: 60_000,
  idleLowWaterMark: 0.5,
  maxNoopMs: 5_000,
  outboundMaxConnections: 200,
  outboundIdleMs: 10 * 60_000,
  outboundReadTimeoutMs: 5_000,
  outboundConnectTimeoutMs: 10_000,
};

export const DEFAULT_TIMINGS: AtServerTimings = {
  proofTtlMs: 60_000,
  expiryJobIntervalMs: 3 * 60_000,
  idleSweepIntervalMs: 1_000,
  publicCacheTtlMs: 24 * 60 * 60_000,
  syncPageEntries: 25,
  syncPageBytes: 5 * 1024 * 1024,
};

export interface AtServerLogger {
  info(message: string): void;
  warn(message: string): void;
}

export const consoleLogger: AtServerLogger = {
  info: (message) => console.log(message),
  warn: (message) => console.warn(message),
};

export const silentLogger: AtServerLogger = { info: () => undefined, warn: () => undefined };

/** Options every atServer of a platform shares; each may override limits and timings. */
export interface AtServerTuning {
  readonly limits?: Partial<AtServerLimits>;
  readonly timings?: Partial<AtServerTimings>;
  readonly clock?: Clock;
  readonly logger?: AtServerLogger;
  /** Version reported by `info` and `stats:7`. */
  readonly version?: string;
  /** The notification stack's settings (defaults in notifications/notification-settings.ts). */
  readonly notifications?: Partial<NotificationSettings>;
}

export interface ResolvedTuning {
  readonly limits: AtServerLimits;
  readonly timings: AtServerTimings;
  readonly clock: Clock;
  readonly logger: AtServerLogger;
  readonly version: string;
  /** As given: the notification module applies its defaults. */
  readonly notifications: Partial<NotificationSettings>;
}

/** The version string `info` reports: the reference server's, which SDKs compare against. */
export const SERVER_VERSION = '3.0.52';

export function resolveTuning(tuning: AtServerTuning = {}): ResolvedTuning {
  return {
    limits: { ...DEFAULT_LIMITS, ...tuning.limits },
    timings: { ...DEFAULT_TIMINGS, ...tuning.timings },
    clock: tuning.clock ?? systemClock,
    logger: tuning.logger ?? consoleLogger,
    version: tuning.version ?? SERVER_VERSION,
    notifications: tuning.notifications ?? {},
  };
}
