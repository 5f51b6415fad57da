/**
 * Onboarding: the first use of an atSign, turning its one-time CRAM secret into the keys a
 * device keeps in its `.atKeys` file. This is the legacy flow of protocol.md §8, which every
 * atServer accepts (ours keeps no APKAM enrollments):
 *
 *   cram → update:privatekey:at_pkam_publickey → [.atKeys written] → reconnect, pkam →
 *   update:public:publickey@<atSign> → delete:privatekey:at_secret
 *
 * The order is what keeps a crash from locking the user out: the keys reach the disk before
 * the server is asked to stop accepting CRAM, and CRAM is only disabled once a fresh
 * connection has authenticated with the PKAM key read back from that file.
 *
 * Keys made (crypto.md §9): RSA-2048 PKAM and encryption key pairs, a 32-byte self
 * encryption key, and a 32-byte APKAM symmetric key. The last is only used by APKAM
 * enrollments, which legacy onboarding does not make; it is written anyway because the
 * files current SDKs write carry it. No enrollment id is written, so clients use plain
 * `pkam:<signature>`.
 */
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  AesKey,
  KeyFileExistsError,
  defaultAtKeysPath,
  generateRsaKeyPair,
  loadAtKeys,
  refuseExistingKeyFile,
  writeAtKeys,
  type AtKeys,
} from '../crypto/index.js';
import { AtConnection, AtDirectory, loadCa } from '../net/index.js';
import { deleteCommand, isKeyNotFound, isUnauthenticated, lookupCommand, normalizeAtSign, updateCommand } from '../protocol/index.js';
import { authenticateWithCram, authenticateWithPkam } from './auth.js';
import { CramRefusedError, OnboardingError, type OnboardingState, type OnboardingStep } from './onboarding-errors.js';
import type { AtClientPreferences } from './preferences.js';

/** Reaching the atServer works as for an AtClient. */
export interface OnboardOptions extends Pick<AtClientPreferences, 'root' | 'ca' | 'connectTimeoutMs' | 'commandTimeoutMs'> {
  readonly atSign: string;
  /** The one-time secret issued with the atSign. Never logged, never part of an error. */
  readonly cramSecret: string;
  /** Where to write the keys. Default `~/.atsign/keys/@<atsign>_key.atKeys`. */
  readonly keysPath?: string | undefined;
  /** Replace an existing keys file (default false: refused before anything is sent). */
  readonly overwrite?: boolean | undefined;
  /** Told as each step starts (for progress output). */
  readonly onStep?: ((step: OnboardingStep) => void) | undefined;
}

export interface OnboardResult {
  readonly atSign: string;
  /** The `.atKeys` file written (mode 0600). */
  readonly keysPath: string;
  readonly keys: AtKeys;
  /** `host:port` of the atSign's atServer. */
  readonly address: string;
}

const PKAM_PUBLIC_KEY = 'privatekey:at_pkam_publickey';
const CRAM_SECRET_KEY = 'privatekey:at_secret';

/** Refuses an existing file (unless overwriting) and an unwritable directory before the server is touched. */
async function checkKeysFile(keysPath: string, overwrite: boolean): Promise<void> {
  if (!overwrite) await refuseExistingKeyFile(keysPath);
  const directory = dirname(keysPath);
  await mkdir(directory, { recursive: true, mode: 0o700 });
  await access(directory, constants.W_OK);
}

async function generateKeys(atSign: string): Promise<AtKeys & { pkamPrivateKey: NonNullable<AtKeys['pkamPrivateKey']> }> {
  const [pkam, encryption] = await Promise.all([generateRsaKeyPair(), generateRsaKeyPair()]);
  return {
    atSign,
    pkamPublicKey: pkam.publicKey,
    pkamPrivateKey: pkam.privateKey,
    encryptionPublicKey: encryption.publicKey,
    encryptionPrivateKey: encryption.privateKey,
    selfEncryptionKey: AesKey.generate(),
    apkamSymmetricKey: AesKey.generate(),
  };
}

/**
 * Whether the atSign looks onboarded already: its encryption public key is published (an
 * anonymous lookup on its own server). Undefined when that cannot be told.
 */
