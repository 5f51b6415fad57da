/**
 * One TLS connection to an atServer (or the atDirectory): commands go out one at a time
 * (the reference server treats everything received up to a `\n` as ONE command, so
 * pipelining would corrupt commands), later ones wait in a FIFO queue; each written command
 * has a time limit; notification lines are handed to listeners as they arrive.
 *
 * Failure model: when the socket closes, the command in flight and every queued command
 * fail with ConnectionClosedError (never a hang). A timed-out command fails with
 * CommandTimeoutError and closes the connection, because its late response would otherwise
 * be taken as the answer to the next command.
 */
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { expectData, IllegalArgumentError, parseResponse, UnexpectedResponseError, type AtResponse } from '../protocol/index.js';
import { CommandQueue } from './command-queue.js';
import { CommandTimeoutError, ConnectError, ConnectionClosedError, verbOf } from './errors.js';
import { ResponseReader, type Framing } from './response-reader.js';
import { tlsConnectOptions, type TlsSettings } from './tls-options.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;

/**
 * Coalesces consecutive queued commands into one (the `batch` verb): with one command in
 * flight per connection, a burst of puts would otherwise pay a round trip each. The
 * connection only knows that commands marked `batchable` may be combined; the batcher knows
 * the format.
 */
export interface CommandBatcher {
  /** Most commands in one combined command. */
  readonly maxCommands: number;
  /** Most characters in one combined command. */
  readonly maxLength: number;
  /** The command that runs `commands` in order. */
  combine(commands: readonly string[]): string;
  /**
   * The response each command would have had alone, in order; undefined when the server
   * refused the combined command as a whole (then each is sent alone, and no more batches).
   */
  split(response: string, count: number): string[] | undefined;
}

export interface AtConnectionOptions extends TlsSettings {
  readonly host: string;
  readonly port: number;
  /** TCP + TLS handshake + the server's first prompt. Default 10 s. */
  readonly connectTimeoutMs?: number | undefined;
  /** Per command, from the moment it is written. Default 30 s. */
  readonly commandTimeoutMs?: number | undefined;
  /** Default `atserver`; `line` for the atDirectory. */
  readonly framing?: Framing | undefined;
  /** Combines queued `batchable` commands; none by default. */
  readonly batcher?: CommandBatcher | undefined;
}

export interface CommandOptions {
  /** Overrides the connection's commandTimeoutMs for this command. */
  readonly timeoutMs?: number | undefined;
  /** The reply is a bare `@name@` without newline (`pol`). */
  readonly bareReply?: boolean | undefined;
  /** May be combined with neighbouring batchable commands (see CommandBatcher). */
  readonly batchable?: boolean | undefined;
}

interface PendingCommand {
  readonly command: string;
  readonly batchable: boolean;
  /** Stands for several batchable commands (its resolve may put them back in the queue). */
  readonly combined?: boolean;
  readonly expectReply: boolean;
  readonly bareReply: boolean;
  readonly timeoutMs: number;
  readonly resolve: (text: string) => void;
  readonly reject: (error: Error) => void;
}

export type NotificationListener = (line: string) => void;
/** `error` is undefined when this side closed the connection on purpose. */
export type CloseListener = (error: Error | undefined) => void;
/** A response that arrived while no command was waiting (e.g. an error answer to `monitor`). */
export type UnsolicitedListener = (text: string) => void;

export class AtConnection {
  readonly host: string;
  readonly port: number;
  readonly #socket: TLSSocket;
  readonly #reader: ResponseReader;
  readonly #queue = new CommandQueue<PendingCommand>();
  readonly #commandTimeoutMs: number;
  readonly #notificationListeners = new Set<NotificationListener>();
  readonly #closeListeners = new Set<CloseListener>();
  readonly #unsolicitedListeners = new Set<UnsolicitedListener>();
  readonly #closed: Promise<Error | undefined>;
  #resolveClosed!: (error: Error | undefined) => void;
  #inFlight: PendingCommand | undefined;
  #timer: NodeJS.Timeout | undefined;
  #isClosed = false;
  /** Why the connection ended (first reason wins); undefined for a deliberate close. */
  #closeReason: Error | undefined;
  #socketError: Error | undefined;
  #batcher: CommandBatcher | undefined;

  private constructor(socket: TLSSocket, options: AtConnectionOptions) {
    this.host = options.host;
    this.port = options.port;
    this.#socket = socket;
    this.#commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.#batcher = options.batcher;
    this.#closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    this.#reader = new ResponseReader(
      {
        onResponse: (text) => this.#onResponse(text),
        onNotification: (line) => {
          for (const listener of this.#notificationListeners) listener(line);
        },
      },
      options.framing ?? 'atserver',
    );
  }

