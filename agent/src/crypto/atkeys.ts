/**
 * The `.atKeys` file format (crypto.md §8): a JSON object holding the four RSA keys, each
 * as base64 of AES-256-CTR (zero IV, PKCS#7) of the key's base64 DER text under the self
 * encryption key, which sits in the same file in clear (so the file's protection is its
 * permissions, see atkeys-file.ts). This module only converts text ⇄ keys.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AesKey } from './aes-key.js';
import type { CryptoBackend } from './backend.js';
import { decodeBase64 } from './base64.js';
import { KeyFileCorruptError, KeyFileMismatchError } from './atkeys-errors.js';
import { AtCryptoError, BadBase64Error, BadCiphertextError, BadPaddingError } from './errors.js';
import { RsaPrivateKey, RsaPublicKey } from './rsa-keys.js';
import { cryptoBackend } from './select-backend.js';

/** The keys of one atSign (or one APKAM enrollment) as held by a client device. */
export interface AtKeys {
  /** The atSign the file names (its legacy `"@alice": <selfEncryptionKey>` field), if any. */
  readonly atSign?: string | undefined;
  readonly pkamPublicKey: RsaPublicKey;
  /** Absent when the PKAM key lives in a secure element. */
  readonly pkamPrivateKey?: RsaPrivateKey | undefined;
  readonly encryptionPublicKey: RsaPublicKey;
  readonly encryptionPrivateKey: RsaPrivateKey;
  readonly selfEncryptionKey: AesKey;
  /** APKAM era: the device's APKAM symmetric key. */
  readonly apkamSymmetricKey?: AesKey | undefined;
  /** APKAM era: the enrollment id to send with `pkam:…:enrollmentId:<id>:`. */
  readonly enrollmentId?: string | undefined;
}

export const AT_KEYS_FIELDS = {
  pkamPublicKey: 'aesPkamPublicKey',
  pkamPrivateKey: 'aesPkamPrivateKey',
  encryptionPublicKey: 'aesEncryptPublicKey',
  encryptionPrivateKey: 'aesEncryptPrivateKey',
  selfEncryptionKey: 'selfEncryptionKey',
  apkamSymmetricKey: 'apkamSymmetricKey',
  enrollmentId: 'enrollmentId',
} as const;

/** `@alice` for `alice` or `@alice`: enough for file names and the file's own field; full atSign rules live in protocol/. */
export function withLeadingAt(atSign: string): string {
  if (typeof atSign !== 'string') throw new TypeError('atSign must be a string');
  const trimmed = atSign.trim();
  const withAt = trimmed.startsWith('@') ? trimmed : `@${trimmed}`;
  if (withAt.length < 2) throw new RangeError('atSign is empty');
  return withAt;
}

/** The conventional location, `~/.atsign/keys/@alice_key.atKeys`. */
export function defaultAtKeysPath(atSign: string, homeDirectory: string = homedir()): string {
  const name = withLeadingAt(atSign);
  if (/[/\\\0]/.test(name)) throw new RangeError(`atSign ${JSON.stringify(name)} cannot be part of a file name`);
  return join(homeDirectory, '.atsign', 'keys', `${name}_key.atKeys`);
}

type Fields = Readonly<Record<string, unknown>>;

