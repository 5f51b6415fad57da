/**
 * The check `from:@someoneElse` makes (protocol.md §1, server.md §7 step 2, with the
 * reference's `clientCertificateRequired: true`): the TLS client certificate must verify
 * against the trusted CAs and name the host the directory returns for that atSign. Only a
 * server presenting its own certificate passes, so a plain client cannot pose as a server.
 */
import { checkServerIdentity } from 'node:tls';
import type { ConnectionHandle } from '../connection-handle.js';
import { unauthenticated } from '../errors.js';
import type { AtSignResolver } from '../outbound/atsign-resolver.js';

export async function verifyClientCertificate(atSign: string, connection: ConnectionHandle, resolver: AtSignResolver): Promise<void> {
  const certificate = connection.peerCertificate();
  if (certificate === undefined || !connection.peerCertificateVerified) throw unauthenticated('Certificate Verification Failed');
  const address = await resolver.resolve(atSign);
  if (address === null || checkServerIdentity(address.host, certificate) !== undefined) {
    throw unauthenticated('Certificate Verification Failed');
  }
}
