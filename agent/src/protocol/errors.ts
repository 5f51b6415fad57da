/**
 * The @protocol error model: the AT error codes of the reference server (server.md §11) with
 * their standard descriptions, and the error classes the protocol layer throws.
 *
 * Every error this layer raises is an `AtProtocolError` carrying an AT code, so callers can
 * match on `code` whether the error came from a peer's `error:` line or from local validation.
 */

/**
 * Standard descriptions (`error_description` in at_commons). The server prefixes messages on
 * authenticated connections with them (`key not found : phone@alice does not exist…`), so
 * they are wire text and must not be reworded.
 */
export const AT_ERROR_DESCRIPTIONS = {
  AT0001: 'Server exception',
  AT0002: 'DataStore exception',
  AT0003: 'Invalid syntax',
  AT0004: 'Socket error',
  AT0005: 'Buffer limit exceeded',
  AT0006: 'Outbound connection limit exceeded',
  AT0007: 'Secondary server not found',
  AT0008: 'Handshake failure',
  AT0009: 'UnAuthorized client in request',
  AT0010: 'Internal server error',
  AT0011: 'Internal server exception',
  AT0012: 'Inbound connection limit exceeded',
  AT0013: 'Connection Exception',
  AT0014: 'Unknown AtClient exception',
  AT0015: 'key not found',
  AT0016: 'Invalid key',
  AT0021: 'Unable to connect to secondary',
  AT0022: 'Illegal arguments',
  AT0023: 'Timeout waiting for response',
  AT0024: 'Server is paused',
  AT0025: 'Apkam Auth Denied',
  AT0026: 'Apkam Auth Failed',
  AT0027: 'Apkam Access Revoked',
  // The reference keeps this description although the server uses AT0028 for expired or
  // invalid enrollments (server.md §11).
  AT0028: 'Too Many Requests',
  AT0029: 'Apkam Enrollment Expired',
  AT0030: 'Invalid Enrollment Status',
  AT0031: 'Cannot revoke self enrollment',
  AT0401: 'Client authentication failed',
} as const;

export type AtErrorCode = keyof typeof AT_ERROR_DESCRIPTIONS;

/** Codes after which the reference server closes the connection (server.md §11). */
const CONNECTION_CLOSING_CODES: ReadonlySet<string> = new Set(['AT0002', 'AT0005', 'AT0012', 'AT0013', 'AT0024']);

/** Codes that mean an APKAM enrollment stops this connection from authenticating. */
const APKAM_ENROLLMENT_CODES: ReadonlySet<string> = new Set(['AT0025', 'AT0026', 'AT0027', 'AT0028', 'AT0029']);

export function isAtErrorCode(code: string): code is AtErrorCode {
  return Object.hasOwn(AT_ERROR_DESCRIPTIONS, code);
}

/** The standard description for a code, or undefined for codes this table does not know. */
export function describeAtError(code: string): string | undefined {
  return isAtErrorCode(code) ? AT_ERROR_DESCRIPTIONS[code] : undefined;
}

/** Whether the reference server closes the connection after sending this code. */
export function closesConnection(code: string): boolean {
  return CONNECTION_CLOSING_CODES.has(code);
}

/**
 * Base of every error the protocol layer raises. `code` is an AT code (`AT0015`); `detail`
 * is the human text without the code. Peers' codes outside the table are kept as sent.
 */
export class AtProtocolError extends Error {
  readonly code: string;
  readonly detail: string;

  constructor(code: string, detail: string, options?: ErrorOptions) {
    super(`${code}: ${detail}`, options);
    this.code = code;
    this.detail = detail;
    this.name = new.target.name;
  }
}

/** A command line that does not fit the verb grammar, or names no verb at all (AT0003). */
export class InvalidSyntaxError extends AtProtocolError {
  constructor(detail: string, options?: ErrorOptions) {
    super('AT0003', detail, options);
  }
}

/** An atSign that breaks the normalisation rules of protocol.md §4.1 (AT0003). */
export class InvalidAtSignError extends AtProtocolError {
  constructor(detail: string) {
    super('AT0003', detail);
  }
}

/** A key that classifies as invalidKey, is too long, or has inconsistent parts (AT0016). */
export class InvalidAtKeyError extends AtProtocolError {
  constructor(detail: string) {
    super('AT0016', detail);
  }
}

/**
 * An argument a command builder or formatter cannot put on the wire unchanged: a value with
 * a newline (callers must base64 it), a metadata value with `:`, an out-of-range number (AT0022).
 */
export class IllegalArgumentError extends AtProtocolError {
  constructor(detail: string) {
    super('AT0022', detail);
  }
}

/**
 * Text from a peer that is none of the shapes the protocol allows, or a payload that does not
 * parse (bad JSON, a notification without an id). AT0014 is the SDKs' client-side catch-all.
 */
export class UnexpectedResponseError extends AtProtocolError {
  constructor(detail: string, options?: ErrorOptions) {
    super('AT0014', detail, options);
  }
}

/** How a peer wrote an `error:` line (protocol.md §3.3). */
export type ServerErrorForm = 'legacy' | 'json' | 'response-level';

/**
 * An `error:` response from an atServer. `detail` is the message with the standard
 * description or `Exception: ` prefix removed; `description` is the text exactly as sent.
 */
export class AtServerError extends AtProtocolError {
  readonly form: ServerErrorForm;
  readonly description: string;

  constructor(code: string, detail: string, form: ServerErrorForm, description: string) {
    super(code, detail);
    this.form = form;
    this.description = description;
  }
}

export function isAtProtocolError(err: unknown): err is AtProtocolError {
  return err instanceof AtProtocolError;
}

export function hasAtErrorCode(err: unknown, code: string): err is AtProtocolError {
  return err instanceof AtProtocolError && err.code === code;
}

export function isKeyNotFound(err: unknown): err is AtProtocolError {
  return hasAtErrorCode(err, 'AT0015');
}

export function isInvalidSyntax(err: unknown): err is AtProtocolError {
  return hasAtErrorCode(err, 'AT0003');
}

export function isInvalidKey(err: unknown): err is AtProtocolError {
  return hasAtErrorCode(err, 'AT0016');
}

export function isUnauthenticated(err: unknown): err is AtProtocolError {
  return hasAtErrorCode(err, 'AT0401');
}

export function isUnauthorized(err: unknown): err is AtProtocolError {
  return hasAtErrorCode(err, 'AT0009');
}

export function isAtSignNotFound(err: unknown): err is AtProtocolError {
  return hasAtErrorCode(err, 'AT0007');
}

/** AT0025–AT0029: the APKAM enrollment is denied, pending, revoked or expired. */
export function isApkamEnrollmentError(err: unknown): err is AtProtocolError {
  return err instanceof AtProtocolError && APKAM_ENROLLMENT_CODES.has(err.code);
}