function optionalText(fields: Fields, field: string, source: string): string | undefined {
  const value = fields[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new KeyFileCorruptError(source, field, `is a ${typeof value}, not a string`);
  if (value.length === 0) throw new KeyFileCorruptError(source, field, 'is empty');
  return value;
}

function requiredText(fields: Fields, field: string, source: string): string {
  const value = optionalText(fields, field, source);
  if (value === undefined) throw new KeyFileCorruptError(source, field, 'is missing');
  return value;
}

/**
 * The reason to show for a key that failed to parse. Base64 errors quote the offending
 * character, which here would be a character of a secret key: they are summarised instead.
 */
function whatWentWrong(error: AtCryptoError): string {
  return error instanceof BadBase64Error ? 'its text is not valid base64' : error.message;
}

function parseClearAesKey(text: string, field: string, source: string, backend: CryptoBackend): AesKey {
  try {
    return AesKey.fromBase64(text, backend);
  } catch (error) {
    if (error instanceof AtCryptoError) {
      throw new KeyFileCorruptError(source, field, `is not base64 of a 32-byte AES key (${whatWentWrong(error)})`, { cause: error });
    }
    throw error;
  }
}

/** Decrypts one `aes*` field to the base64 DER text it wraps, naming the field in every failure. */
function decryptField(text: string, field: string, source: string, selfKey: AesKey): string {
  let ciphertext: Buffer;
  try {
    ciphertext = decodeBase64(text, field);
  } catch (error) {
    if (error instanceof BadBase64Error) {
      throw new KeyFileCorruptError(source, field, 'is not valid base64', { cause: error });
    }
    throw error;
  }
  try {
    return selfKey.decrypt(ciphertext).toString('utf8');
  } catch (error) {
    if (error instanceof BadCiphertextError) {
      throw new KeyFileCorruptError(source, field, `has ${ciphertext.length} bytes, not a whole number of AES blocks (truncated?)`, {
        cause: error,
      });
    }
    if (error instanceof BadPaddingError) {
      throw new KeyFileCorruptError(source, field, 'does not decrypt with selfEncryptionKey (damaged, or from another file)', {
        cause: error,
      });
    }
    throw error;
  }
}

/** Decrypts an `aes*` field and parses the key inside it. */
function unwrapKey<T>(
  text: string,
  field: string,
  source: string,
  selfKey: AesKey,
  what: string,
  parse: (base64Der: string) => T,
): T {
  const keyText = decryptField(text, field, source, selfKey);
  try {
    return parse(keyText);
  } catch (error) {
    if (error instanceof AtCryptoError) {
      throw new KeyFileCorruptError(source, field, `does not decrypt to a base64 DER ${what} (${whatWentWrong(error)})`, { cause: error });
    }
    throw error;
  }
}

/**
 * Parses and checks the text of an `.atKeys` file. `source` (usually the path) appears in
 * errors. Throws KeyFileCorruptError naming the field at fault, or KeyFileMismatchError
 * when a public key is not its private key's other half.
 */
export function parseAtKeys(text: string, source = '.atKeys text', backend: CryptoBackend = cryptoBackend()): AtKeys {
  if (typeof text !== 'string') throw new TypeError('.atKeys text must be a string');
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.trim().length === 0) throw new KeyFileCorruptError(source, undefined, 'the file is empty');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    // The parser's message can quote the text around the error, i.e. key material: not shown.
    throw new KeyFileCorruptError(source, undefined, 'it is not valid JSON (truncated or damaged?)');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new KeyFileCorruptError(source, undefined, 'it is not a JSON object');
  }
  const fields = parsed as Fields;

  const F = AT_KEYS_FIELDS;
  const selfEncryptionKey = parseClearAesKey(requiredText(fields, F.selfEncryptionKey, source), F.selfEncryptionKey, source, backend);
  const publicKey = (field: string) =>
    unwrapKey(requiredText(fields, field, source), field, source, selfEncryptionKey, 'RSA public key', (der) =>
      RsaPublicKey.fromBase64(der, backend),
    );
  const privateKey = (field: string, text: string) =>
    unwrapKey(text, field, source, selfEncryptionKey, 'RSA private key', (der) => RsaPrivateKey.fromBase64(der, backend));

  const pkamPublicKey = publicKey(F.pkamPublicKey);
  const pkamPrivateText = optionalText(fields, F.pkamPrivateKey, source);
  const pkamPrivateKey = pkamPrivateText === undefined ? undefined : privateKey(F.pkamPrivateKey, pkamPrivateText);
  const encryptionPublicKey = publicKey(F.encryptionPublicKey);
  const encryptionPrivateKey = privateKey(F.encryptionPrivateKey, requiredText(fields, F.encryptionPrivateKey, source));
  if (pkamPrivateKey !== undefined && !pkamPrivateKey.matches(pkamPublicKey)) throw new KeyFileMismatchError(source, 'pkam');
  if (!encryptionPrivateKey.matches(encryptionPublicKey)) throw new KeyFileMismatchError(source, 'encryption');

  const apkamText = optionalText(fields, F.apkamSymmetricKey, source);
  const apkamSymmetricKey = apkamText === undefined ? undefined : parseClearAesKey(apkamText, F.apkamSymmetricKey, source, backend);
  const enrollmentId = optionalText(fields, F.enrollmentId, source);

  const atSignFields = Object.keys(fields).filter((name) => name.startsWith('@'));
  if (atSignFields.length > 1) {
    throw new KeyFileCorruptError(source, atSignFields[1], `names a second atSign (the file already names ${atSignFields[0]})`);
  }
  const atSign = atSignFields[0];

  return { atSign, pkamPublicKey, pkamPrivateKey, encryptionPublicKey, encryptionPrivateKey, selfEncryptionKey, apkamSymmetricKey, enrollmentId };
}

/**
 * The `.atKeys` text for `keys`, in the layout atsign's SDKs write (including the legacy
 * `"<atSign>": <selfEncryptionKey>` field when the atSign is known). Contains private keys.
 */
export function serializeAtKeys(keys: AtKeys): string {
  const selfKey = keys.selfEncryptionKey;
  if (!(selfKey instanceof AesKey)) throw new TypeError('selfEncryptionKey must be an AesKey');
  const wrap = (key: RsaPublicKey | RsaPrivateKey) => selfKey.encryptText(key.toBase64());
  const fields: Record<string, string> = {};
  fields[AT_KEYS_FIELDS.pkamPublicKey] = wrap(keys.pkamPublicKey);
  if (keys.pkamPrivateKey !== undefined) fields[AT_KEYS_FIELDS.pkamPrivateKey] = wrap(keys.pkamPrivateKey);
  fields[AT_KEYS_FIELDS.encryptionPublicKey] = wrap(keys.encryptionPublicKey);
  fields[AT_KEYS_FIELDS.encryptionPrivateKey] = wrap(keys.encryptionPrivateKey);
  fields[AT_KEYS_FIELDS.selfEncryptionKey] = selfKey.toBase64();
  if (keys.atSign !== undefined) fields[withLeadingAt(keys.atSign)] = selfKey.toBase64();
  if (keys.apkamSymmetricKey !== undefined) fields[AT_KEYS_FIELDS.apkamSymmetricKey] = keys.apkamSymmetricKey.toBase64();
  if (keys.enrollmentId !== undefined) fields[AT_KEYS_FIELDS.enrollmentId] = keys.enrollmentId;
  return JSON.stringify(fields);
}
