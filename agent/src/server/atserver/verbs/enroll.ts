/**
 * `enroll:<request|approve|deny|revoke|unrevoke|delete|list|fetch>[:force][:{json}]`
 * (protocol.md §7.26, crypto.md §10, server.md §3.2).
 *
 *  - request: unauthenticated with a valid OTP/passcode → pending (manager apps get a self
 *    notification); on a CRAM connection (onboarding) → approved at once with
 *    `{"__manage":"rw","*":"rw"}`, its APKAM key also becoming the legacy PKAM key;
 *  - approve/deny/revoke/unrevoke/delete/list/fetch: owner only; APKAM connections need
 *    `__manage`, and to approve, authority over every namespace being granted;
 *  - revoking ends the revoked device's open connections (its next command would fail anyway).
 * Enrollment errors are AT0011 with the connection left open, as in the reference.
 */
import { randomUUID } from 'node:crypto';
import type { EnrollCommand } from '../../../protocol/index.js';
import { authRequired, AtServerVerbError, illegalArgument, internalError, ResponseLevelError, unauthorized } from '../errors.js';
import { MANAGE_NAMESPACE, enrollmentKeyName, readNamespaces, type EnrollmentRecord, type EnrollmentState } from '../apkam/enrollment-record.js';
import { namespacesAllow } from '../apkam/namespace-access.js';
import { PKAM_PUBLIC_KEY } from '../keys/reserved-keys.js';
import { NOTIFICATIONS } from '../notifications/notification-module.js';
import type { AtSignServerContext } from '../server-context.js';
import type { Session } from '../session.js';
import { dataReply, type VerbContext, type VerbHandler, type VerbReply } from '../verb-handler.js';

/** Enrollment requests one connection may make per hour (reference: 5). */
const REQUESTS_PER_HOUR = 5;
const REQUEST_LOG = 'enroll:requests';
const SELF_NOTIFICATION_TTL_MS = 24 * 60 * 60 * 1000;

function enrollmentError(detail: string): AtServerVerbError {
  return internalError(detail, false);
}

