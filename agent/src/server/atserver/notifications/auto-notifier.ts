/**
 * autoNotify (server.md §6.6): when the owner changes a key shared with another atSign,
 * `@bob:<key>@me`, the server itself notifies @bob. `update` sends the value and the key's
 * metadata (ttr/ccd, sharedKeyEnc, pubKeyCS, ivNonce, …), `update:meta` the metadata alone,
 * `delete` a delete notification. This is what puts `@bob:shared_key@me` into bob's cache
 * (`cached:@bob:shared_key@me`), which bob's client needs to read anything alice shares.
 *
 * Only changes made by the owner's verbs count (not expiry, cache writes or the server's
 * own keys), as in the reference.
 */
import type { KeyChange, KeyEvents } from '../key-events.js';
import { metadataFromOptions, SERVER_NOTIFIER, type OutgoingNotification } from './outgoing-notifications.js';

// A stored (normalised) shared key: `@<recipient>:<entity>@<owner>`.
const SHARED_KEY = /^(@[^:@\s]+):([^@]+)(@[^:@\s]+)$/;

export interface AutoNotifierOptions {
  readonly atSign: string;
  readonly events: KeyEvents;
  readonly defaultTtlMs: number;
  readonly send: (notification: OutgoingNotification) => void;
}

/** The notification a key change calls for, or undefined when it is not a change of a shared key. */
export function autoNotification(change: KeyChange, me: string, ttl: number): OutgoingNotification | undefined {
  if (change.origin !== 'client') return undefined;
  const match = SHARED_KEY.exec(change.key);
  if (match === null) return undefined;
  const [, recipient, , owner] = match as unknown as [string, string, string, string];
  if (owner !== me || recipient === me) return undefined;
  const base = {
    from: me,
    to: recipient,
    key: change.key,
    notifier: SERVER_NOTIFIER,
    ttl,
    ...(change.priority === undefined ? {} : { priority: change.priority }),
  };
  if (change.operation === 'delete') return { ...base, opType: 'delete' };
  const record = change.record;
  if (record === undefined) return undefined;
  return {
    ...base,
    opType: 'update',
    ...(change.operation === 'update' && record.value !== null ? { value: record.value } : {}),
    metadata: metadataFromOptions(record.metadata, true),
  };
}

export class AutoNotifier {
  readonly #unsubscribe: () => void;

  constructor(options: AutoNotifierOptions) {
    this.#unsubscribe = options.events.on((change) => {
      const notification = autoNotification(change, options.atSign, options.defaultTtlMs);
      if (notification !== undefined) options.send(notification);
    });
  }

  close(): void {
    this.#unsubscribe();
  }
}
