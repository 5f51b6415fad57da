/**
 * A scripted @protocol peer on a real TLS socket: it greets, then answers each expected
 * command line with given bytes, written in chosen chunks. Tests drive the real client
 * against it to see exactly what the client sends and how it reads odd byte streams.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { AtConnection, type AtConnectionOptions } from '../../../../agent/src/net/index.js';
import { testTls } from './test-tls.js';

/** What the peer does when a line arrives. */
export interface ScriptStep {
  /** The line the client must send (without `\n`), or a test for it. */
  readonly expect: string | RegExp | ((line: string) => boolean);
  /** Bytes to write back; nothing when absent. */
  readonly reply?: string | Buffer | undefined;
  /**
   * How to cut `reply`: sizes of consecutive chunks (the rest goes last), or `bytes` for one
   * byte per write. Each chunk is flushed before the next is written.
   */
  readonly chunks?: readonly number[] | 'bytes' | undefined;
  /** After replying (if at all): end the connection (`end`) or reset it (`destroy`). */
  readonly then?: 'end' | 'destroy' | undefined;
}

export interface PeerConnection {
  readonly socket: TLSSocket;
  /** Lines received so far. */
  readonly lines: string[];
  /** Writes raw bytes (a notification line, say) at any time. */
  write(bytes: string | Buffer, chunks?: ScriptStep['chunks']): Promise<void>;
}

export interface ScriptedPeerOptions {
  /** Written right after the handshake; default `@`. */
  readonly greeting?: string | Buffer | undefined;
  /** The script of each accepted connection, by index; the last one repeats. */
  readonly scripts: readonly (readonly ScriptStep[])[];
}

export interface ScriptedPeer {
  readonly host: string;
  readonly port: number;
  readonly address: string;
  readonly caPem: string;
  readonly connections: PeerConnection[];
  /** Mismatches between the script and what the client sent. */
  readonly problems: string[];
  /** Resolves with the nth connection (0-based) once it has been accepted. */
  connection(index: number): Promise<PeerConnection>;
  /** Resolves once connection `index` has received `count` lines. */
  linesReceived(index: number, count: number): Promise<string[]>;
  close(): Promise<void>;
}

function matches(expect: ScriptStep['expect'], line: string): boolean {
  if (typeof expect === 'string') return expect === line;
  if (expect instanceof RegExp) return expect.test(line);
  return expect(line);
}

function cut(bytes: Buffer, chunks: ScriptStep['chunks']): Buffer[] {
  if (chunks === undefined) return [bytes];
  if (chunks === 'bytes') return [...bytes].map((byte) => Buffer.of(byte));
  const pieces: Buffer[] = [];
  let at = 0;
  for (const size of chunks) {
    if (at >= bytes.length) break;
    pieces.push(bytes.subarray(at, at + size));
    at += size;
  }
  if (at < bytes.length) pieces.push(bytes.subarray(at));
  return pieces;
}

/**
 * Writes `bytes` in pieces. `onComplete` runs just before the piece that lets a client see
 * the response as complete (the one holding the byte after the first `\n@`... or the last).
 */
