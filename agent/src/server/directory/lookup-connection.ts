/**
 * One client connection to the atDirectory (protocol.md §2, server.md §1):
 *
 *  - `@` right after the handshake; every answer is `<host:port>\r\n@` or `null\r\n@`.
 *  - Input is UTF-8, split on `\n` (a pipelined burst gets one answer per line, in order;
 *    the reference would see one malformed lookup), lower-cased and trimmed.
 *  - The key is the atSign without `@`. A leading `@` is tolerated and stripped (the
 *    reference would answer `null`; answering the record instead cannot break a client).
 *  - An empty line (at_c sends `\r\n` first) is a lookup that finds nothing: `null\r\n@`,
 *    counted as not-found like the reference does.
 *  - `@exit` closes the connection without a reply.
 *  - Throttling, per connection: the 2nd not-found is answered after `notFoundDelayMs`
 *    (3 s in the reference), the 3rd closes the connection after that delay, unanswered.
 *  - Bytes that are not UTF-8 decode to U+FFFD and simply find nothing (the reference's
 *    decoder throws and drops the connection; a `null` answer is the gentler equivalent).
 *  - A request longer than the reference's 255-character buffer (counting its `\n`)
 *    closes the connection unanswered, as the reference's buffer overflow does. So a
 *    client streaming megabytes without a newline costs at most 255 characters of memory.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Socket } from 'node:net';
import type { DirectoryRegistry } from './registry.js';

export interface LookupConnectionOptions {
  readonly registry: DirectoryRegistry;
  readonly notFoundDelayMs: number;
  readonly maxRequestChars: number;
  readonly logger: { warn(message: string): void };
}

/** Lines waiting for their answer before we stop reading from a client that does not read. */
const MAX_QUEUED_LINES = 64;

export function serveLookupConnection(socket: Socket, options: LookupConnectionOptions): void {
  const decoder = new StringDecoder('utf8');
  const queue: string[] = [];
  let pending = '';
  let notFound = 0;
  let working = false;
  let closed = false;
  let throttleTimer: NodeJS.Timeout | undefined;
  let wakeThrottled: (() => void) | undefined;

  const close = (graceful: boolean) => {
    if (closed) return;
    closed = true;
    queue.length = 0;
    clearTimeout(throttleTimer);
    wakeThrottled?.();
    if (graceful) socket.end();
    else socket.destroy();
  };

  const throttle = () =>
    new Promise<void>((resolve) => {
      wakeThrottled = resolve;
      throttleTimer = setTimeout(resolve, options.notFoundDelayMs);
    });

  const answer = async (line: string): Promise<void> => {
    const query = line.toLowerCase().trim();
    if (query === '@exit') {
      close(true);
      return;
    }
    const key = query.startsWith('@') ? query.slice(1) : query;
    let address: string | null = null;
    if (key !== '') {
      try {
        address = await options.registry.lookup(key);
      } catch (error) {
        // "null" would tell the client the atSign does not exist; closing makes it retry.
        options.logger.warn(`directory: lookup failed, closing the connection: ${(error as Error).message}`);
        close(false);
        return;
      }
    }
    if (closed) return;
    if (address === null) {
      notFound++;
      if (notFound > 1) await throttle();
      if (closed) return;
      if (notFound > 2) {
        close(true);
        return;
      }
    }
    if (socket.writable) socket.write(`${address ?? 'null'}\r\n@`);
  };

  const work = async () => {
    if (working) return;
    working = true;
    try {
      while (queue.length > 0 && !closed) {
        await answer(queue.shift()!);
        if (queue.length < MAX_QUEUED_LINES && socket.isPaused()) socket.resume();
      }
    } finally {
      working = false;
    }
  };

  socket.on('data', (chunk: Buffer) => {
    if (closed) return;
    pending += decoder.write(chunk);
    for (let newline = pending.indexOf('\n'); newline !== -1; newline = pending.indexOf('\n')) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (line.length + 1 > options.maxRequestChars) {
        close(false);
        return;
      }
      queue.push(line);
    }
    if (pending.length >= options.maxRequestChars) {
      close(false);
      return;
    }
    // The reference acts on a bare `@exit` even before its newline arrives.
    if (queue.length === 0 && pending.trim().toLowerCase() === '@exit') {
      close(true);
      return;
    }
    if (queue.length >= MAX_QUEUED_LINES) socket.pause();
    void work();
  });
  socket.on('close', () => close(false));
  socket.on('error', () => close(false));
  socket.write('@');
}
