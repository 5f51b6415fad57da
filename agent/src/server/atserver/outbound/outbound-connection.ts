/**
 * One TLS connection from this atServer to another (server.md §7): it presents this server's
 * certificate as client certificate, waits for the `@` greeting, and runs one command at a
 * time, reading each answer up to its prompt. Server code: it shares nothing with the client
 * SDK, so the server keeps working with peers written by anyone.
 *
 * Failures are AtServerVerbErrors a verb can pass straight to its client: AT0004 (socket),
 * AT0023 (no answer in time).
 */
import tls from 'node:tls';
import { isIP } from 'node:net';
import { parseResponse, stripPrompt, type AtResponse, type SecondaryAddress } from '../../../protocol/index.js';
import { AtServerVerbError } from '../errors.js';

export interface OutboundConnectOptions {
  readonly address: SecondaryAddress;
  /** Trusted CAs and this server's certificate (presented as client certificate): outbound-tls.ts. */
  readonly secureContext: tls.SecureContext;
  readonly connectTimeoutMs: number;
  /** Remote atSign, for error messages. */
  readonly remoteAtSign: string;
}

type ReadKind = 'greeting' | 'answer' | 'pol';

interface PendingRead {
  readonly kind: ReadKind;
  resolve(text: string): void;
  reject(error: Error): void;
}

const POL_REPLY = /^@[^@\s:]+@$/;

export class OutboundConnection {
  readonly remoteAtSign: string;
  readonly #socket: tls.TLSSocket;
  #buffer = '';
  #pending: PendingRead | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;
  #closeError: AtServerVerbError | undefined;
  /** Pol-authenticated as this atSign: data answers end with `@<it>@` instead of `@`. */
  #authenticatedAs: string | undefined;
  lastUsed = Date.now();

  private constructor(socket: tls.TLSSocket, remoteAtSign: string) {
    this.#socket = socket;
    this.remoteAtSign = remoteAtSign;
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      this.#tryComplete();
    });
    socket.on('error', (error) => this.#fail(new AtServerVerbError('AT0004', `Socket error talking to ${remoteAtSign}: ${error.message}`)));
    socket.on('close', () => this.#fail(new AtServerVerbError('AT0004', `connection to ${remoteAtSign} closed`)));
  }

  /** Connects and waits for the server's `@` greeting. */
  static async connect(options: OutboundConnectOptions): Promise<OutboundConnection> {
    const { host, port } = options.address;
    const socket = tls.connect({
      host,
      port,
      secureContext: options.secureContext,
      ...(isIP(host) === 0 ? { servername: host } : {}),
      rejectUnauthorized: true,
    });
    const connection = new OutboundConnection(socket, options.remoteAtSign);
    await connection.#withTimeout(
      new Promise<string>((resolve, reject) => {
        connection.#pending = { kind: 'greeting', resolve, reject };
        connection.#tryComplete();
      }),
      options.connectTimeoutMs,
      `connecting to ${options.remoteAtSign} at ${host}:${port}`,
    );
    return connection;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends one command and returns its parsed answer (an `error:` answer is returned, not thrown). */
  request(command: string, timeoutMs: number): Promise<AtResponse> {
    return this.#enqueue(async () => parseResponse(await this.#exchange(command, 'answer', timeoutMs)));
  }

  /** Sends `pol` and returns the raw answer: `@me@` on success, an `error:` line otherwise. */
  pol(timeoutMs: number): Promise<string> {
    return this.#enqueue(() => this.#exchange('pol', 'pol', timeoutMs));
  }

  /** Marks the connection pol-authenticated (changes the prompt to expect). */
  markAuthenticated(atSign: string): void {
    this.#authenticatedAs = atSign;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.end('@exit\n');
    this.#socket.destroySoon();
  }

  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #exchange(command: string, kind: ReadKind, timeoutMs: number): Promise<string> {
    if (this.#closed) throw this.#closeError ?? new AtServerVerbError('AT0004', `connection to ${this.remoteAtSign} is closed`);
    this.lastUsed = Date.now();
    const answer = new Promise<string>((resolve, reject) => {
      this.#pending = { kind, resolve, reject };
    });
    this.#socket.write(`${command}\n`);
    return this.#withTimeout(answer, timeoutMs, `waiting for ${this.remoteAtSign} to answer ${command.split(':')[0] ?? ''}`);
  }

  async #withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new AtServerVerbError('AT0023', `Timeout ${what}`);
        this.#fail(error);
        reject(error);
      }, timeoutMs);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Completes the pending read if the buffer holds a whole answer. */
  #tryComplete(): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    const text = this.#takeAnswer(pending.kind);
    if (text === undefined) return;
    this.#pending = undefined;
    pending.resolve(text);
  }

  // The greeting is a lone `@`; an answer is `<line>\n<prompt>`, the prompt being `@` or, for
  // data on a pol-authenticated connection, `@<me>@`; the pol reply is `@<me>@` alone.
  #takeAnswer(kind: ReadKind): string | undefined {
    const buffer = this.#buffer;
    if (kind === 'greeting') {
      if (!buffer.startsWith('@')) return undefined;
      this.#buffer = buffer.slice(1);
      return '@';
    }
    if (kind === 'pol' && POL_REPLY.test(buffer)) {
      this.#buffer = '';
      return buffer;
    }
    const newline = buffer.indexOf('\n');
    if (newline === -1) return undefined;
    const line = stripPrompt(buffer.slice(0, newline).replace(/\r$/, ''));
    const after = buffer.slice(newline + 1);
    const expected = line.startsWith('data:') && this.#authenticatedAs !== undefined ? `${this.#authenticatedAs}@` : '@';
    if (after.startsWith(expected)) {
      this.#buffer = after.slice(expected.length);
      return line;
    }
    // A peer that prompts differently: take any complete `@…@`, or a lone `@` once nothing
    // longer can still be coming.
    const other = /^@(?:[^@\n]*@)?/.exec(after);
    if (other === null || (other[0] === '@' && expected.startsWith(after))) return undefined;
    this.#buffer = after.slice(other[0].length);
    return line;
  }

  #fail(error: AtServerVerbError): void {
    this.#closeError ??= error;
    if (!this.#closed) {
      this.#closed = true;
      this.#socket.destroy();
    }
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(this.#closeError);
  }
}
