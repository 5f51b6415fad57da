/**
 * APKAM enrollments as stored (protocol.md §7.26, crypto.md §10): one key per enrollment,
 * `<id>.new.enrollments.__manage@<me>`, holding JSON in the reference's field names, and the
 * encrypted default keys an approval leaves for the new device under
 * `<id>.default_enc_private_key.__manage@<me>` / `<id>.default_self_enc_key.__manage@<me>`.
 * None of them is committed or listed by scan: they are the server's business.
 */

export type EnrollmentState = 'pending' | 'approved' | 'denied' | 'revoked';
export type NamespaceAccess = 'r' | 'rw';

export interface EnrollmentRecord {
  readonly sessionId: string;
  readonly appName: string;
  readonly deviceName: string;
  readonly namespaces: Readonly<Record<string, NamespaceAccess>>;
  /** base64 SPKI (RSA) or uncompressed-point hex (ECC). */
  readonly apkamPublicKey: string;
  readonly requestType: 'newEnrollment';
  readonly approval: { readonly state: EnrollmentState };
  readonly encryptedAPKAMSymmetricKey?: string;
  /** Epoch ms the request was made (pending requests expire). */
  readonly requestedAt: number;
  /** Epoch ms after which the device's APKAM keys stop working, if the request set one. */
  readonly apkamKeysExpiresAt?: number;
}

/** The namespace that grants managing enrollments (otp, enroll, monitor of self notifications). */
export const MANAGE_NAMESPACE = '__manage';

export function enrollmentKeyName(enrollmentId: string, atSign: string): string {
  return `${enrollmentId}.new.enrollments.${MANAGE_NAMESPACE}${atSign}`;
}

export function encryptionPrivateKeyName(enrollmentId: string, atSign: string): string {
  return `${enrollmentId}.default_enc_private_key.${MANAGE_NAMESPACE}${atSign}`;
}

export function selfEncryptionKeyName(enrollmentId: string, atSign: string): string {
  return `${enrollmentId}.default_self_enc_key.${MANAGE_NAMESPACE}${atSign}`;
}

/** Keys of the enrollment machinery (never committed, never scanned). */
export function isEnrollmentMachineryKey(key: string): boolean {
  return key.includes(`.${MANAGE_NAMESPACE}@`);
}

const ACCESS: ReadonlySet<string> = new Set(['r', 'rw']);

/** Reads a namespaces map from request JSON; undefined when it is not `{ns: "r"|"rw"}`. */
export function readNamespaces(value: unknown): Record<string, NamespaceAccess> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const namespaces: Record<string, NamespaceAccess> = {};
  for (const [name, access] of Object.entries(value as Record<string, unknown>)) {
    if (typeof access !== 'string' || !ACCESS.has(access.toLowerCase()) || name === '') return undefined;
    namespaces[name.toLowerCase()] = access.toLowerCase() as NamespaceAccess;
  }
  return namespaces;
}