async function isPublished(connection: AtConnection, atSign: string): Promise<boolean | undefined> {
  try {
    await connection.data(lookupCommand(`publickey${atSign}`));
    return true;
  } catch (error) {
    return isKeyNotFound(error) ? false : undefined;
  }
}

/**
 * Onboards `atSign` with its CRAM secret: generates its keys, registers them with its
 * atServer, writes the `.atKeys` file and disables CRAM. Rejects with OnboardingError, which
 * names the step that failed and the state the atSign was left in (`step`, `state`), or with
 * a TypeError for bad arguments.
 */
export async function onboard(options: OnboardOptions): Promise<OnboardResult> {
  const atSign = normalizeAtSign(options.atSign);
  if (typeof options.cramSecret !== 'string' || options.cramSecret.trim() === '') throw new TypeError('the CRAM secret is empty');
  const cramSecret = options.cramSecret.trim();
  const keysPath = options.keysPath ?? defaultAtKeysPath(atSign);
  const overwrite = options.overwrite === true;

  let state: OnboardingState = 'unchanged';
  const step = async <T>(name: OnboardingStep, body: () => Promise<T>, reason?: (error: unknown) => string | undefined): Promise<T> => {
    options.onStep?.(name);
    try {
      return await body();
    } catch (error) {
      const override = reason?.(error);
      throw new OnboardingError({ atSign, step: name, state, keysPath, cause: error, ...(override === undefined ? {} : { reason: override }) });
    }
  };

  await step('checkKeysFile', () => checkKeysFile(keysPath, overwrite), (error) =>
    error instanceof KeyFileExistsError
      ? `${keysPath} already exists (is ${atSign} onboarded on this machine already?); not overwriting it: move it away, or onboard with overwrite (--overwrite)`
      : undefined,
  );
  const keys = await step('generateKeys', () => generateKeys(atSign));

  const server = await step('connect', async () => {
    const ca = options.ca === undefined ? undefined : await loadCa(options.ca);
    const address = await new AtDirectory({ root: options.root, ca }).resolve(atSign);
    const open = () =>
      AtConnection.open({ host: address.host, port: address.port, ca, connectTimeoutMs: options.connectTimeoutMs, commandTimeoutMs: options.commandTimeoutMs });
    return { address: `${address.host}:${address.port}`, open, first: await open() };
  });
  const cramConnection = server.first;
  let pkamConnection: AtConnection | undefined;
  try {
    await step('cram', async () => {
      try {
        await authenticateWithCram(cramConnection, atSign, cramSecret);
      } catch (error) {
        if (!isUnauthenticated(error)) throw error;
        throw new CramRefusedError(atSign, await isPublished(cramConnection, atSign), { cause: error });
      }
    });

    // From here on the server may hold the new PKAM key even if its answer is lost.
    state = 'pkam-key-not-saved';
    await step('storePkamKey', () => cramConnection.data(updateCommand(PKAM_PUBLIC_KEY, keys.pkamPublicKey.toBase64())));

    await step('writeKeysFile', () => writeAtKeys(keysPath, keys, { overwrite }));
    state = 'keys-file-written';
    await cramConnection.close();

    // The proof that the device can get back in: a new connection, with the key as read from the file.
    pkamConnection = await step('pkam', async () => {
      const saved = await loadAtKeys(keysPath);
      if (saved.pkamPrivateKey === undefined || !saved.pkamPublicKey.equals(keys.pkamPublicKey)) {
        throw new Error(`${keysPath} does not hold the PKAM key just generated (was it replaced meanwhile?)`);
      }
      const connection = await server.open();
      try {
        await authenticateWithPkam(connection, atSign, saved.pkamPrivateKey);
      } catch (error) {
        connection.destroy();
        throw error;
      }
      return connection;
    });
    const authenticated = pkamConnection;

    await step('publishEncryptionKey', () => authenticated.data(updateCommand(`public:publickey${atSign}`, keys.encryptionPublicKey.toBase64())));
    state = 'usable-cram-enabled';

    await step('disableCram', () => authenticated.data(deleteCommand(CRAM_SECRET_KEY)));
  } finally {
    cramConnection.destroy();
    await pkamConnection?.close();
  }
  return { atSign, keysPath, keys, address: server.address };
}
