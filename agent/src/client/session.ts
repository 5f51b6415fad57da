/**
 * The authenticated link to the client's own atServer: find it through the atDirectory,
 * connect, authenticate; and again after every drop. `openAuthenticated` makes one such
 * connection (the monitor uses it directly); `ServerSession` keeps one for commands,
 * reconnecting lazily when a command finds it gone.
 */
import type { RsaPrivateKey } from '../crypto/index.js';
import {
  AtConnection,
  ConnectError,
  retryWithBackoff,
  type AtDirectory,
  type BackoffOptions,
  type CommandBatcher,
  type CommandOptions,
} from '../net/index.js';
import { isApkamEnrollmentError, isAtSignNotFound, isUnauthenticated } from '../protocol/index.js';
import { authenticateWithPkam, type PkamAuthOptions } from './auth.js';

export interface SessionSettings {
  readonly atSign: string;
  readonly directory: AtDirectory;
  readonly pkamPrivateKey: RsaPrivateKey;
  readonly pkam: PkamAuthOptions;
  readonly ca: Buffer | undefined;
  readonly connectTimeoutMs: number;
  readonly commandTimeoutMs: number;
  readonly reconnect: BackoffOptions;
  /** Combine queued puts into `batch` commands (the command connection does; monitors need not). */
  readonly batcher?: CommandBatcher | undefined;
}

/** Errors that another attempt will not fix: wrong keys, unknown atSign, refused enrollment. */
export function isPermanentFailure(error: unknown): boolean {
  return isAtSignNotFound(error) || isUnauthenticated(error) || isApkamEnrollmentError(error);
}

/** One connection to the atSign's own server, authenticated with PKAM. */
export async function openAuthenticated(settings: SessionSettings): Promise<AtConnection> {
  const address = await settings.directory.resolve(settings.atSign);
  let connection: AtConnection;
  try {
    connection = await AtConnection.open({
      host: address.host,
      port: address.port,
      ca: settings.ca,
      connectTimeoutMs: settings.connectTimeoutMs,
      commandTimeoutMs: settings.commandTimeoutMs,
      batcher: settings.batcher,
    });
  } catch (error) {
    // The atServer may have moved: ask the directory again next time.
    if (error instanceof ConnectError) settings.directory.invalidate(settings.atSign);
    throw error;
  }
  try {
    await authenticateWithPkam(connection, settings.atSign, settings.pkamPrivateKey, settings.pkam);
  } catch (error) {
    connection.destroy();
    throw error;
  }
  return connection;
}

export type ConnectedListener = (connection: AtConnection) => void;

/** The command connection, re-established on demand with backoff. */
export class ServerSession {
  readonly #settings: SessionSettings;
  readonly #connectAttempts: number;
  #current: AtConnection | undefined;
  #opening: Promise<AtConnection> | undefined;
  #closed = false;
  readonly #connectedListeners = new Set<ConnectedListener>();

  /** `connectAttempts`: how many times a command tries to (re)connect before it fails. */
  constructor(settings: SessionSettings, connectAttempts = 5) {
    this.#settings = settings;
    this.#connectAttempts = connectAttempts;
  }

  onConnected(listener: ConnectedListener): () => void {
    this.#connectedListeners.add(listener);
    return () => this.#connectedListeners.delete(listener);
  }

  /** The live authenticated connection, (re)connecting if there is none. */
  connection(): Promise<AtConnection> {
    const live = this.#live();
    if (live !== undefined) return Promise.resolve(live);
    this.#opening ??= this.#open().finally(() => (this.#opening = undefined));
    return this.#opening;
  }

  /** The response text of one command (see AtConnection.execute). */
  execute(command: string, options?: CommandOptions): Promise<string> {
    return this.#live()?.execute(command, options) ?? this.connection().then((connection) => connection.execute(command, options));
  }

  /** The `data:` payload of one command; the server's error as AtServerError. */
  data(command: string, options?: CommandOptions): Promise<string> {
    return this.#live()?.data(command, options) ?? this.connection().then((connection) => connection.data(command, options));
  }

  async close(): Promise<void> {
    this.#closed = true;
    const opening = this.#opening;
    if (opening !== undefined) await opening.then((connection) => connection.close(), () => undefined);
    await this.#current?.close();
    this.#current = undefined;
  }

  /** The current connection while it is open: commands use it directly, sparing the hot path connection()'s extra promise. */
  #live(): AtConnection | undefined {
    const current = this.#current;
    return current !== undefined && current.isOpen ? current : undefined;
  }

  async #open(): Promise<AtConnection> {
    const connection = await retryWithBackoff(() => openAuthenticated(this.#settings), {
      maxAttempts: this.#connectAttempts,
      backoff: this.#settings.reconnect,
      shouldRetry: (error) => !isPermanentFailure(error) && !this.#closed,
    });
    if (this.#closed) {
      await connection.close();
      throw new ConnectError(connection.host, connection.port, 'the client was closed while connecting');
    }
    this.#current = connection;
    for (const listener of this.#connectedListeners) listener(connection);
    return connection;
  }
}
