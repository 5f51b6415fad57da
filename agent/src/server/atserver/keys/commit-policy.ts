/**
 * Which keys go into the commit log (server.md §4.1, §8).
 * Keys starting `private:`, `privatekey:`, `local:` or `public:_` (single underscore) are
 * never committed: they are server-internal, client-local, or short-lived handshake proofs;
 * neither is the enrollment machinery (`….__manage@me`).
 */
import { isEnrollmentMachineryKey } from '../apkam/enrollment-record.js';

export function isCommitted(key: string): boolean {
  if (isEnrollmentMachineryKey(key)) return false;
  if (key.startsWith('private:') || key.startsWith('privatekey:') || key.startsWith('local:')) return false;
  if (key.startsWith('public:_') && !key.startsWith('public:__')) return false;
  return true;
}

