/**
 * APKAM for one atSign: its enrollments, its one-time passwords, and the checks every
 * APKAM-authenticated command goes through (the enrollment must still be usable; keys only
 * within its namespaces).
 */
import type { Clock } from '../clock.js';
import { ResponseLevelError, unauthorized } from '../errors.js';
import type { OwnerKeyStore } from '../keys/owner-key-store.js';
import type { Session } from '../session.js';
import type { EnrollmentRecord, NamespaceAccess } from './enrollment-record.js';
import { EnrollmentStore } from './enrollment-store.js';
import { canManage, namespacesAllow } from './namespace-access.js';
import { OtpStore } from './otp-store.js';

export class Apkam {
  readonly enrollments: EnrollmentStore;
  readonly otps: OtpStore;

  constructor(keys: OwnerKeyStore, clock: Clock) {
    this.enrollments = new EnrollmentStore(keys, clock);
    this.otps = new OtpStore(keys, clock);
  }

  /** The enrollment an APKAM session authenticated with. */
  enrollmentOf(session: Session): EnrollmentRecord | undefined {
    return session.enrollmentId === undefined ? undefined : this.enrollments.get(session.enrollmentId);
  }

  /**
   * Before any command of an APKAM session: its enrollment must still be approved and its
   * keys unexpired, else `error:AT0028:…` and the connection closes (server.md §2.3 step 5).
   */
  checkSession(session: Session): void {
    const id = session.enrollmentId;
    if (id === undefined) return;
    const enrollment = this.enrollments.get(id);
    if (enrollment === undefined || enrollment.approval.state !== 'approved' || this.enrollments.areKeysExpired(enrollment)) {
      throw new ResponseLevelError('AT0028', `The enrollment id: ${id} is expired. Closing the connection`, { close: true });
    }
  }

  /** Whether the session may manage enrollments (otp, enroll): `__manage`, or no enrollment at all. */
  mayManage(session: Session): boolean {
    return session.enrollmentId === undefined || canManage(this.enrollmentOf(session));
  }

  /** AT0009 unless the session may manage enrollments. */
  requireManage(session: Session): void {
    if (!this.mayManage(session)) throw unauthorized(`Connection with enrollment ID ${session.enrollmentId} cannot manage enrollments`);
  }

  /** AT0009 unless the session may `access` `key` (unrestricted without an enrollment). */
  requireAccess(session: Session, key: string, access: NamespaceAccess): void {
    if (this.allows(session, key, access)) return;
    const verb = access === 'rw' ? 'update' : 'read';
    throw unauthorized(`Connection with enrollment ID ${session.enrollmentId} is not authorized to ${verb} key: ${key}`);
  }

  /** Whether the session may see `key` (scan, sync). */
  allows(session: Session, key: string, access: NamespaceAccess = 'r'): boolean {
    if (session.enrollmentId === undefined) return true;
    const enrollment = this.enrollmentOf(session);
    return enrollment !== undefined && namespacesAllow(enrollment.namespaces, key, access);
  }
}
