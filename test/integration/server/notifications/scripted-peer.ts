/**
 * A real TLS server, registered in the platform's directory under its own atSign, that plays
 * the recipient's atServer just far enough for a sending server: `@` greeting, a proof for
 * `from:`, `@<sender>@` for `pol`, and for every `notify:` whatever the test scripts
 * (default `data:success`). It records the exact command lines it receives, so tests can
 * check the wire format the sender writes and drive its error paths.
 */
import tls from 'node:tls';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { TestPlatform } from '../../../helpers/platform.js';

/** What to answer a notify: a reply line (a prompt is added), or 'silence' (never answer). */
export type PeerAnswer = string | 'silence';

export class ScriptedPeer {
  readonly atSign: string;
  readonly notifyLines: string[] = [];
  /** Decides the answer to each notify (default: data:success). */
  answer: (line: string, index: number) => PeerAnswer = () => 'data:success';
  readonly #server: tls.Server;
  readonly #sockets = new Set<tls.TLSSocket>();
  readonly #waiters: Array<() => void> = [];

  private constructor(atSign: string, server: tls.Server) {
    this.atSign = atSign;
    this.#server = server;
  }

  static async start(env: TestPlatform, name: string): Promise<ScriptedPeer> {
    const server = tls.createServer(env.serverCredentials());
    const peer = new ScriptedPeer(`@${name}`, server);
    server.on('secureConnection', (socket) => peer.#serve(socket));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    await env.platform.registry.register(name, 'localhost', (server.address() as AddressInfo).port);
    return peer;
  }

  /** Resolves once `count` notify lines have arrived. */
  async received(count: number): Promise<string[]> {
    while (this.notifyLines.length < count) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    return this.notifyLines.slice(0, count);
  }

  /** Connections open to this peer now. */
  get connections(): number {
    return this.#sockets.size;
  }

  /** Resolves once exactly `count` connections are open (closes and opens both wake it). */
  async untilConnections(count: number): Promise<void> {
    while (this.#sockets.size !== count) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  /** Drops every connection (the sender sees its connection fail). */
  dropConnections(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  #serve(socket: tls.TLSSocket): void {
    this.#sockets.add(socket);
    this.#wake();
    socket.on('close', () => {
      this.#sockets.delete(socket);
      this.#wake();
    });
    socket.on('error', () => undefined);
    socket.setEncoding('utf8');
    let buffer = '';
    let sender = '';
    socket.write('@');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let newline = buffer.indexOf('\n'); newline !== -1; newline = buffer.indexOf('\n')) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (line.startsWith('from:')) {
          sender = line.slice('from:'.length);
          socket.write(`data:proof:_${randomUUID()}${sender}:${randomUUID()}\n@`);
        } else if (line === 'pol') {
          socket.write(`${sender}@`);
        } else if (line.startsWith('notify:')) {
          const index = this.notifyLines.length;
          this.notifyLines.push(line);
          this.#wake();
          const answer = this.answer(line, index);
          if (answer !== 'silence') socket.write(`${answer}\n${answer.startsWith('data:') ? `${sender}@` : '@'}`);
        } else if (line === '@exit') {
          socket.end();
        } else {
          // lookup:all:publickey@peer right after connecting, and anything else.
          socket.write('data:null\n@');
        }
      }
    });
  }
}
