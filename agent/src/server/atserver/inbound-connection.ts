/**
 * One client connection to an atServer: framing, serial command processing, replies, limits.
 *
 *  - Greets with `@`; reads UTF-8 lines split on `\n` (trimmed, so `\r\n` works); a merged
 *    burst is several commands, answered in order; `@exit` closes without a reply.
 *  - Each reply and the prompt after it go out in ONE write (SDKs read a single chunk).
 *  - A line over the limit is AT0005 and the connection closes, before the line is buffered.
 *  - Backpressure: while the peer does not take our output, we stop reading its input, so a
 *    client that never reads costs one reply plus the socket's buffer, and cannot slow
 *    anyone else down. Queued, unprocessed input is bounded the same way.
 *  - Every command runs inside its own try/catch: a failing handler gets its AT code on the
 *    wire (storage failures AT0002 and close, bugs AT0011 and close), never a crash.
 */
import type { PeerCertificate, TLSSocket } from 'node:tls';
import {
  AtProtocolError,
  closesConnection,
  formatData,
  formatError,
  formatResponseLevelError,
  IllegalArgumentError,
} from '../../protocol/index.js';
import { StorageError } from '../storage/index.js';
import type { PeerTrust } from './auth/peer-trust.js';
import type { ConnectionHandle, ConnectionObserver } from './connection-handle.js';
import { AtServerVerbError, internalError, ResponseLevelError } from './errors.js';
import { LineSplitter, LineTooLongError } from './line-splitter.js';
import type { AtSignServerContext } from './server-context.js';
import { Session } from './session.js';
import type { VerbReply } from './verb-handler.js';

/** Stop reading once this many complete commands wait to be processed. */
const MAX_QUEUED_LINES = 64;
/** `push` drops a notification line once this much output is waiting for a slow peer. */
const MAX_PUSH_BACKLOG_BYTES = 1024 * 1024;

export interface InboundConnectionOptions {
  readonly socket: TLSSocket;
  readonly server: AtSignServerContext;
  readonly peerTrust: PeerTrust;
}

const CONNECTION = Symbol('atagent.inboundConnection');
type Socket = TLSSocket & { [CONNECTION]?: InboundConnection };

export class InboundConnection implements ConnectionHandle {
  readonly session: Session;
  readonly #socket: Socket;
  readonly #server: AtSignServerContext;
  readonly #peerTrust: PeerTrust;
  readonly #splitter: LineSplitter;
  /** Complete commands not yet processed; a new (empty) array once drained, so an idle connection keeps no grown one. */
  #queue: Buffer[] = [];
  #observers: readonly ConnectionObserver[] = [];
  #processing = false;
  #outputBlocked = false;
  #closing = false;
  #closed = false;

  constructor(options: InboundConnectionOptions) {
    this.#socket = options.socket;
    this.#server = options.server;
    this.#peerTrust = options.peerTrust;
    this.#splitter = new LineSplitter(options.server.tuning.limits.maxLineBytes);
    this.session = new Session(options.server.atSign, options.server.tuning.clock.now());
    const socket = this.#socket;
    socket[CONNECTION] = this;
    socket.setNoDelay(true);
    socket.on('data', InboundConnection.#socketData);
    socket.on('drain', InboundConnection.#socketDrain);
    socket.on('error', InboundConnection.#socketError);
    socket.on('end', InboundConnection.#socketEnd);
    socket.on('close', InboundConnection.#socketClose);
    socket.write('@');
  }

  // Socket listeners shared by every connection (`this` is the socket): an idle connection
  // holds no closures of its own (five closures and their contexts were ~0.4 KiB each).
  static readonly #socketData = function (this: Socket, chunk: Buffer): void {
    const connection = this[CONNECTION];
    if (connection !== undefined) connection.#onData(chunk);
  };

  static readonly #socketDrain = function (this: Socket): void {
    const connection = this[CONNECTION];
    if (connection !== undefined) connection.#onDrain();
  };

  static readonly #socketError = function (this: Socket): void {
    this.destroy();
  };

  static readonly #socketEnd = function (this: Socket): void {
    this[CONNECTION]?.close();
  };

  static readonly #socketClose = function (this: Socket): void {
    const connection = this[CONNECTION];
    if (connection !== undefined) connection.#onClosed();
  };

  get closed(): boolean {
    return this.#closed || this.#closing;
  }

  get pendingOutputBytes(): number {
    return this.#socket.writableLength;
  }

  get peerCertificateVerified(): boolean {
    // Wall-clock time, as OpenSSL uses for the public CAs (not tuning.clock, which tests move).
    return this.#peerTrust.verifies(this.#socket);
  }

  peerCertificate(): PeerCertificate | undefined {
    const certificate = this.#socket.getPeerCertificate();
    return certificate === null || Object.keys(certificate).length === 0 ? undefined : certificate;
  }

