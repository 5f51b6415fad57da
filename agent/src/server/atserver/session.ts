/**
 * What the server knows about one inbound connection (server.md §2.2): its session id, who it
 * claims to be and how that was proven, and which error form it gets. Verb handlers read and
 * change it; the connection writes prompts from it.
 */
import { randomUUID } from 'node:crypto';
import { formatPrompt, usesJsonErrors } from '../../protocol/index.js';

export type AuthType = 'cram' | 'pkam' | 'apkam';

/** The challenge of the last `from` on this connection. */
export interface PendingFrom {
  /** The claimed atSign, normalised. */
  readonly atSign: string;
  /** The uuid proof. */
  readonly proof: string;
  /** Claimed someone else's atSign (server-to-server). */
  readonly foreign: boolean;
  /** The text a client signs or hashes: `<sessionId><atSign>:<proof>`. */
  readonly challenge: string;
  /** Epoch ms after which the challenge is no longer accepted. */
  readonly expiresAt: number;
}

/**
 * `_<uuid v4>` as one flat string. Node's randomUUID() returns a tree of ~15 concatenated
 * pieces, ~520 bytes of heap instead of ~64, which a session would keep for the connection's
 * life (measured: 1,000 idle connections, heap snapshot diff).
 */
function newSessionId(): string {
  return Buffer.from(`_${randomUUID()}`, 'latin1').toString('latin1');
}

export class Session {
  /** `_<uuid v4>`, made when the connection is accepted. */
  readonly sessionId = newSessionId();
  readonly ownerAtSign: string;
  /** Epoch ms of the last command received. */
  lastActivity: number;
  pendingFrom: PendingFrom | undefined;
  /** Owner-authenticated (cram/pkam). */
  authType: AuthType | undefined;
  /** APKAM enrollment the connection authenticated with. */
  enrollmentId: string | undefined;
  /** Pol-authenticated as this atSign (server-to-server). */
  polAtSign: string | undefined;
  /** `clientConfig` version from `from`, `n/a` when none was sent. */
  clientVersion = 'n/a';
  /** JSON error form (clientConfig version above 3.0.37). */
  jsonErrors = false;
  /** The connection ran `monitor` (set by the monitor verb). */
  isMonitor = false;
  #attachments: Map<string, unknown> | undefined;

  constructor(ownerAtSign: string, now: number) {
    this.ownerAtSign = ownerAtSign;
    this.lastActivity = now;
  }

  /**
   * Free slots for verb families that keep per-connection state (e.g. enrollment request
   * counts); made on first use, as most connections never need one.
   */
  get attachments(): Map<string, unknown> {
    this.#attachments ??= new Map();
    return this.#attachments;
  }

  get isOwner(): boolean {
    return this.authType !== undefined;
  }

  get isPol(): boolean {
    return this.polAtSign !== undefined;
  }

  get isAuthenticated(): boolean {
    return this.isOwner || this.isPol;
  }

  setClientVersion(version: string | undefined): void {
    this.clientVersion = version ?? 'n/a';
    this.jsonErrors = usesJsonErrors(version);
  }

  authenticateOwner(type: AuthType, enrollmentId?: string): void {
    this.authType = type;
    this.enrollmentId = enrollmentId;
    this.polAtSign = undefined;
    this.pendingFrom = undefined;
  }

  authenticatePol(atSign: string): void {
    this.polAtSign = atSign;
    this.pendingFrom = undefined;
  }

  /** The prompt after a successful answer. */
  dataPrompt(): string {
    if (this.isOwner) return formatPrompt(this.ownerAtSign);
    if (this.polAtSign !== undefined) return formatPrompt(this.polAtSign);
    return formatPrompt();
  }

  /** The prompt after an error: the owner's, or `@` (pol connections too: a reference quirk). */
  errorPrompt(): string {
    return this.isOwner ? formatPrompt(this.ownerAtSign) : formatPrompt();
  }
}
