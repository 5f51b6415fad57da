/**
 * Where an atDirectory finds the atServer of an atSign. Records are keyed by the atSign
 * WITHOUT its leading `@`, lower-cased, and hold `host:port` (server.md §1): exactly the
 * `SET alice🛠 vip.ve.atsign.zone:25000` records of atsign's at_root, so a Redis shared
 * with a reference root works both ways.
 */

export interface DirectoryRegistry {
  /** `host:port` for an already normalised key (see `registryKey`), or null when unknown. */
  lookup(key: string): Promise<string | null>;
  /** Adds or replaces the record for `atSign` (with or without its `@`). */
  register(atSign: string, host: string, port: number): Promise<void>;
  /** Removes the record; false when there was none. */
  unregister(atSign: string): Promise<boolean>;
  close(): Promise<void>;
}

export type DirectoryErrorCode = 'ERR_ATAGENT_DIRECTORY_BAD_RECORD' | 'ERR_ATAGENT_DIRECTORY_UNAVAILABLE';

export class DirectoryError extends Error {
  readonly code: DirectoryErrorCode;

  constructor(code: DirectoryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** An atSign, host or port that cannot be registered. */
export class InvalidRegistrationError extends DirectoryError {
  constructor(message: string) {
    super('ERR_ATAGENT_DIRECTORY_BAD_RECORD', message);
  }
}

/** The registry's backing store cannot be reached (e.g. Redis is down). */
export class RegistryUnavailableError extends DirectoryError {
  constructor(message: string, cause?: unknown) {
    super('ERR_ATAGENT_DIRECTORY_UNAVAILABLE', message, { cause });
  }
}

/**
 * A lookup request line must fit the reference root's 255-character buffer together with
 * its `\n`, so longer atSigns could never be found.
 */
export const MAX_ATSIGN_KEY_LENGTH = 254;
const FORBIDDEN_IN_ATSIGN = /[\s@:\p{Cc}]/u;
const FORBIDDEN_IN_HOST = /[\s:/@\p{Cc}]/u;

/** The registry key of an atSign: without the leading `@`, lower-cased. */
export function registryKey(atSign: string): string {
  if (typeof atSign !== 'string') throw new InvalidRegistrationError('an atSign must be a string');
  const key = atSign.trim().replace(/^@/, '').toLowerCase();
  if (key === '' || key.length > MAX_ATSIGN_KEY_LENGTH || FORBIDDEN_IN_ATSIGN.test(key)) {
    throw new InvalidRegistrationError(
      `${JSON.stringify(atSign)} is not a registrable atSign (1-${MAX_ATSIGN_KEY_LENGTH} characters, ` +
        'no whitespace, control characters, ":" or "@" after the leading one)',
    );
  }
  return key;
}

/** The `host:port` record value, after checking both parts. */
export function registryValue(host: string, port: number): string {
  if (typeof host !== 'string' || host === '' || host.length > 253 || FORBIDDEN_IN_HOST.test(host)) {
    // Clients split the answer on its first ':' (protocol.md §2.2): IPv6 literals cannot work.
    throw new InvalidRegistrationError(`${JSON.stringify(host)} is not a usable host (a DNS name or IPv4 address)`);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidRegistrationError(`${String(port)} is not a TCP port`);
  }
  return `${host.toLowerCase()}:${port}`;
}