  /**
   * Connects, completes the TLS handshake (verifying the certificate) and waits for the
   * server's first prompt. Rejects with ConnectError, or with the server's AtServerError
   * when it refuses the connection with a message (AT0012, connection limit).
   */
  static open(options: AtConnectionOptions): Promise<AtConnection> {
    const { host, port } = options;
    const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      let socket: TLSSocket;
      try {
        socket = tlsConnect(tlsConnectOptions(host, port, options));
      } catch (error) {
        reject(error instanceof ConnectError ? error : new ConnectError(host, port, (error as Error).message, { cause: error }));
        return;
      }
      const connection = new AtConnection(socket, options);
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      const timer = setTimeout(() => fail(new ConnectError(host, port, `no TLS handshake and prompt within ${timeoutMs} ms`)), timeoutMs);
      socket.setNoDelay(true);
      socket.on('error', (error) => {
        connection.#socketError ??= error;
        if (!settled) fail(new ConnectError(host, port, error.message, { cause: error }));
      });
      socket.on('close', () => {
        if (!settled) {
          const last = connection.#reader.finish();
          if (last !== undefined && last.startsWith('error:')) {
            const response = parseResponse(last);
            if (response.kind === 'error') return fail(response.error);
          }
          return fail(new ConnectError(host, port, 'the server closed the connection before its first prompt'));
        }
        connection.#onSocketClose();
      });
      socket.on('data', (chunk: Buffer) => {
        connection.#reader.push(chunk);
        if (!settled && connection.#reader.pending.startsWith('@')) {
          settled = true;
          clearTimeout(timer);
          resolve(connection);
        }
      });
    });
  }

  /** False once the socket is closed or closing. */
  get isOpen(): boolean {
    return !this.#isClosed;
  }

  /** Resolves when the connection has ended, with the reason (undefined after close()). */
  get closed(): Promise<Error | undefined> {
    return this.#closed;
  }

  /** Commands written or waiting. */
  get pendingCount(): number {
    return this.#queue.length + (this.#inFlight === undefined ? 0 : 1);
  }

  onNotification(listener: NotificationListener): () => void {
    this.#notificationListeners.add(listener);
    return () => this.#notificationListeners.delete(listener);
  }

  onClose(listener: CloseListener): () => void {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  onUnsolicited(listener: UnsolicitedListener): () => void {
    this.#unsolicitedListeners.add(listener);
    return () => this.#unsolicitedListeners.delete(listener);
  }

  /**
   * Sends one command (without line ending) and resolves with its response text, prompt
   * stripped (`data:12`, `error:AT0015-…`). Errors: ConnectionClosedError, CommandTimeoutError,
   * IllegalArgumentError for a command with a line break.
   */
  execute(command: string, options: CommandOptions = {}): Promise<string> {
    return this.#enqueue(command, true, options);
  }

  /** Sends a command that gets no reply (`monitor`); resolves once it is written. */
  async send(command: string): Promise<void> {
    await this.#enqueue(command, false, {});
  }

  /** execute() and classify the response (an `error:` response is returned, not thrown). */
  async request(command: string, options?: CommandOptions): Promise<AtResponse> {
    return parseResponse(await this.execute(command, options));
  }

  /** The payload of a `data:` response; throws the server's AtServerError for `error:`. */
  async data(command: string, options?: CommandOptions): Promise<string> {
    return expectData(await this.execute(command, options));
  }

  /**
   * Fails whatever is pending, says `@exit` (the server closes without a reply) and ends
   * the socket. Resolves when the socket has closed.
   */
  async close(): Promise<void> {
    if (!this.#isClosed) {
      this.#shutDown(undefined, new ConnectionClosedError(`connection to ${this.host}:${this.port} closed by the client`));
      if (this.#socket.writable) this.#socket.end('@exit\n');
      // A server that ignores @exit must not keep us waiting.
      const guard = setTimeout(() => this.#socket.destroy(), 1000);
      guard.unref();
    }
    await this.#closed;
  }

  /** Drops the connection at once; pending commands fail with `error` or ConnectionClosedError. */
  destroy(error?: Error): void {
    if (this.#isClosed) return;
    this.#shutDown(error, error ?? new ConnectionClosedError(`connection to ${this.host}:${this.port} dropped by the client`));
    this.#socket.destroy();
  }

  #enqueue(command: string, expectReply: boolean, options: CommandOptions): Promise<string> {
    if (command.includes('\n')) {
      return Promise.reject(new IllegalArgumentError(`a ${verbOf(command)} command cannot contain a line break`));
    }
    if (this.#isClosed) {
      return Promise.reject(
        new ConnectionClosedError(`connection to ${this.host}:${this.port} is closed; ${verbOf(command)} was not sent`, {
          cause: this.#closeReason,
        }),
      );
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({
        command,
        batchable: options.batchable === true,
        expectReply,
        bareReply: options.bareReply === true,
        timeoutMs: options.timeoutMs ?? this.#commandTimeoutMs,
        resolve,
        reject,
      });
      if (this.#inFlight === undefined) this.#writeNext();
    });
  }

  #writeNext(): void {
    while (this.#inFlight === undefined && !this.#isClosed) {
      let next = this.#queue.shift();
      if (next === undefined) return;
      if (next.batchable && this.#batcher !== undefined && this.#queue.peek()?.batchable === true) next = this.#combine(next, this.#batcher);
      this.#socket.write(`${next.command}\n`);
      if (!next.expectReply) {
        next.resolve('');
        continue;
      }
      this.#inFlight = next;
      this.#reader.bareReply = next.bareReply;
      this.#timer = setTimeout(this.#onTimeout, next.timeoutMs);
    }
  }

  /** Takes `first` and the batchable commands right behind it into one combined command. */
  #combine(first: PendingCommand, batcher: CommandBatcher): PendingCommand {
    const parts = [first];
    let length = first.command.length;
    for (;;) {
      const candidate = this.#queue.peek();
      if (candidate === undefined || !candidate.batchable || parts.length >= batcher.maxCommands) break;
      if (length + candidate.command.length > batcher.maxLength) break;
      length += candidate.command.length;
      parts.push(this.#queue.shift() as PendingCommand);
    }
    if (parts.length === 1) return first;
    return {
      command: batcher.combine(parts.map((part) => part.command)),
      batchable: false,
      combined: true,
      expectReply: true,
      bareReply: false,
      timeoutMs: Math.max(...parts.map((part) => part.timeoutMs)),
      resolve: (text) => {
        const answers = batcher.split(text, parts.length);
        if (answers === undefined) {
          // The server does not take batches: send these one by one, and never batch again.
          this.#batcher = undefined;
          this.#queue.unshiftAll(parts);
          return;
        }
        parts.forEach((part, index) => part.resolve(answers[index] as string));
      },
      reject: (error) => {
        for (const part of parts) part.reject(error);
      },
    };
  }

  #onResponse(text: string): void {
    const current = this.#inFlight;
    if (current === undefined) {
      if (this.#unsolicitedListeners.size === 0) {
        this.destroy(new UnexpectedResponseError(`response ${JSON.stringify(text.slice(0, 80))} arrived while no command was waiting`));
        return;
      }
      for (const listener of this.#unsolicitedListeners) listener(text);
      return;
    }
    clearTimeout(this.#timer);
    this.#inFlight = undefined;
    if (current.combined === true) {
      // A refused batch puts its commands back at the front: resolve before writing on.
      current.resolve(text);
      this.#writeNext();
      return;
    }
    // The next command goes out before the caller's continuation runs: one less idle gap.
    this.#writeNext();
    current.resolve(text);
  }

  readonly #onTimeout = (): void => {
    const current = this.#inFlight;
    if (current === undefined) return;
    const verb = verbOf(current.command);
    this.#inFlight = undefined;
    current.reject(new CommandTimeoutError(verb, current.timeoutMs));
    this.destroy(new ConnectionClosedError(`connection to ${this.host}:${this.port} closed because ${verb} timed out`));
  };

  /** The socket has really closed (once): settle what is left and tell the listeners. */
  #onSocketClose(): void {
    if (!this.#isClosed) {
      const last = this.#reader.finish();
      if (last !== undefined && this.#inFlight !== undefined) {
        // A final answer written without a prompt just before the close (AT0012, AT0024…).
        clearTimeout(this.#timer);
        const current = this.#inFlight;
        this.#inFlight = undefined;
        current.resolve(last);
      }
      const cause = this.#socketError;
      const reason = new ConnectionClosedError(
        `connection to ${this.host}:${this.port} closed by the server` + (cause === undefined ? '' : ` (${cause.message})`),
        { cause },
      );
      this.#shutDown(reason, reason);
    }
    this.#resolveClosed(this.#closeReason);
    for (const listener of this.#closeListeners) listener(this.#closeReason);
  }

  /** Marks the connection closed (once) and fails every pending command. */
  #shutDown(reason: Error | undefined, pendingError: Error): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#closeReason = reason;
    clearTimeout(this.#timer);
    const failed = this.#inFlight === undefined ? [] : [this.#inFlight];
    this.#inFlight = undefined;
    failed.push(...this.#queue.drain());
    for (const command of failed) {
      command.reject(
        pendingError instanceof ConnectionClosedError
          ? new ConnectionClosedError(`${pendingError.detail}; ${verbOf(command.command)} got no response`, { cause: pendingError.cause })
          : pendingError,
      );
    }
  }
}
