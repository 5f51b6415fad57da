/**
 * What an AtClient can be told, and the defaults a production device should get without
 * saying anything.
 */
import type { AtKeys } from '../crypto/index.js';
import type { BackoffOptions } from '../net/index.js';
import { DEFAULT_COMMAND_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_DIRECTORY_CACHE_TTL_MS, DEFAULT_ROOT } from '../net/index.js';
import type { ClientConfigFields, PkamHashingAlgo } from '../protocol/index.js';

export interface AtClientPreferences {
  /** atDirectory, `host:port` or `proxy:host:port`. Default `root.atsign.org:64`. */
  readonly root?: string | undefined;
  /** `.atKeys` file. Default `~/.atsign/keys/@<atsign>_key.atKeys`. Ignored when `atKeys` is given. */
  readonly keysFile?: string | undefined;
  /** Keys already loaded (they win over `keysFile`). */
  readonly atKeys?: AtKeys | undefined;
  /**
   * Trust this CA (PEM text or a file path) instead of the system CAs: for a private
   * atDirectory/atServer. Default: the system CAs.
   */
  readonly ca?: string | Buffer | undefined;
  /** TCP + TLS + first prompt, per connection. Default 10 s. */
  readonly connectTimeoutMs?: number | undefined;
  /** Per command. Default 30 s. */
  readonly commandTimeoutMs?: number | undefined;
  /** `noop:0` on the monitor connection this often. Default 30 s, like atsign's SDKs. */
  readonly monitorHeartbeatMs?: number | undefined;
  /** Reconnect delays (exponential, with jitter). */
  readonly reconnect?: BackoffOptions | undefined;
  /** Send a random IV as `ivNonce` with every new encrypted value. Default true. */
  readonly emitIvNonce?: boolean | undefined;
  /** Check `dataSignature` of public values on read. Default true. */
  readonly verifyPublicData?: boolean | undefined;
  /** How long recipients' servers cache the shared key (`ttr`, seconds). Default 45 days, as the Dart SDK. */
  readonly sharedKeyTtrSeconds?: number | undefined;
  /** How long atDirectory answers are cached. Default 1 hour. */
  readonly directoryCacheTtlMs?: number | undefined;
  /** PKAM signature digest. Default sha256. */
  readonly pkamHashingAlgo?: PkamHashingAlgo | undefined;
  /** Sent with `from:` when set (a version above 3.0.37 makes servers answer errors as JSON). */
  readonly clientConfig?: ClientConfigFields | undefined;
}

export interface ResolvedPreferences {
  readonly root: string;
  readonly keysFile: string | undefined;
  readonly atKeys: AtKeys | undefined;
  readonly ca: string | Buffer | undefined;
  readonly connectTimeoutMs: number;
  readonly commandTimeoutMs: number;
  readonly monitorHeartbeatMs: number;
  readonly reconnect: BackoffOptions;
  readonly emitIvNonce: boolean;
  readonly verifyPublicData: boolean;
  readonly sharedKeyTtrSeconds: number;
  readonly directoryCacheTtlMs: number;
  readonly pkamHashingAlgo: PkamHashingAlgo;
  readonly clientConfig: ClientConfigFields | undefined;
}

export const DEFAULT_MONITOR_HEARTBEAT_MS = 30_000;
export const DEFAULT_SHARED_KEY_TTR_SECONDS = 3_888_000;

export function resolvePreferences(preferences: AtClientPreferences = {}): ResolvedPreferences {
  const positive = (name: string, value: number | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`preference ${name} must be a positive number, got ${value}`);
    return value;
  };
  return {
    root: preferences.root ?? DEFAULT_ROOT,
    keysFile: preferences.keysFile,
    atKeys: preferences.atKeys,
    ca: preferences.ca,
    connectTimeoutMs: positive('connectTimeoutMs', preferences.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS),
    commandTimeoutMs: positive('commandTimeoutMs', preferences.commandTimeoutMs, DEFAULT_COMMAND_TIMEOUT_MS),
    monitorHeartbeatMs: positive('monitorHeartbeatMs', preferences.monitorHeartbeatMs, DEFAULT_MONITOR_HEARTBEAT_MS),
    reconnect: preferences.reconnect ?? {},
    emitIvNonce: preferences.emitIvNonce ?? true,
    verifyPublicData: preferences.verifyPublicData ?? true,
    sharedKeyTtrSeconds: positive('sharedKeyTtrSeconds', preferences.sharedKeyTtrSeconds, DEFAULT_SHARED_KEY_TTR_SECONDS),
    directoryCacheTtlMs: positive('directoryCacheTtlMs', preferences.directoryCacheTtlMs, DEFAULT_DIRECTORY_CACHE_TTL_MS),
    pkamHashingAlgo: preferences.pkamHashingAlgo ?? 'sha256',
    clientConfig: preferences.clientConfig,
  };
}