  push(text: string): boolean {
    if (this.closed || this.#socket.writableLength > MAX_PUSH_BACKLOG_BYTES) return false;
    if (!this.#socket.write(text)) this.#outputBlocked = true;
    return true;
  }

  observe(observer: ConnectionObserver): void {
    if (this.#closed) {
      observer.connectionClosed?.(this);
      return;
    }
    // Exactly sized: most connections have one or two observers for their whole life.
    this.#observers = [...this.#observers, observer];
  }

  /** Ends the connection after what was written so far. */
  close(): void {
    if (this.#closing || this.#closed) return;
    this.#closing = true;
    this.#queue = [];
    this.#socket.end();
    // A peer that never reads would keep the socket half-open forever.
    this.#socket.destroySoon();
    setTimeout(() => this.#socket.destroy(), 5_000).unref();
  }

  /** Drops the connection at once (server shutdown, idle timeout). */
  destroy(): void {
    this.#closing = true;
    this.#queue = [];
    this.#socket.destroy();
  }

  #onDrain(): void {
    this.#outputBlocked = false;
    for (const observer of this.#observers) observer.connectionDrained?.(this);
    this.#pump();
  }

  #onData(chunk: Buffer): void {
    if (this.closed) return;
    let lines: Buffer[];
    try {
      lines = this.#splitter.push(chunk);
    } catch (error) {
      if (!(error instanceof LineTooLongError)) throw error;
      this.#writeAndClose(this.#errorText(new AtServerVerbError('AT0005', error.message)));
      return;
    }
    if (lines.length === 0) return;
    this.#queue.push(...lines);
    this.#pump();
  }

  /** Processes queued commands one at a time while the peer keeps reading our answers. */
  #pump(): void {
    if (this.closed) return;
    const shouldRead = !this.#outputBlocked && this.#queue.length < MAX_QUEUED_LINES;
    if (shouldRead && this.#socket.isPaused()) this.#socket.resume();
    else if (!shouldRead && !this.#socket.isPaused()) this.#socket.pause();
    if (this.#processing || this.#outputBlocked || this.#queue.length === 0) return;
    this.#processing = true;
    void this.#processQueue();
  }

  async #processQueue(): Promise<void> {
    try {
      while (!this.closed && !this.#outputBlocked) {
        const line = this.#queue.shift();
        if (line === undefined) break;
        await this.#processLine(line);
      }
    } finally {
      this.#processing = false;
    }
    if (this.#queue.length === 0) this.#queue = [];
    this.#pump();
  }

  async #processLine(bytes: Buffer): Promise<void> {
    const line = bytes.toString('utf8').trim();
    this.session.lastActivity = this.#server.tuning.clock.now();
    if (line === '@exit') {
      this.close();
      return;
    }
    let reply: VerbReply;
    try {
      reply = await this.#server.dispatcher.execute(line, { server: this.#server, session: this.session, connection: this });
    } catch (error) {
      const text = this.#errorText(error);
      if (this.#shouldClose(error)) this.#writeAndClose(text);
      else this.#write(text);
      return;
    }
    if (this.closed) return;
    switch (reply.kind) {
      case 'data':
        this.#write(this.#dataText(reply.payload, reply.spaced === true));
        break;
      case 'raw':
        this.#write(reply.text);
        break;
      case 'silent':
        break;
    }
  }

  #dataText(payload: string, spaced: boolean): string {
    try {
      return formatData(payload, { spaced }) + this.session.dataPrompt();
    } catch (error) {
      // A stored value with a line break (only possible through update:json) would break framing.
      if (!(error instanceof IllegalArgumentError)) throw error;
      return this.#errorText(internalError('the answer cannot be sent on one line', false));
    }
  }

  #errorText(error: unknown): string {
    let code = 'AT0011';
    let detail = 'Internal server exception';
    if (error instanceof ResponseLevelError) {
      return formatResponseLevelError(error.code, error.detail) + this.session.errorPrompt();
    }
    if (error instanceof AtProtocolError) {
      code = error.code;
      detail = error.detail;
    } else if (error instanceof StorageError) {
      code = 'AT0002';
      detail = 'DataStore exception';
      this.#server.tuning.logger.warn(`${this.#server.atSign}: storage failure: ${error.message}`);
    } else {
      this.#server.tuning.logger.warn(`${this.#server.atSign}: internal error: ${(error as Error)?.stack ?? String(error)}`);
    }
    return formatError(code, detail, { json: this.session.jsonErrors, authenticated: this.session.isOwner }) + this.session.errorPrompt();
  }

  #shouldClose(error: unknown): boolean {
    if (error instanceof AtServerVerbError) return error.close;
    if (error instanceof AtProtocolError) return closesConnection(error.code);
    return true;
  }

  #write(text: string): void {
    if (this.closed) return;
    if (!this.#socket.write(text)) this.#outputBlocked = true;
  }

  #writeAndClose(text: string): void {
    if (this.closed) return;
    this.#socket.write(text);
    this.close();
  }

  #onClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue = [];
    const observers = this.#observers;
    this.#observers = [];
    for (const observer of observers) {
      try {
        observer.connectionClosed?.(this);
      } catch (error) {
        this.#server.tuning.logger.warn(`${this.#server.atSign}: close observer failed: ${(error as Error).message}`);
      }
    }
  }
}
