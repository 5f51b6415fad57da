/**
 * The Redis registry: records are plain string keys, `SET <atsign-without-@> host:port`,
 * exactly as atsign's at_root stores them, so several directory servers (ours or the
 * reference) can share one Redis. The Redis client is imported lazily: the default,
 * in-process path never loads it.
 */
import { registryKey, registryValue, RegistryUnavailableError, type DirectoryRegistry } from './registry.js';

export interface RedisRegistryOptions {
  /** Give up on the first connection after this long (default 10 s). Later drops are retried forever. */
  readonly connectTimeoutMs?: number;
  readonly logger?: { warn(message: string): void };
}

export async function openRedisRegistry(url: string, options: RedisRegistryOptions = {}): Promise<DirectoryRegistry> {
  const { createClient } = await import('@redis/client');
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const logger = options.logger ?? { warn: (message: string) => console.warn(message) };
  const startedAt = Date.now();
  let connectedOnce = false;
  let lastWarning = '';

  const client = createClient({
    url,
    // Commands fail at once while Redis is unreachable instead of queueing: a lookup must
    // not hang a client, which retries on its own.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: connectTimeoutMs,
      reconnectStrategy: (retries, cause) => {
        if (!connectedOnce && Date.now() - startedAt > connectTimeoutMs) {
          return new RegistryUnavailableError(`cannot reach Redis at ${redactUrl(url)}: ${cause.message}`, cause);
        }
        return Math.min(50 * 2 ** Math.min(retries, 6), 2_000);
      },
    },
  });
  client.on('error', (error: Error) => {
    // Without a listener the client's 'error' events would crash the process; say it
    // once per distinct problem rather than on every reconnect attempt.
    if (error.message !== lastWarning) {
      lastWarning = error.message;
      logger.warn(`directory registry: Redis at ${redactUrl(url)}: ${error.message}`);
    }
  });
  client.on('ready', () => {
    connectedOnce = true;
    lastWarning = '';
  });
  try {
    await client.connect();
  } catch (error) {
    destroyQuietly(client);
    if (error instanceof RegistryUnavailableError) throw error;
    throw new RegistryUnavailableError(`cannot reach Redis at ${redactUrl(url)}: ${(error as Error).message}`, error);
  }

  const unavailable = (error: unknown) =>
    new RegistryUnavailableError(`Redis at ${redactUrl(url)} failed: ${(error as Error).message}`, error);

  return {
    async lookup(key) {
      try {
        return await client.get(key);
      } catch (error) {
        throw unavailable(error);
      }
    },
    async register(atSign, host, port) {
      const key = registryKey(atSign);
      const value = registryValue(host, port);
      try {
        await client.set(key, value);
      } catch (error) {
        throw unavailable(error);
      }
    },
    async unregister(atSign) {
      const key = registryKey(atSign);
      try {
        return (await client.del(key)) > 0;
      } catch (error) {
        throw unavailable(error);
      }
    },
    async close() {
      if (client.isReady) await client.close();
      else destroyQuietly(client);
    },
  };
}

function destroyQuietly(client: { destroy(): void }): void {
  try {
    client.destroy();
  } catch {
    // Already closed.
  }
}

/** The URL without its password, for messages. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparsable Redis URL>';
  }
}
