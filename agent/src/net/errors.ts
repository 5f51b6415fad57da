/**
 * Errors of the network layer. They extend the protocol layer's AtProtocolError so callers
 * match every failure on one `code` field, with the codes atsign's SDKs use client-side.
 */
import { AtProtocolError } from '../protocol/index.js';

/** TCP or TLS could not be established (refused, unreachable, bad certificate, timeout): AT0021. */
export class ConnectError extends AtProtocolError {
  readonly host: string;
  readonly port: number;

  constructor(host: string, port: number, reason: string, options?: ErrorOptions) {
    super('AT0021', `cannot connect to ${host}:${port}: ${reason}`, options);
    this.host = host;
    this.port = port;
  }
}

/**
 * The connection ended before a command got its response, or while the command was still
 * queued behind another one: AT0013 (the SDKs' "Connection Exception"). The command may or
 * may not have been executed by the server.
 */
export class ConnectionClosedError extends AtProtocolError {
  constructor(detail: string, options?: ErrorOptions) {
    super('AT0013', detail, options);
  }
}

/** No complete response within the command's time limit: AT0023. The connection is closed. */
export class CommandTimeoutError extends AtProtocolError {
  readonly timeoutMs: number;

  constructor(verb: string, timeoutMs: number) {
    super('AT0023', `no response to ${verb} within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/** The atDirectory does not know the atSign (`null`, empty or `data:null`): AT0007. */
export class AtSignNotFoundError extends AtProtocolError {
  readonly atSign: string;

  constructor(atSign: string, root: string) {
    super('AT0007', `${atSign} is not registered in the atDirectory ${root}`);
    this.atSign = atSign;
  }
}

/**
 * The verb of a command, for error messages: commands carry values, signatures and digests
 * that do not belong in logs.
 */
export function verbOf(command: string): string {
  const end = command.search(/[:\s]/);
  return end === -1 ? command : command.slice(0, end);
}