async function writeChunks(
  socket: TLSSocket,
  bytes: string | Buffer,
  chunks: ScriptStep['chunks'],
  onComplete?: () => void,
): Promise<void> {
  const all = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'utf8');
  const boundary = all.indexOf('\n@');
  const completeAt = boundary === -1 ? all.length : boundary + 2;
  const pieces = cut(all, chunks);
  let written = 0;
  let completed = false;
  for (const piece of pieces) {
    written += piece.length;
    if (!completed && written >= completeAt) {
      completed = true;
      onComplete?.();
    }
    if (socket.destroyed) return;
    await new Promise<void>((resolve) => socket.write(piece, () => resolve()));
    // Let the record leave before the next one so that reads see separate pieces.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export async function startScriptedPeer(options: ScriptedPeerOptions): Promise<ScriptedPeer> {
  const tls = await testTls();
  const connections: PeerConnection[] = [];
  const problems: string[] = [];
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((wakeUp) => wakeUp());
  const sockets = new Set<TLSSocket>();

  const server: Server = createServer({ key: tls.keyPem, cert: tls.certPem }, (socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    const index = connections.length;
    const script = options.scripts[Math.min(index, options.scripts.length - 1)] ?? [];
    const lines: string[] = [];
    const connection: PeerConnection = { socket, lines, write: (bytes, chunks) => writeChunks(socket, bytes, chunks) };
    connections.push(connection);
    let step = 0;
    let buffered = '';
    let work = Promise.resolve();
    // A step is "open" from its line's arrival until its reply is written; a line arriving
    // while one is open means the client pipelined.
    let openSteps = 0;
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        lines.push(line);
        // A client's polite `@exit` at the end needs no script step.
        if (line === '@exit' && (script[step] === undefined || !matches(script[step]!.expect, line))) continue;
        const current = script[step++];
        if (openSteps > 0) problems.push(`connection ${index}: ${JSON.stringify(line)} arrived before the previous reply (pipelined)`);
        if (current?.reply !== undefined) openSteps++;
        work = work.then(async () => {
          if (current === undefined) {
            problems.push(`connection ${index}: unexpected line ${JSON.stringify(line)}`);
            return;
          }
          if (!matches(current.expect, line)) {
            problems.push(`connection ${index}: expected ${String(current.expect)}, got ${JSON.stringify(line)}`);
          }
          if (current.reply !== undefined) {
            // Counted as answered once the client can see the response complete.
            await writeChunks(socket, current.reply, current.chunks, () => openSteps--);
          }
          if (current.then === 'end') socket.end();
          if (current.then === 'destroy') socket.destroy();
        });
        wake();
      }
    });
    void writeChunks(socket, options.greeting ?? '@', undefined);
    wake();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');

  const until = async <T>(ready: () => T | undefined): Promise<T> => {
    for (;;) {
      const value = ready();
      if (value !== undefined) return value;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };

  return {
    host: '127.0.0.1',
    port: address.port,
    address: `127.0.0.1:${address.port}`,
    caPem: tls.caPem,
    connections,
    problems,
    connection: (index) => until(() => connections[index]),
    linesReceived: (index, count) => until(() => {
      const lines = connections[index]?.lines;
      return lines !== undefined && lines.length >= count ? lines : undefined;
    }),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Starts a peer, runs `body`, and closes the peer whatever happens. Returns the closed peer, for what it saw. */
export async function withScriptedPeer(options: ScriptedPeerOptions, body: (peer: ScriptedPeer) => Promise<void>): Promise<ScriptedPeer> {
  const peer = await startScriptedPeer(options);
  try {
    await body(peer);
  } finally {
    await peer.close();
  }
  return peer;
}

/**
 * Starts a peer, opens an AtConnection to it (trusting its CA; `connection` adds options),
 * runs `body`, and closes both whatever happens. Returns the closed peer, for what it saw.
 */
export function withPeerConnection(
  options: ScriptedPeerOptions,
  body: (peer: ScriptedPeer, connection: AtConnection) => Promise<void>,
  connection: Partial<AtConnectionOptions> = {},
): Promise<ScriptedPeer> {
  return withScriptedPeer(options, async (peer) => {
    const opened = await AtConnection.open({ ...connection, host: peer.host, port: peer.port, ca: peer.caPem });
    try {
      await body(peer, opened);
    } finally {
      await opened.close();
    }
  });
}

/**
 * `withPeerConnection` with one script, which the client must follow exactly (no problems);
 * returns the lines the peer received.
 */
export async function withScriptedConnection(
  steps: readonly ScriptStep[],
  body: (connection: AtConnection) => Promise<void>,
  connection: Partial<AtConnectionOptions> = {},
): Promise<string[]> {
  const peer = await withPeerConnection({ scripts: [steps] }, (_, opened) => body(opened), connection);
  assert.deepEqual(peer.problems, []);
  return peer.connections[0]?.lines ?? [];
}
