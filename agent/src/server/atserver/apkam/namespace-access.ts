/**
 * What an APKAM-authenticated connection may touch (server.md §3.2): keys in the namespaces
 * its enrollment holds (`r` to read, `rw` to write), `*` for everything; reserved keys
 * (public key, shared keys, signing keys) always. Connections without an enrollment (legacy
 * PKAM, CRAM) are unrestricted. `__manage` covers only the enrollment machinery's own keys
 * (`<id>.new.enrollments.__manage@me`: the self notifications a manager's monitor gets).
 * The notification verbs use the same check (`Apkam.allows`).
 */
import { classifyKey, parseAtKey } from '../../../protocol/index.js';
import { MANAGE_NAMESPACE, type EnrollmentRecord, type NamespaceAccess } from './enrollment-record.js';

function entityOf(key: string): string | undefined {
  try {
    return parseAtKey(key).entity;
  } catch {
    return undefined;
  }
}

/** Whether namespaces `granted` allow `access` to `key`. */
export function namespacesAllow(granted: Readonly<Record<string, NamespaceAccess>>, key: string, access: NamespaceAccess): boolean {
  if (classifyKey(key) === 'reservedKey') return true;
  const entity = entityOf(key);
  if (entity === undefined) return false;
  const dotted = `.${entity}`.toLowerCase();
  for (const [namespace, given] of Object.entries(granted)) {
    if (access === 'rw' && given !== 'rw') continue;
    if (namespace === '*' || dotted.endsWith(`.${namespace}`)) return true;
  }
  return false;
}

/** Whether the enrollment may manage enrollments (otp, enroll approve/deny/…). */
export function canManage(enrollment: EnrollmentRecord | undefined): boolean {
  return enrollment?.namespaces[MANAGE_NAMESPACE] !== undefined;
}
