/** A small TLS client for the directory tests: it reads raw bytes, so tests see exactly what the server wrote. */
import tls from 'node:tls';
import { once } from 'node:events';

export class DirectoryTestClient {
  readonly socket: tls.TLSSocket;
  #buffer = '';
  #closed = false;
  #changed: Array<() => void> = [];

  private constructor(socket: tls.TLSSocket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      this.#notify();
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#notify();
    });
    socket.on('error', () => undefined);
  }

  /** Connects with full verification against `ca`, as `localhost`. */
  static async connect(port: number, ca: string): Promise<DirectoryTestClient> {
    const socket = tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost', rejectUnauthorized: true });
    const client = new DirectoryTestClient(socket);
    await Promise.race([
      once(socket, 'secureConnect'),
      once(socket, 'close').then(() => {
        throw new Error('closed during the handshake');
      }),
    ]);
    return client;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** What arrived and was not read yet. */
  get unread(): string {
    return this.#buffer;
  }

  write(data: string | Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(data, (error) => (error ? reject(error) : resolve())));
  }

  /** Waits for `terminator` and returns everything before it (consuming both). */
  async readUntil(terminator: string): Promise<string> {
    for (;;) {
      const at = this.#buffer.indexOf(terminator);
      if (at !== -1) {
        const text = this.#buffer.slice(0, at);
        this.#buffer = this.#buffer.slice(at + terminator.length);
        return text;
      }
      if (this.#closed) throw new Error(`connection closed before ${JSON.stringify(terminator)}; unread: ${JSON.stringify(this.#buffer)}`);
      await this.#nextChange();
    }
  }

  /** Sends one lookup line and returns the answer (without its `\r\n@`). */
  async lookup(line: string): Promise<string> {
    await this.write(`${line}\n`);
    return this.readUntil('\r\n@');
  }

  /** Waits until the server closed the connection; returns what was left unread. */
  async waitClosed(): Promise<string> {
    while (!this.#closed) await this.#nextChange();
    return this.#buffer;
  }

  destroy(): void {
    this.socket.destroy();
  }

  #nextChange(): Promise<void> {
    return new Promise((resolve) => this.#changed.push(resolve));
  }

  #notify(): void {
    const waiting = this.#changed;
    this.#changed = [];
    for (const wake of waiting) wake();
  }
}
