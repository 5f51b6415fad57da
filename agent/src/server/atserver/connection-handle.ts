/**
 * What verb handlers may do with the connection a command came on, without knowing about
 * sockets: look at the peer's TLS certificate (for `from`), push asynchronous lines (monitor
 * notifications), and close it.
 */
import type { PeerCertificate } from 'node:tls';
import type { Session } from './session.js';

export interface ConnectionHandle {
  readonly session: Session;
  /** The client certificate, when the peer presented one. */
  peerCertificate(): PeerCertificate | undefined;
  /** Whether the peer's certificate chain verified against the trusted CAs. */
  readonly peerCertificateVerified: boolean;
  /**
   * Writes text outside the request/response flow (a `notification:` line). Returns false
   * when the peer is not reading and the text was DROPPED: callers decide whether a slow
   * monitor loses lines or the connection. Never buffers without bound.
   */
  push(text: string): boolean;
  /** Bytes written but not yet taken by the peer. */
  readonly pendingOutputBytes: number;
  readonly closed: boolean;
  close(): void;
  /**
   * Tells `observer` about drains and the close (at once if already closed). One observer
   * object serves every connection of whoever watches them, so an idle connection holds no
   * closures for its watchers (1,000 idle monitors: ~0.6 MiB of closures and arrays saved).
   */
  observe(observer: ConnectionObserver): void;
}

export interface ConnectionObserver {
  /** The peer has taken what was waiting (after `push` filled the socket). */
  connectionDrained?(connection: ConnectionHandle): void;
  /** Once, when the connection closes (for whatever reason). */
  connectionClosed?(connection: ConnectionHandle): void;
}
