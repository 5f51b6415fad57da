/**
 * The connecting side of the server-to-server handshake (server.md §7 steps 1–6): `from:@me`,
 * sign the proof the remote returns with this server's signing key, publish the signature as
 * `public:<sessionId>@me` for the remote to fetch, send `pol`, expect `@me@`. Any failure is
 * AT0008 (Handshake failure), as the reference reports it to the client.
 */
import type { RsaPrivateKey } from '../../../crypto/index.js';
import { AtServerVerbError } from '../errors.js';
import type { ProofStore } from '../proof-store.js';
import type { OutboundConnection } from './outbound-connection.js';

export interface HandshakeParties {
  /** This server's atSign. */
  readonly atSign: string;
  readonly signingKey: RsaPrivateKey;
  readonly proofs: ProofStore;
  readonly timeoutMs: number;
}

function handshakeFailure(remote: string, detail: string, cause?: unknown): AtServerVerbError {
  return new AtServerVerbError('AT0008', `Handshake with ${remote} failed: ${detail}`, { close: false, cause });
}

export async function performHandshake(connection: OutboundConnection, parties: HandshakeParties): Promise<void> {
  const remote = connection.remoteAtSign;
  let response;
  try {
    response = await connection.request(`from:${parties.atSign}`, parties.timeoutMs);
  } catch (error) {
    throw handshakeFailure(remote, `no answer to from (${(error as Error).message})`, error);
  }
  if (response.kind === 'error') throw handshakeFailure(remote, `from was refused: ${response.error.code} ${response.error.detail}`);
  if (response.kind !== 'data' || !response.payload.startsWith('proof:')) {
    throw handshakeFailure(remote, 'from was not answered with a proof');
  }
  // `proof:<sessionId>@me:<uuid>`: atSigns and session ids contain no ':'.
  const [, sessionKey, proof] = response.payload.split(':');
  if (sessionKey === undefined || proof === undefined || sessionKey !== sessionKey.trim() || !sessionKey.endsWith(parties.atSign)) {
    throw handshakeFailure(remote, 'the proof names another atSign or is malformed');
  }
  parties.proofs.put(`public:${sessionKey}`.toLowerCase(), parties.signingKey.signText(proof));
  let reply: string;
  try {
    reply = await connection.pol(parties.timeoutMs);
  } catch (error) {
    throw handshakeFailure(remote, `no answer to pol (${(error as Error).message})`, error);
  }
  if (!reply.startsWith(`${parties.atSign}@`)) {
    throw handshakeFailure(remote, `pol was answered with ${JSON.stringify(reply.slice(0, 120))}`);
  }
  connection.markAuthenticated(parties.atSign);
}
