/**
 * Makes received notifications readable: the value of a key notification, or the text of
 * a text message, decrypted with the sender's shared key (crypto.md §7.4). Left alone: the
 * stats notification (id -1), notifications about the shared key itself (their value is
 * the RSA-wrapped key), and anything not encrypted. A notification that cannot be
 * decrypted is still delivered, with `decryptionError` set and `value` null: nothing is
 * dropped silently.
 */
import {
  isStatsNotification,
  normalizeAtSign,
  parseAtKey,
  type AtKey,
  type AtNotification,
} from '../protocol/index.js';
import { keyRole, ValueCodec } from './value-codec.js';

export interface ReceivedNotification extends AtNotification {
  /** The decrypted value (key notifications), else as received. */
  readonly value: string | null;
  /** For text messages: the (decrypted) text. */
  readonly text?: string | undefined;
  /** The value exactly as it arrived. */
  readonly rawValue: string | null;
  /** True when `value` or `text` was decrypted. */
  readonly decrypted: boolean;
  /** Why decryption failed; the notification is delivered anyway. */
  readonly decryptionError?: Error | undefined;
}

/** C writes `ivNonce` without `isEncrypted` (see value-codec.ts): either marks ciphertext. */
function carriesCiphertext(notification: AtNotification): boolean {
  return notification.isEncrypted || notification.metadata?.ivNonce !== undefined;
}

function isSharedKeyItself(key: AtKey): boolean {
  return key.isReserved && key.entity.startsWith('shared_key');
}

export class NotificationDecoder {
  readonly #atSign: string;
  readonly #codec: ValueCodec;

  constructor(atSign: string, codec: ValueCodec) {
    this.#atSign = normalizeAtSign(atSign);
    this.#codec = codec;
  }

  async decode(notification: AtNotification): Promise<ReceivedNotification> {
    const received = { ...notification, rawValue: notification.value, decrypted: false };
    if (isStatsNotification(notification)) return received;
    try {
      if (notification.messageType === 'text') return await this.#decodeText(received);
      return await this.#decodeKey(received);
    } catch (error) {
      return { ...received, value: null, decryptionError: error as Error };
    }
  }

  async #decodeText(received: ReceivedNotification): Promise<ReceivedNotification> {
    const colon = received.key.indexOf(':');
    const text = colon === -1 ? received.key : received.key.slice(colon + 1);
    if (!carriesCiphertext(received)) return { ...received, text };
    const sender = normalizeAtSign(received.from);
    const role = sender === this.#atSign ? 'self' : 'incoming';
    const plain = await this.#codec.decryptText(received.key, role, sender, undefined, text, received.metadata);
    return { ...received, text: plain, decrypted: true };
  }

  async #decodeKey(received: ReceivedNotification): Promise<ReceivedNotification> {
    const value = received.value;
    if (value === null || !carriesCiphertext(received)) return received;
    let key: AtKey;
    try {
      key = parseAtKey(received.key);
    } catch {
      return received; // Not a key we can reason about: hand it over as it came.
    }
    if (isSharedKeyItself(key)) return received;
    const role = keyRole(key, this.#atSign);
    if (role === 'public') return received;
    const owner = key.sharedBy === undefined ? normalizeAtSign(received.from) : normalizeAtSign(key.sharedBy);
    const plain = await this.#codec.decryptText(received.key, role, owner, key.sharedWith, value, received.metadata);
    return { ...received, value: plain, decrypted: true };
  }
}
