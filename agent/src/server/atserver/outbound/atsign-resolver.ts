/**
 * Finds the atServer of an atSign, as the reference asks its root (server.md §7). The
 * platform answers from its directory registry directly (in-process map or Redis): the same
 * records its atDirectory serves, without a TLS round trip per lookup.
 */
import { registryKey, type DirectoryRegistry } from '../../directory/index.js';

export interface ServerAddress {
  readonly host: string;
  readonly port: number;
}

export interface AtSignResolver {
  /** The atServer address of `atSign` (normalised, with `@`), or null when unknown. */
  resolve(atSign: string): Promise<ServerAddress | null>;
}

/** Splits a `host:port` record on its last `:`; null for anything else. */
export function parseServerAddress(record: string | null): ServerAddress | null {
  if (record === null) return null;
  const colon = record.lastIndexOf(':');
  const port = Number(record.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { host: record.slice(0, colon), port };
}

export function registryResolver(registry: DirectoryRegistry): AtSignResolver {
  return {
    async resolve(atSign) {
      let key: string;
      try {
        key = registryKey(atSign);
      } catch {
        return null;
      }
      return parseServerAddress(await registry.lookup(key));
    },
  };
}
