/**
 * The receiving side of `pol` (server.md §7 step 5): over a fresh, unauthenticated
 * connection to the caller's server, fetch the signature it published as
 * `public:<sessionId>@caller` and its `public:signing_publickey@caller`, and check the
 * signature over the proof this server issued.
 */
import type { AtResponse } from '../../../protocol/index.js';
import { AtServerVerbError, internalError, unauthenticated } from '../errors.js';
import type { OutboundPool } from '../outbound/outbound-pool.js';
import { rsaPublicKey } from './parsed-public-keys.js';

export interface PolClaim {
  readonly callerAtSign: string;
  readonly sessionId: string;
  readonly proof: string;
}

function valueOf(response: AtResponse, what: string): string {
  if (response.kind === 'data' && !response.isNull) return response.payload;
  throw internalError(`pol: could not read ${what} from the caller's server`);
}

export async function verifyPol(claim: PolClaim, pool: OutboundPool, timeoutMs: number): Promise<void> {
  let signature: string;
  let publicKey: string;
  try {
    [signature, publicKey] = await pool.withFresh(claim.callerAtSign, async (connection) => {
      const signed = await connection.request(`lookup:${claim.sessionId}${claim.callerAtSign}`, timeoutMs);
      const key = await connection.request(`lookup:signing_publickey${claim.callerAtSign}`, timeoutMs);
      return [valueOf(signed, 'the signed proof'), valueOf(key, 'the signing public key')];
    });
  } catch (error) {
    if (error instanceof AtServerVerbError && error.code === 'AT0011') throw error;
    throw internalError(`pol: could not reach ${claim.callerAtSign}'s server (${(error as Error).message})`);
  }
  const key = rsaPublicKey(publicKey);
  if (key === null || !key.verifyText(claim.proof, signature, 'sha256')) throw unauthenticated('Pol Authentication Failed');
}
