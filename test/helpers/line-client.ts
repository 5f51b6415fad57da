/**
 * A raw TLS line client for server tests: it writes exactly the bytes a test gives it and
 * reads exactly what the server wrote, so tests talk to the server the way foreign SDKs do.
 *
 * Replies are read as `<line>\n<prompt>`. Which prompt to wait for follows the connection's
 * state as the client tracks it (owner after a successful cram/pkam, pol after `@x@`), so a
 * prompt split across TLS records is never mistaken for a shorter one.
 */
import tls from 'node:tls';
import { once } from 'node:events';

export interface Reply {
  /** The response line without its `\n` (`data:…`, `error:…`). */
  readonly line: string;
  /** The prompt that followed it (`@`, `@alice@`). */
  readonly prompt: string;
}

export interface LineClientOptions {
  readonly ca: string | string[];
  readonly host?: string;
  /** Name the server certificate is checked against (default `localhost`). */
  readonly servername?: string;
  /** A client certificate to present (to pose as a server). */
  readonly cert?: string;
  readonly key?: string;
  /** Wait for (and consume) the `@` greeting (default true). */
  readonly greeting?: boolean;
}

export class LineClient {
  readonly socket: tls.TLSSocket;
  /** Authenticated as this atSign (owner): every prompt is `@<it>@`. */
  owner: string | undefined;
  /** Pol-authenticated as this atSign: data prompts are `@<it>@`, error prompts `@`. */
  pol: string | undefined;
  #buffer = '';
  #closed = false;
  #waiters: Array<() => void> = [];

  constructor(socket: tls.TLSSocket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      this.#wake();
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#wake();
    });
    socket.on('error', () => undefined);
  }

  /** Called on a subclass, makes one of it (protocol-specific helpers on the same reader). */
  static async connect<T extends LineClient>(this: new (socket: tls.TLSSocket) => T, port: number, options: LineClientOptions): Promise<T> {
    const socket = tls.connect({
      host: options.host ?? '127.0.0.1',
      port,
      ca: options.ca,
      servername: options.servername ?? 'localhost',
      ...(options.cert === undefined ? {} : { cert: options.cert, key: options.key }),
    });
    const client = new this(socket);
    await Promise.race([
      once(socket, 'secureConnect'),
      once(socket, 'close').then(() => {
        throw new Error('connection closed during the handshake');
      }),
    ]);
    if (options.greeting ?? true) {
      const greeting = await client.readExactly(1);
      if (greeting !== '@') throw new Error(`expected the @ greeting, got ${JSON.stringify(greeting)}`);
    }
    return client;
  }

  /** What arrived and was not read yet. */
  get unread(): string {
    return this.#buffer;
  }

  write(text: string | Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(text, (error) => (error ? reject(error) : resolve())));
  }

  /**
   * Sends `command\n` and reads the reply. `prompt` overrides the prompt to expect after a
   * `data:` answer (e.g. the owner prompt after a pkam that should succeed).
   */
  async send(command: string, prompt?: string): Promise<Reply> {
    await this.write(`${command}\n`);
    return this.read(prompt);
  }

  /** Sends a command and returns the reply line, failing unless it starts with `data:`. */
  async data(command: string): Promise<string> {
    const reply = await this.send(command);
    if (!reply.line.startsWith('data:')) throw new Error(`${command.slice(0, 80)} → ${reply.line.slice(0, 300)}`);
    return reply.line.slice(5);
  }

  /** Reads one `<line>\n<prompt>` reply; `expectedPrompt` is for a `data:` answer. */
  async read(expectedPrompt?: string): Promise<Reply> {
    const line = await this.readUntil('\n');
    const isData = line.startsWith('data:');
    const prompt = isData ? (expectedPrompt ?? this.#dataPrompt()) : this.#errorPrompt();
    const got = await this.readExactly(prompt.length);
    if (got !== prompt) throw new Error(`expected the prompt ${prompt} after ${JSON.stringify(line.slice(0, 200))}, got ${JSON.stringify(got)}`);
    return { line, prompt };
  }

  /** Waits for `terminator` and returns what came before it (both consumed). */
  async readUntil(terminator: string): Promise<string> {
    for (;;) {
      const at = this.#buffer.indexOf(terminator);
      if (at !== -1) {
        const text = this.#buffer.slice(0, at);
        this.#buffer = this.#buffer.slice(at + terminator.length);
        return text;
      }
      if (this.#closed) throw new Error(`closed before ${JSON.stringify(terminator)}; unread ${JSON.stringify(this.#buffer.slice(0, 300))}`);
      await this.#change();
    }
  }

  /** Reads exactly `count` characters. */
  async readExactly(count: number): Promise<string> {
    while (this.#buffer.length < count) {
      if (this.#closed) throw new Error(`closed after ${JSON.stringify(this.#buffer)}; wanted ${count} characters`);
      await this.#change();
    }
    const text = this.#buffer.slice(0, count);
    this.#buffer = this.#buffer.slice(count);
    return text;
  }

  /** Waits until the server closes the connection; returns what was left unread. */
  async waitClosed(): Promise<string> {
    while (!this.#closed) await this.#change();
    const rest = this.#buffer;
    this.#buffer = '';
    return rest;
  }

  destroy(): void {
    this.socket.destroy();
  }

  #dataPrompt(): string {
    if (this.owner !== undefined) return `${this.owner}@`;
    if (this.pol !== undefined) return `${this.pol}@`;
    return '@';
  }

  #errorPrompt(): string {
    return this.owner !== undefined ? `${this.owner}@` : '@';
  }

  #change(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
