/**
 * The server's own signing key pair (server.md §2.1 step 2, crypto.md §6): generated on the
 * first start, stored as `public:signing_publickey@<me>` (base64 SPKI) and
 * `@<me>:signing_privatekey@<me>` (base64 PKCS#8) with the marker
 * `privatekey:signing_keypair_generated`, and used to sign `pol` proofs.
 */
import { generateRsaKeyPair, RsaPrivateKey } from '../../crypto/index.js';
import type { OwnerKeyStore } from './keys/owner-key-store.js';

export const SIGNING_KEYPAIR_MARKER = 'privatekey:signing_keypair_generated';

export function signingPublicKeyName(atSign: string): string {
  return `public:signing_publickey${atSign}`;
}

export function signingPrivateKeyName(atSign: string): string {
  return `${atSign}:signing_privatekey${atSign}`;
}

/** Loads the signing key, generating and storing a new pair first if there is none. */
export async function ensureSigningKey(keys: OwnerKeyStore): Promise<RsaPrivateKey> {
  const stored = keys.get(signingPrivateKeyName(keys.atSign))?.value;
  if (keys.has(SIGNING_KEYPAIR_MARKER) && typeof stored === 'string') {
    return RsaPrivateKey.fromBase64(stored);
  }
  const pair = await generateRsaKeyPair();
  keys.putRecord(signingPublicKeyName(keys.atSign), { value: pair.publicKey.toBase64(), metadata: keys.newMetadata() }, { origin: 'server' });
  keys.putRecord(signingPrivateKeyName(keys.atSign), { value: pair.privateKey.toBase64(), metadata: keys.newMetadata() }, { origin: 'server' });
  keys.putRecord(SIGNING_KEYPAIR_MARKER, { value: 'true', metadata: keys.newMetadata() }, { origin: 'server' });
  return pair.privateKey;
}
