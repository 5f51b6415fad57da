/** Server-internal key names (protocol.md §4.2) the verbs and start-up duties share. */
export const CRAM_SECRET_KEY = 'privatekey:at_secret';
export const CRAM_SECRET_DELETED_KEY = 'privatekey:at_secret_deleted';
export const PKAM_PUBLIC_KEY = 'privatekey:at_pkam_publickey';

export function encryptionPublicKeyName(atSign: string): string {
  return `public:publickey${atSign}`;
}
