/**
 * atDirectory (root) lookups (protocol.md §2): which host:port serves an atSign. As in the
 * Dart client: a fresh TLS connection per lookup (the root throttles repeated not-found
 * answers per connection), retries with growing delays, successful answers cached for an
 * hour, and the `proxy:` convention that skips the root altogether.
 */
import { normalizeAtSign, parseRootAnswer, rootLookupCommand, type SecondaryAddress } from '../protocol/index.js';
import { AtConnection, DEFAULT_CONNECT_TIMEOUT_MS } from './connection.js';
import { AtSignNotFoundError, ConnectError } from './errors.js';
import type { TlsSettings } from './tls-options.js';

export const DEFAULT_ROOT = 'root.atsign.org:64';
export const DEFAULT_DIRECTORY_CACHE_TTL_MS = 60 * 60 * 1000;
/** Dart's SecondaryUrlFinder waits 50, 100, 150, 200 ms between its five attempts. */
export const DEFAULT_LOOKUP_RETRY_DELAYS_MS: readonly number[] = [50, 100, 150, 200];

export interface RootAddress extends SecondaryAddress {
  /** `proxy:host:port`: every atSign is served at host:port, the root is never asked. */
  readonly proxy: boolean;
  /** As configured, for messages. */
  readonly text: string;
}

export class RootAddressError extends Error {
  constructor(text: string) {
    super(`root must be host:port (or proxy:host:port), got ${JSON.stringify(text)}`);
    this.name = 'RootAddressError';
  }
}

/** Parses `root.atsign.org:64`, `proxy:host:port` or `host` (port 64). */
export function parseRootAddress(text: string): RootAddress {
  const proxy = text.startsWith('proxy:');
  const rest = proxy ? text.slice('proxy:'.length) : text;
  const colon = rest.lastIndexOf(':');
  const host = colon === -1 ? rest : rest.slice(0, colon);
  const portText = colon === -1 ? '64' : rest.slice(colon + 1);
  const port = Number(portText);
  if (host === '' || /[\s/@]/.test(host) || !/^\d+$/.test(portText) || port < 1 || port > 65535) throw new RootAddressError(text);
  return { host, port, proxy, text };
}

export interface DirectoryOptions extends TlsSettings {
  /** Default `root.atsign.org:64`. */
  readonly root?: string | undefined;
  /** How long a found address is trusted. Default one hour. */
  readonly cacheTtlMs?: number | undefined;
  /** Waits between attempts after failures (not after "not found"). */
  readonly retryDelaysMs?: readonly number[] | undefined;
  /** Per attempt (connect + answer). Default 10 s. */
  readonly timeoutMs?: number | undefined;
  /** For tests: the clock the cache uses. */
  readonly now?: (() => number) | undefined;
}

interface CacheEntry {
  readonly address: SecondaryAddress;
  readonly expiresAt: number;
}

export class AtDirectory {
  readonly root: RootAddress;
  readonly #options: DirectoryOptions;
  readonly #cache = new Map<string, CacheEntry>();
  readonly #inFlight = new Map<string, Promise<SecondaryAddress | null>>();
  readonly #now: () => number;

  constructor(options: DirectoryOptions = {}) {
    this.root = parseRootAddress(options.root ?? DEFAULT_ROOT);
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** The atServer address of `atSign`, or null when the root does not know it. */
  async lookup(atSign: string): Promise<SecondaryAddress | null> {
    const name = normalizeAtSign(atSign);
    if (this.root.proxy) return { host: this.root.host, port: this.root.port };
    const cached = this.#cache.get(name);
    if (cached !== undefined) {
      if (cached.expiresAt > this.#now()) return cached.address;
      this.#cache.delete(name);
    }
    let pending = this.#inFlight.get(name);
    if (pending === undefined) {
      pending = this.#lookupWithRetries(name).finally(() => this.#inFlight.delete(name));
      this.#inFlight.set(name, pending);
    }
    return pending;
  }

  /** Like lookup(), but an unknown atSign is an AtSignNotFoundError (AT0007). */
  async resolve(atSign: string): Promise<SecondaryAddress> {
    const address = await this.lookup(atSign);
    if (address === null) throw new AtSignNotFoundError(normalizeAtSign(atSign), this.root.text);
    return address;
  }

  /** Forgets a cached address (e.g. after its server stopped answering: it may have moved). */
  invalidate(atSign: string): void {
    this.#cache.delete(normalizeAtSign(atSign));
  }

  async #lookupWithRetries(atSign: string): Promise<SecondaryAddress | null> {
    const delays = this.#options.retryDelaysMs ?? DEFAULT_LOOKUP_RETRY_DELAYS_MS;
    let lastError: unknown;
    for (let attempt = 0; attempt <= delays.length; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, delays[attempt - 1]));
      try {
        const address = await this.#queryRoot(atSign);
        if (address !== null) this.#cache.set(atSign, { address, expiresAt: this.#now() + (this.#options.cacheTtlMs ?? DEFAULT_DIRECTORY_CACHE_TTL_MS) });
        return address;
      } catch (error) {
        lastError = error;
      }
    }
    if (lastError instanceof ConnectError) throw lastError;
    throw new ConnectError(this.root.host, this.root.port, `atDirectory lookup of ${atSign} failed: ${(lastError as Error).message}`, {
      cause: lastError,
    });
  }

  async #queryRoot(atSign: string): Promise<SecondaryAddress | null> {
    const timeoutMs = this.#options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const connection = await AtConnection.open({
      host: this.root.host,
      port: this.root.port,
      ca: this.#options.ca,
      rejectUnauthorized: this.#options.rejectUnauthorized,
      connectTimeoutMs: timeoutMs,
      commandTimeoutMs: timeoutMs,
      framing: 'line',
    });
    try {
      return parseRootAnswer(await connection.execute(rootLookupCommand(atSign)));
    } finally {
      await connection.close(); // says @exit, as the root expects
    }
  }
}
