/**
 * Finds the atServer of an atSign, as the reference asks its root (server.md §7). The
 * platform answers from its directory registry directly (in-process map or Redis): the same
 * records its atDirectory serves, without a TLS round trip per lookup.
 */
import { parseRootAnswer, type SecondaryAddress } from '../../../protocol/index.js';
import { registryKey, type DirectoryRegistry } from '../../directory/index.js';

export interface AtSignResolver {
  /** The atServer address of `atSign` (normalised, with `@`), or null when unknown. */
  resolve(atSign: string): Promise<SecondaryAddress | null>;
}

/** A registry record read as a client reads the atDirectory's answer; null when unusable. */
function parseRecord(record: string | null): SecondaryAddress | null {
  if (record === null) return null;
  try {
    return parseRootAnswer(record);
  } catch {
    return null;
  }
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
      return parseRecord(await registry.lookup(key));
    },
  };
}
