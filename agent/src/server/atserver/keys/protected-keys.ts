import { PKAM_PUBLIC_KEY } from './reserved-keys.js';

/**
 * Keys `delete` refuses (server.md §3.4): the server's signing keys, the encryption public
 * key and the legacy PKAM key. The reference compares `<entity>@<owner>` before the scope
 * prefix is put back, so `@x:publickey@me` is refused too (a quirk kept: it cannot hurt).
 * `cached:` copies of them may be deleted.
 */
export function isProtectedKey(entityAndOwner: string, atSign: string, isCached: boolean): boolean {
  if (isCached) return false;
  const key = entityAndOwner.toLowerCase();
  return (
    key === `signing_publickey${atSign}` ||
    key === `signing_privatekey${atSign}` ||
    key === `publickey${atSign}` ||
    key === PKAM_PUBLIC_KEY ||
    key === 'at_pkam_publickey'
  );
}
