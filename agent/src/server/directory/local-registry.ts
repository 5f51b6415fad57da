/**
 * The in-process registry: a Map in memory, persisted with the storage engine so
 * registrations survive restarts. For a single host; several hosts share a directory
 * through the Redis registry instead.
 */
import { DurableStore, type DurableStoreOptions } from '../storage/durable-store.js';
import { registryKey, registryValue, type DirectoryRegistry } from './registry.js';

const TABLE = 'records';

export type LocalRegistryOptions = Omit<DurableStoreOptions, 'tables'>;

export async function openLocalRegistry(dir: string, options: LocalRegistryOptions = {}): Promise<DirectoryRegistry> {
  const store = await DurableStore.open(dir, 'directory', { ...options, tables: [TABLE] });
  const records = store.table(TABLE);
  return {
    async lookup(key) {
      const value = records.get(key);
      return typeof value === 'string' ? value : null;
    },
    async register(atSign, host, port) {
      store.put(TABLE, registryKey(atSign), registryValue(host, port));
    },
    async unregister(atSign) {
      const key = registryKey(atSign);
      if (!records.has(key)) return false;
      store.delete(TABLE, key);
      return true;
    },
    close: () => store.close(),
  };
}
