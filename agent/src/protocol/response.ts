/**
 * Client-side reading of one complete atServer response: the text before the prompt, as the
 * connection framed it (protocol.md §3.3–3.4). Monitor connections hand each line here too.
 */
import { AtServerError, describeAtError, UnexpectedResponseError, type ServerErrorForm } from './errors.js';
import { NOTIFICATION_LINE_PREFIX, parseNotificationJson, type AtNotification } from './notification.js';

export interface DataResponse {
  readonly kind: 'data';
  /** Text after `data:` (and after the single space of `data: ` answers). */
  readonly payload: string;
  /** The payload is the literal `null`: key inactive, nothing to return. */
  readonly isNull: boolean;
  /** Written as `data: …` (stats, notify:all). */
  readonly spaced: boolean;
}

export interface ErrorResponse {
  readonly kind: 'error';
  readonly error: AtServerError;
}

/** The reply to a successful `pol`: `@bob@`, no `data:`. */
export interface PolResponse {
  readonly kind: 'pol';
  readonly atSign: string;
}

export interface StreamResponse {
  readonly kind: 'stream';
  readonly payload: string;
}

export interface NotificationResponse {
  readonly kind: 'notification';
  readonly notification: AtNotification;
}

export type AtResponse = DataResponse | ErrorResponse | PolResponse | StreamResponse | NotificationResponse;

const POL_REPLY = /^@[^@:\s]+@$/;

/**
 * Step 3 of the reading algorithm: drop a prompt glued to the front of a line
 * (`@alice@data:…` → `data:…`). Only the text before the first `:` is looked at, so `@` in
 * payloads is safe.
 */
export function stripPrompt(text: string): string {
  const colon = text.indexOf(':');
  const head = colon === -1 ? text : text.slice(0, colon);
  const lastAt = head.lastIndexOf('@');
  return lastAt === -1 ? text : text.slice(lastAt + 1);
}

const LEGACY_OR_RESPONSE_LEVEL = /^(AT\d{4})([-:])([\s\S]*)$/;

// `key not found : phone@alice does not exist…` → `phone@alice does not exist…`;
// `Exception: pkam authentication failed` → `pkam authentication failed`.
function messageOf(code: string, description: string): string {
  const standard = describeAtError(code);
  if (standard !== undefined && description.startsWith(`${standard} : `)) {
    return description.slice(standard.length + 3);
  }
  if (description.startsWith('Exception: ')) return description.slice('Exception: '.length);
  return description;
}

/**
 * Parses the text after `error:` in any of its three forms: legacy `AT0015-<description>`,
 * JSON `{"errorCode":…,"errorDescription":…}`, response-level `AT0026:<message>`. Text with
 * no recognisable code is kept whole under AT0011 (internal server exception).
 */
export function parseErrorText(text: string): AtServerError {
  if (text.startsWith('{')) {
    try {
      const json = JSON.parse(text) as { errorCode?: unknown; errorDescription?: unknown };
      if (typeof json.errorCode === 'string') {
        const description = typeof json.errorDescription === 'string' ? json.errorDescription : '';
        return new AtServerError(json.errorCode, messageOf(json.errorCode, description), 'json', description);
      }
    } catch {
      // Not JSON after all: fall through and keep the text as an unknown error.
    }
  }
  const match = LEGACY_OR_RESPONSE_LEVEL.exec(text);
  if (match?.[1] !== undefined && match[3] !== undefined) {
    const form: ServerErrorForm = match[2] === '-' ? 'legacy' : 'response-level';
    return new AtServerError(match[1], messageOf(match[1], match[3]), form, match[3]);
  }
  return new AtServerError('AT0011', text, 'legacy', text);
}

/**
 * Classifies one response. Throws UnexpectedResponseError for text that is none of the
 * protocol's shapes (the caller decides whether that ends the connection); an `error:`
 * response is returned, not thrown (see `expectData`).
 */
export function parseResponse(text: string): AtResponse {
  const raw = text.endsWith('\r') ? text.slice(0, -1) : text;
  if (POL_REPLY.test(raw)) return { kind: 'pol', atSign: raw.slice(0, -1) };
  const line = stripPrompt(raw);
  if (line.startsWith('data:')) {
    const spaced = line.startsWith('data: ');
    const payload = line.slice(spaced ? 6 : 5);
    return { kind: 'data', payload, isNull: payload === 'null', spaced };
  }
  if (line.startsWith('error:')) return { kind: 'error', error: parseErrorText(line.slice(6)) };
  if (line.startsWith(NOTIFICATION_LINE_PREFIX)) {
    return { kind: 'notification', notification: parseNotificationJson(line.slice(NOTIFICATION_LINE_PREFIX.length).trim()) };
  }
  if (line.startsWith('stream:')) return { kind: 'stream', payload: line.slice(7) };
  throw new UnexpectedResponseError(`unexpected response ${JSON.stringify(raw.slice(0, 80))}`);
}

/**
 * The payload of a `data:` response. Throws the server's AtServerError for `error:` and
 * UnexpectedResponseError for any other shape.
 */
export function expectData(text: string): string {
  const response = parseResponse(text);
  if (response.kind === 'data') return response.payload;
  if (response.kind === 'error') throw response.error;
  throw new UnexpectedResponseError(`expected data:, got a ${response.kind} response`);
}

/** JSON.parse with a typed error for payloads that should be JSON (scan, llookup:all, …). */
export function parseDataJson(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch (cause) {
    throw new UnexpectedResponseError(`data payload is not JSON: ${JSON.stringify(payload.slice(0, 80))}`, { cause });
  }
}
