/**
 * Errors a verb handler throws to answer `error:<code>…`. Each carries its AT code and whether
 * the connection closes after the answer (server.md §11); the connection turns them into the
 * legacy or JSON error line. Anything else a handler throws is a bug: it is answered with
 * AT0011 and logged, and the process carries on.
 */
import { AtProtocolError, closesConnection } from '../../protocol/index.js';

export class AtServerVerbError extends AtProtocolError {
  /** Close the connection after writing the error. */
  readonly close: boolean;

  constructor(code: string, detail: string, options: { close?: boolean; cause?: unknown } = {}) {
    super(code, detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.close = options.close ?? closesConnection(code);
  }
}

/** AT0401: authentication failed or required. */
export function unauthenticated(detail: string): AtServerVerbError {
  return new AtServerVerbError('AT0401', detail);
}

export function authRequired(): AtServerVerbError {
  return unauthenticated('Command cannot be executed without auth');
}

/** AT0015 in the reference's words. */
export function keyNotFound(key: string): AtServerVerbError {
  return new AtServerVerbError('AT0015', `${key} does not exist in keystore`);
}

/** AT0016. */
export function invalidKey(detail: string): AtServerVerbError {
  return new AtServerVerbError('AT0016', detail);
}

/** AT0009. */
export function unauthorized(detail: string): AtServerVerbError {
  return new AtServerVerbError('AT0009', detail);
}

/** AT0003 raised by a handler (not the grammar). */
export function invalidSyntax(detail: string): AtServerVerbError {
  return new AtServerVerbError('AT0003', detail);
}

/** AT0022. */
export function illegalArgument(detail: string): AtServerVerbError {
  return new AtServerVerbError('AT0022', detail);
}

/** AT0011, used where the reference raises an unmapped exception and closes. */
export function internalError(detail: string, close = true): AtServerVerbError {
  return new AtServerVerbError('AT0011', detail, { close });
}

/** A response-level APKAM error (`error:AT0026:<message>`), written with `:` instead of `-`. */
export class ResponseLevelError extends AtServerVerbError {
  constructor(code: string, detail: string, options: { close?: boolean } = {}) {
    super(code, detail, { close: options.close ?? false });
  }
}
