/**
 * One AtClient per atSign in a process, as atsign's SDKs keep them: `createClient` makes
 * (and registers) one, `getClient` finds it again anywhere in the application.
 */
import { normalizeAtSign } from '../protocol/index.js';
import { AtClient } from './at-client.js';
import type { AtClientPreferences } from './preferences.js';

const clients = new Map<string, AtClient>();

/**
 * Creates, connects and registers the client of `atSign`. A client already registered for
 * that atSign is closed first: two clients racing on one atSign's shared keys is a bug.
 */
export async function createClient(atSign: string, namespace?: string, preferences: AtClientPreferences = {}): Promise<AtClient> {
  const name = normalizeAtSign(atSign);
  await clients.get(name)?.close();
  const client = await AtClient.create(name, namespace, preferences, (closed) => {
    if (clients.get(name) === closed) clients.delete(name);
  });
  clients.set(name, client);
  return client;
}

/** The registered client of `atSign`, if any. */
export function getClient(atSign: string): AtClient | undefined {
  return clients.get(normalizeAtSign(atSign));
}
