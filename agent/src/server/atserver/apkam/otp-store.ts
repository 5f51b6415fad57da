/**
 * One-time passwords for `enroll:request` (crypto.md §10): `otp:get` codes (6 characters
 * without `0`/`O`, 5 min by default, each usable once, kept in memory: a code that does not
 * survive a restart is simply asked for again) and `otp:put` semi-permanent passcodes
 * (kept in the key store, reusable until they expire).
 */
import { randomInt } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { OwnerKeyStore } from '../keys/owner-key-store.js';

const ALPHABET = 'ABCDEFGHIJKLMNPQRSTUVWXYZ123456789';
export const DEFAULT_OTP_TTL_MS = 5 * 60_000;
const MAX_LIVE_CODES = 1_000;

export class OtpStore {
  readonly #codes = new Map<string, number>();
  readonly #keys: OwnerKeyStore;
  readonly #clock: Clock;

  constructor(keys: OwnerKeyStore, clock: Clock) {
    this.#keys = keys;
    this.#clock = clock;
  }

  /** A new one-time code, valid for `ttlMs`. */
  issue(ttlMs = DEFAULT_OTP_TTL_MS): string {
    const now = this.#clock.now();
    for (const [code, expiresAt] of this.#codes) if (expiresAt < now) this.#codes.delete(code);
    while (this.#codes.size >= MAX_LIVE_CODES) this.#codes.delete(this.#codes.keys().next().value as string);
    let code = '';
    for (let i = 0; i < 6; i++) code += ALPHABET[randomInt(ALPHABET.length)];
    this.#codes.set(code, now + ttlMs);
    return code;
  }

  /** Stores a semi-permanent passcode (`otp:put`); without ttl it lasts until replaced. */
  putPasscode(passcode: string, ttlMs?: number): void {
    const record = { value: passcode, metadata: this.#keys.newMetadata(ttlMs === undefined ? {} : { ttl: ttlMs, expiresAt: this.#clock.now() + ttlMs }) };
    this.#keys.putRecord(this.#passcodeKey(), record, { origin: 'server' });
  }

  /** Whether `code` is a live one-time code (then spent) or the current passcode. */
  redeem(code: string): boolean {
    const expiresAt = this.#codes.get(code);
    if (expiresAt !== undefined) {
      this.#codes.delete(code);
      return expiresAt >= this.#clock.now();
    }
    const passcode = this.#keys.getActive(this.#passcodeKey());
    return passcode !== undefined && passcode.value === code;
  }

  #passcodeKey(): string {
    return `private:apkam_passcode${this.#keys.atSign}`;
  }
}
