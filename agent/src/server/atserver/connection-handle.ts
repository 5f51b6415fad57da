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
  /** Runs each time the peer has taken what was waiting (after `push` filled the socket). */
  onDrain(listener: () => void): void;
  readonly closed: boolean;
  close(): void;
  /** Runs once when the connection closes (for whatever reason). */
  onClose(listener: () => void): void;
}
