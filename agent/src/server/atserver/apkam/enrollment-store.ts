/**
 * The enrollments of one atSign, kept in its key store (enrollment-record.ts for the names).
 * Pending requests expire after `pendingLifetimeMs` (reference: 48 h).
 */
import type { Clock } from '../clock.js';
import type { OwnerKeyStore } from '../keys/owner-key-store.js';
import type { StoredRecord } from '../keys/stored-record.js';
import {
  encryptionPrivateKeyName,
  enrollmentKeyName,
  selfEncryptionKeyName,
  type EnrollmentRecord,
  type EnrollmentState,
} from './enrollment-record.js';

const parsed = new WeakMap<StoredRecord, EnrollmentRecord>();

export const PENDING_ENROLLMENT_LIFETIME_MS = 48 * 60 * 60 * 1000;

const ENROLLMENT_KEY = /^([^.]+)\.new\.enrollments\.__manage@/;

export class EnrollmentStore {
  readonly #keys: OwnerKeyStore;
  readonly #clock: Clock;

  constructor(keys: OwnerKeyStore, clock: Clock) {
    this.#keys = keys;
    this.#clock = clock;
  }

  get(enrollmentId: string): EnrollmentRecord | undefined {
    const stored = this.#keys.get(enrollmentKeyName(enrollmentId, this.#keys.atSign));
    if (stored === undefined || typeof stored.value !== 'string') return undefined;
    // Every command of an APKAM connection checks its enrollment: parse each version once.
    let record = parsed.get(stored);
    if (record === undefined) {
      try {
        record = JSON.parse(stored.value) as EnrollmentRecord;
      } catch {
        return undefined;
      }
      parsed.set(stored, record);
    }
    return record;
  }

  put(enrollmentId: string, record: EnrollmentRecord): void {
    const key = enrollmentKeyName(enrollmentId, this.#keys.atSign);
    this.#keys.putRecord(key, { value: JSON.stringify(record), metadata: this.#keys.newMetadata() }, { origin: 'server' });
  }

  setState(enrollmentId: string, state: EnrollmentState): EnrollmentRecord | undefined {
    const record = this.get(enrollmentId);
    if (record === undefined) return undefined;
    const next: EnrollmentRecord = { ...record, approval: { state } };
    this.put(enrollmentId, next);
    return next;
  }

  delete(enrollmentId: string): void {
    const atSign = this.#keys.atSign;
    for (const key of [enrollmentKeyName(enrollmentId, atSign), encryptionPrivateKeyName(enrollmentId, atSign), selfEncryptionKeyName(enrollmentId, atSign)]) {
      if (this.#keys.has(key)) this.#keys.delete(key, { origin: 'server' });
    }
  }

  /** Every enrollment, by id. */
  list(): Array<[string, EnrollmentRecord]> {
    const found: Array<[string, EnrollmentRecord]> = [];
    for (const key of this.#keys.keys()) {
      const id = ENROLLMENT_KEY.exec(key)?.[1];
      if (id === undefined) continue;
      const record = this.get(id);
      if (record !== undefined) found.push([id, record]);
    }
    return found;
  }

  /** A pending request older than its lifetime can no longer be approved or used. */
  isExpiredRequest(record: EnrollmentRecord): boolean {
    return record.approval.state === 'pending' && this.#clock.now() > record.requestedAt + PENDING_ENROLLMENT_LIFETIME_MS;
  }

  /** The device's APKAM keys stopped working (apkamKeysExpiryInMillis). */
  areKeysExpired(record: EnrollmentRecord): boolean {
    return record.apkamKeysExpiresAt !== undefined && this.#clock.now() > record.apkamKeysExpiresAt;
  }

  /** Leaves the new device its encrypted copies of the default keys (`keys:get` reads them). */
  storeEncryptedKeys(enrollmentId: string, encryptedPrivateKey: string | undefined, encryptedSelfKey: string | undefined): void {
    const atSign = this.#keys.atSign;
    for (const [name, value] of [
      [encryptionPrivateKeyName(enrollmentId, atSign), encryptedPrivateKey],
      [selfEncryptionKeyName(enrollmentId, atSign), encryptedSelfKey],
    ] as const) {
      if (value === undefined) continue;
      this.#keys.putRecord(name, { value: JSON.stringify({ value }), metadata: this.#keys.newMetadata() }, { origin: 'server' });
    }
  }
}
