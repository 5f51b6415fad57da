/**
 * Server-side writing of responses (protocol.md §3.1–3.3, server.md §11). A reply is written
 * in ONE write as `formatData(…)` or `formatError(…)` followed by `formatPrompt(…)`: the C
 * SDK reads only what has arrived and Python/Go read until a chunk holds `\n`.
 */
import { describeAtError, IllegalArgumentError } from './errors.js';

/** `@` before authentication; `@alice@` once authenticated (or pol-authenticated) as @alice. */
export function formatPrompt(atSign?: string): string {
  return atSign === undefined ? '@' : `${atSign}@`;
}

/** The reply to a successful `pol`: `@bob@`, no `data:`, no newline. */
export function formatPolReply(fromAtSign: string): string {
  return `${fromAtSign}@`;
}

export interface DataFormatOptions {
  /** `data: …` with a space, as the reference writes stats and notify:all answers. */
  readonly spaced?: boolean;
}

/** `data:<payload>\n`. A payload with a line break would end the response early: refused. */
export function formatData(payload: string, options: DataFormatOptions = {}): string {
  if (/[\n\r]/.test(payload)) {
    throw new IllegalArgumentError('a data payload cannot contain a line break');
  }
  return `${options.spaced === true ? 'data: ' : 'data:'}${payload}\n`;
}

export interface ErrorFormatOptions {
  /** JSON form, for connections whose clientConfig version is above 3.0.37 (`usesJsonErrors`). */
  readonly json: boolean;
  /** Owner-authenticated connections get `<standard description> : <message>`, others `Exception: <message>`. */
  readonly authenticated: boolean;
}

// An error message is free text from anywhere in the server; it must not break framing.
function oneLine(text: string): string {
  return text.replace(/[\n\r\u2028\u2029]+/g, ' ');
}

/** The description text of an error as the reference composes it. */
export function errorDescription(code: string, message: string, authenticated: boolean): string {
  const standard = describeAtError(code);
  if (!authenticated) return `Exception: ${oneLine(message)}`;
  return standard === undefined ? oneLine(message) : `${standard} : ${oneLine(message)}`;
}

/**
 * `error:AT0015-key not found : <message>\n`, `error:AT0003-Exception: <message>\n`, or
 * `error:{"errorCode":"AT0016","errorDescription":"Invalid key : <message>"}\n`.
 */
export function formatError(code: string, message: string, options: ErrorFormatOptions): string {
  const description = errorDescription(code, message, options.authenticated);
  if (options.json) {
    return `error:${JSON.stringify({ errorCode: code, errorDescription: description })}\n`;
  }
  return `error:${code}-${description}\n`;
}

/** `error:AT0026:<message>\n`: the APKAM enrollment errors of `pkam` (note `:`, not `-`). */
export function formatResponseLevelError(code: string, message: string): string {
  return `error:${code}:${oneLine(message)}\n`;
}

/** Written instead of the `@` greeting when the inbound limit is reached; then close. */
export const INBOUND_CONNECTION_LIMIT_REPLY = 'error:AT0012-Inbound connection limit exceeded\n';

/** The last client version that still gets legacy errors (protocol.md §3.3). */
export const LAST_LEGACY_ERROR_CLIENT_VERSION = '3.0.37';

function versionNumbers(version: string): number[] | undefined {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version.trim());
  if (match === null) return undefined;
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

/** Whether a connection whose `from` declared this clientConfig version gets JSON errors. */
export function usesJsonErrors(clientVersion: string | undefined): boolean {
  if (clientVersion === undefined) return false;
  const version = versionNumbers(clientVersion);
  const threshold = versionNumbers(LAST_LEGACY_ERROR_CLIENT_VERSION) ?? [];
  if (version === undefined) return false;
  for (let i = 0; i < 3; i++) {
    const a = version[i] ?? 0;
    const b = threshold[i] ?? 0;
    if (a !== b) return a > b;
  }
  return false;
}
