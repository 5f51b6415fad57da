/**
 * Splits the byte stream of an atServer connection into responses and notification lines
 * (protocol.md §3.4). Pure: bytes in, callbacks out, no sockets.
 *
 * - A response is complete when a `\n` has arrived AND the byte after it is `@` (the start
 *   of the next prompt): a `\n` followed by anything else is a newline inside the response.
 *   The prompt is left in the buffer and stripped from the front of the next response, so
 *   the lone `@` after connecting and the `@alice@` prompts never reach the caller.
 * - A line that (prompt stripped) starts with `notification:` is complete at its `\n`:
 *   monitor connections write no prompt after those.
 * - `bareReply` mode completes `@bob@` without any newline: the reply to `pol`.
 * - `line` framing completes every response at its `\n` (the atDirectory may omit the
 *   trailing prompt; nothing there spans lines).
 *
 * UTF-8 is decoded with a StringDecoder, so a character split across reads is whole.
 */
import { StringDecoder } from 'node:string_decoder';
import { NOTIFICATION_LINE_PREFIX, stripPrompt } from '../protocol/index.js';

export type Framing = 'atserver' | 'line';

export interface ResponseReaderHandlers {
  /** One complete response, prompt stripped, without its final line ending. */
  onResponse(text: string): void;
  /** The text of one `notification:` line from `notification:` on, without the line ending. */
  onNotification(line: string): void;
}

const BARE_REPLY = /^@?(@[^@\s:]+@)$/;
const NEWLINE = 10; // '\n'

export class ResponseReader {
  readonly #decoder = new StringDecoder('utf8');
  readonly #handlers: ResponseReaderHandlers;
  readonly #framing: Framing;
  #buffer = '';
  /** Where to resume looking for `\n`: everything before has been seen already. */
  #scanFrom = 0;
  /** Expect the next response to be a bare `@name@` (after `pol`). */
  bareReply = false;

  constructor(handlers: ResponseReaderHandlers, framing: Framing = 'atserver') {
    this.#handlers = handlers;
    this.#framing = framing;
  }

  /** Bytes received but not yet part of a complete response (a prompt, a partial line). */
  get pending(): string {
    return this.#buffer;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    // A lone '\n' chunk is common (the server writes the prompt separately); skip the decoder.
    this.#buffer += chunk.length === 1 && chunk[0] === NEWLINE ? '\n' : this.#decoder.write(chunk);
    this.#drain();
  }

  /**
   * At end of stream: a last line that ended in `\n` but got no prompt (AT0012 is written
   * that way before the server closes) is still a response. Returns it, or undefined.
   */
  finish(): string | undefined {
    this.#buffer += this.#decoder.end();
    const text = this.#buffer;
    this.#buffer = '';
    this.#scanFrom = 0;
    if (!text.endsWith('\n')) return undefined;
    const line = stripPrompt(trimLineEnd(text.slice(0, -1)));
    return line === '' ? undefined : line;
  }

  #drain(): void {
    for (;;) {
      const newline = this.#buffer.indexOf('\n', this.#scanFrom);
      if (newline === -1) {
        this.#scanFrom = this.#buffer.length;
        if (this.bareReply) this.#takeBareReply();
        return;
      }
      const line = trimLineEnd(this.#buffer.slice(0, newline));
      const stripped = stripPrompt(line);
      if (stripped.startsWith(NOTIFICATION_LINE_PREFIX)) {
        this.#consume(newline + 1);
        this.#handlers.onNotification(stripped);
        continue;
      }
      if (this.#framing === 'line') {
        this.#consume(newline + 1);
        this.#handlers.onResponse(stripped);
        continue;
      }
      if (newline + 1 === this.#buffer.length) {
        // Whether this ends the response depends on the next byte: wait for it.
        this.#scanFrom = newline;
        return;
      }
      if (this.#buffer.charCodeAt(newline + 1) !== 64 /* '@' */) {
        this.#scanFrom = newline + 1;
        continue;
      }
      this.#consume(newline + 1);
      this.bareReply = false;
      this.#handlers.onResponse(stripped);
    }
  }

  #takeBareReply(): void {
    const match = BARE_REPLY.exec(this.#buffer);
    if (match?.[1] === undefined) return;
    this.#consume(this.#buffer.length);
    this.bareReply = false;
    this.#handlers.onResponse(match[1]);
  }

  #consume(end: number): void {
    this.#buffer = this.#buffer.slice(end);
    this.#scanFrom = 0;
  }
}

function trimLineEnd(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
