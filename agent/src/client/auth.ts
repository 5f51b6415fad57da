/**
 * Authentication of a connection as its owner (protocol.md §7.1–7.3, crypto.md §4–5):
 * `from:<atSign>` returns a challenge (the text after `data:`, trimmed); `pkam` answers it
 * with an RSA signature, `cram` (onboarding only) with a SHA-512 digest of secret+challenge.
 */
import { cramDigest, type RsaPrivateKey } from '../crypto/index.js';
import type { AtConnection } from '../net/index.js';
import {
  cramCommand,
  fromCommand,
  pkamCommand,
  UnexpectedResponseError,
  type ClientConfigFields,
  type PkamHashingAlgo,
} from '../protocol/index.js';

export interface FromAuthOptions {
  /** Sent as `from:@x:clientConfig:{…}`; a version above 3.0.37 switches errors to JSON. */
  readonly clientConfig?: ClientConfigFields | undefined;
}

export interface PkamAuthOptions extends FromAuthOptions {
  /** Default sha256. */
  readonly hashingAlgo?: PkamHashingAlgo | undefined;
  /** APKAM enrollment to authenticate as. */
  readonly enrollmentId?: string | undefined;
}

/** Sends `from:` and returns the challenge to sign. */
export async function requestChallenge(connection: AtConnection, atSign: string, options: FromAuthOptions = {}): Promise<string> {
  const challenge = (await connection.data(fromCommand(atSign, options.clientConfig))).trim();
  if (challenge.startsWith('proof:')) {
    throw new UnexpectedResponseError(`the server treats ${atSign} as a foreign atSign (pol proof instead of a challenge): is this its own atServer?`);
  }
  if (challenge === '') throw new UnexpectedResponseError('the from: challenge is empty');
  return challenge;
}

/**
 * `from` + `pkam`. Sends the legacy `pkam:<sig>` that every SDK and server speaks unless a
 * SHA-512 signature or an enrollment id needs the explicit `signingAlgo:…:hashingAlgo:…` form.
 * Rejects with the server's AtServerError (AT0401, or AT0025–AT0029 for APKAM) on refusal.
 */
export async function authenticateWithPkam(
  connection: AtConnection,
  atSign: string,
  pkamPrivateKey: RsaPrivateKey,
  options: PkamAuthOptions = {},
): Promise<void> {
  const challenge = await requestChallenge(connection, atSign, options);
  const hashingAlgo = options.hashingAlgo ?? 'sha256';
  const signature = pkamPrivateKey.signText(challenge, hashingAlgo);
  const explicit = hashingAlgo !== 'sha256' || options.enrollmentId !== undefined;
  const command = explicit
    ? pkamCommand(signature, {
        signingAlgo: 'rsa2048',
        hashingAlgo,
        ...(options.enrollmentId === undefined ? {} : { enrollmentId: options.enrollmentId }),
      })
    : pkamCommand(signature);
  await expectSuccess(connection, command, 'pkam');
}

/** `from` + `cram`: first authentication of a new atSign with its CRAM secret (never logged). */
export async function authenticateWithCram(connection: AtConnection, atSign: string, cramSecret: string, options: FromAuthOptions = {}): Promise<void> {
  const challenge = await requestChallenge(connection, atSign, options);
  await expectSuccess(connection, cramCommand(cramDigest(cramSecret, challenge)), 'cram');
}

async function expectSuccess(connection: AtConnection, command: string, verb: string): Promise<void> {
  const answer = await connection.data(command);
  if (answer.trim() !== 'success') throw new UnexpectedResponseError(`${verb} answered ${JSON.stringify(answer.slice(0, 40))} instead of success`);
}