function text(params: Readonly<Record<string, unknown>> | undefined, name: string): string | undefined {
  const value = params?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function reply(enrollmentId: string, status: string): VerbReply {
  return dataReply(JSON.stringify({ enrollmentId, status }));
}

function throttle(session: Session, now: number): void {
  const recent = ((session.attachments.get(REQUEST_LOG) as number[] | undefined) ?? []).filter((at) => at > now - 60 * 60_000);
  if (recent.length >= REQUESTS_PER_HOUR) throw enrollmentError('too many enrollment requests on this connection; try again later');
  session.attachments.set(REQUEST_LOG, [...recent, now]);
}

function request(command: EnrollCommand, { server, session }: VerbContext): VerbReply {
  const params = command.params;
  const appName = text(params, 'appName');
  const deviceName = text(params, 'deviceName');
  const apkamPublicKey = text(params, 'apkamPublicKey');
  if (appName === undefined || deviceName === undefined || apkamPublicKey === undefined) {
    throw illegalArgument('enroll:request needs appName, deviceName and apkamPublicKey');
  }
  const now = server.tuning.clock.now();
  throttle(session, now);
  const onboarding = session.authType === 'cram';
  let namespaces = readNamespaces(params?.['namespaces']);
  if (onboarding) namespaces = { ...namespaces, [MANAGE_NAMESPACE]: 'rw', '*': 'rw' };
  if (namespaces === undefined || Object.keys(namespaces).length === 0) {
    throw illegalArgument('enroll:request needs namespaces, e.g. {"wavi":"rw"}');
  }
  if (!session.isOwner) {
    const otp = text(params, 'otp');
    if (otp === undefined || !server.apkam.otps.redeem(otp)) throw enrollmentError('invalid otp. Cannot process enroll request');
  }
  const enrollmentId = randomUUID();
  const expiry = params?.['apkamKeysExpiryInMillis'];
  const encryptedAPKAMSymmetricKey = text(params, 'encryptedAPKAMSymmetricKey');
  const state: EnrollmentState = onboarding ? 'approved' : 'pending';
  const record: EnrollmentRecord = {
    sessionId: session.sessionId,
    appName,
    deviceName,
    namespaces,
    apkamPublicKey,
    requestType: 'newEnrollment',
    approval: { state },
    requestedAt: now,
    ...(encryptedAPKAMSymmetricKey === undefined ? {} : { encryptedAPKAMSymmetricKey }),
    ...(typeof expiry === 'number' && expiry > 0 ? { apkamKeysExpiresAt: now + expiry } : {}),
  };
  server.apkam.enrollments.put(enrollmentId, record);
  if (onboarding) {
    server.apkam.enrollments.storeEncryptedKeys(enrollmentId, text(params, 'encryptedDefaultEncryptionPrivateKey'), text(params, 'encryptedDefaultSelfEncryptionKey'));
    server.keys.putRecord(PKAM_PUBLIC_KEY, { value: apkamPublicKey, metadata: server.keys.newMetadata() }, { origin: 'server' });
  } else {
    notifyManagers(server, enrollmentId, record);
  }
  return reply(enrollmentId, state);
}

/** The self notification manager apps watch for (crypto.md §10 step 3). */
function notifyManagers(server: AtSignServerContext, enrollmentId: string, record: EnrollmentRecord): void {
  const value = JSON.stringify({
    encryptedApkamSymmetricKey: record.encryptedAPKAMSymmetricKey,
    encryptedAPKAMSymmetricKey: record.encryptedAPKAMSymmetricKey,
    appName: record.appName,
    deviceName: record.deviceName,
    namespace: record.namespaces,
  });
  try {
    server.module(NOTIFICATIONS).notifySelf(enrollmentKeyName(enrollmentId, server.atSign), value, SELF_NOTIFICATION_TTL_MS);
  } catch (error) {
    server.tuning.logger.warn(`${server.atSign}: could not notify managers of enrollment ${enrollmentId}: ${(error as Error).message}`);
  }
}

function target(command: EnrollCommand, server: AtSignServerContext): [string, EnrollmentRecord] {
  const enrollmentId = text(command.params, 'enrollmentId');
  if (enrollmentId === undefined) throw illegalArgument(`enroll:${command.operation} needs an enrollmentId`);
  const record = server.apkam.enrollments.get(enrollmentId);
  if (record === undefined) throw enrollmentError(`enrollment id: ${enrollmentId} not found in keystore`);
  return [enrollmentId, record];
}

const TRANSITIONS: Readonly<Record<string, { readonly from: readonly EnrollmentState[]; readonly to: EnrollmentState }>> = {
  approve: { from: ['pending'], to: 'approved' },
  deny: { from: ['pending'], to: 'denied' },
  revoke: { from: ['approved'], to: 'revoked' },
  unrevoke: { from: ['revoked'], to: 'approved' },
};

function changeState(command: EnrollCommand, { server, session }: VerbContext): VerbReply {
  const [enrollmentId, record] = target(command, server);
  const transition = TRANSITIONS[command.operation];
  if (transition === undefined) throw enrollmentError(`unknown enrollment operation ${command.operation}`);
  if (server.apkam.enrollments.isExpiredRequest(record)) {
    throw new ResponseLevelError('AT0028', `enrollment_id: ${enrollmentId} is expired or invalid`);
  }
  if (!transition.from.includes(record.approval.state)) {
    throw enrollmentError(`Cannot ${command.operation} a ${record.approval.state} enrollment`);
  }
  if (command.operation === 'approve' && session.enrollmentId !== undefined) {
    const approver = server.apkam.enrollmentOf(session);
    const covered = Object.keys(record.namespaces).every((namespace) => namespace === MANAGE_NAMESPACE || (approver !== undefined && namespacesAllow(approver.namespaces, `x.${namespace}@x`, 'rw')));
    if (!covered) throw unauthorized(`Connection with enrollment ID ${session.enrollmentId} cannot grant every namespace of ${enrollmentId}`);
  }
  if (command.operation === 'revoke' && session.enrollmentId === enrollmentId && !command.force) {
    throw new AtServerVerbError('AT0031', 'Cannot revoke self enrollment', { close: false });
  }
  server.apkam.enrollments.setState(enrollmentId, transition.to);
  if (command.operation === 'approve') {
    server.apkam.enrollments.storeEncryptedKeys(enrollmentId, text(command.params, 'encryptedDefaultEncryptionPrivateKey'), text(command.params, 'encryptedDefaultSelfEncryptionKey'));
  }
  if (command.operation === 'revoke') {
    for (const connection of server.connections) {
      if (connection.session.enrollmentId === enrollmentId && connection.session !== session) connection.close();
    }
  }
  return reply(enrollmentId, transition.to);
}

function summary(record: EnrollmentRecord): Record<string, unknown> {
  return {
    appName: record.appName,
    deviceName: record.deviceName,
    namespace: record.namespaces,
    ...(record.encryptedAPKAMSymmetricKey === undefined ? {} : { encryptedAPKAMSymmetricKey: record.encryptedAPKAMSymmetricKey }),
    status: record.approval.state,
  };
}

function list(command: EnrollCommand, { server, session }: VerbContext): VerbReply {
  const filter = command.params?.['enrollmentStatusFilter'];
  const states = Array.isArray(filter) ? new Set(filter.filter((state): state is string => typeof state === 'string')) : undefined;
  const own = server.apkam.mayManage(session) ? undefined : session.enrollmentId;
  const listed: Record<string, unknown> = {};
  for (const [id, record] of server.apkam.enrollments.list()) {
    if (own !== undefined && id !== own) continue;
    if (states !== undefined && !states.has(record.approval.state)) continue;
    listed[enrollmentKeyName(id, server.atSign)] = summary(record);
  }
  return dataReply(JSON.stringify(listed));
}

function fetch(command: EnrollCommand, { server, session }: VerbContext): VerbReply {
  const [enrollmentId, record] = target(command, server);
  if (session.enrollmentId !== enrollmentId && !server.apkam.mayManage(session)) {
    throw unauthorized(`Connection with enrollment ID ${session.enrollmentId} cannot read enrollment ${enrollmentId}`);
  }
  return dataReply(JSON.stringify(summary(record)));
}

function remove(command: EnrollCommand, { server }: VerbContext): VerbReply {
  const [enrollmentId, record] = target(command, server);
  if (record.approval.state !== 'denied' && record.approval.state !== 'revoked') {
    throw enrollmentError(`Only denied or revoked enrollments can be deleted; ${enrollmentId} is ${record.approval.state}`);
  }
  server.apkam.enrollments.delete(enrollmentId);
  return reply(enrollmentId, 'deleted');
}

export const enrollVerb: VerbHandler<'enroll'> = {
  verb: 'enroll',
  ownerOnly: false,
  handle(command, context) {
    const { server, session } = context;
    if (command.operation === 'request') return request(command, context);
    if (!session.isOwner) throw authRequired();
    if (command.operation !== 'list' && command.operation !== 'fetch') server.apkam.requireManage(session);
    switch (command.operation) {
      case 'list':
        return list(command, context);
      case 'fetch':
        return fetch(command, context);
      case 'delete':
        return remove(command, context);
      default:
        return changeState(command, context);
    }
  },
};
