/**
 * The crypto facade: everything the client, the server and the CLI need from the crypto
 * core, on whichever engine is active (the native addon, or node:crypto as the fallback).
 */
export { AesKey, AES_IV_BYTES, AES_KEY_BYTES, ivFromBase64, randomIv } from './aes-key.js';
export { RsaPrivateKey, RsaPublicKey, generateRsaKeyPair, type RsaKeyPair } from './rsa-keys.js';
export { cramDigest, md5Hex, publicKeyChecksum, sha256Hex, sha512Hex } from './digests.js';
export { base2e15, type Base2e15DecodeOptions } from './base2e15.js';
export { decodeBase64, encodeBase64 } from './base64.js';
export { paddedLength, type HashName } from './backend.js';
export {
  CryptoBackendSettingError,
  NativeCryptoUnavailableError,
  cryptoBackendName,
  type CryptoBackendName,
} from './select-backend.js';
export {
  AT_KEYS_FIELDS,
  defaultAtKeysPath,
  parseAtKeys,
  serializeAtKeys,
  type AtKeys,
} from './atkeys.js';
export { loadAtKeys, refuseExistingKeyFile, writeAtKeys, type WriteAtKeysOptions } from './atkeys-file.js';
export {
  KeyFileCorruptError,
  KeyFileError,
  KeyFileExistsError,
  KeyFileMismatchError,
  KeyFileNotFoundError,
  KeyFilePermissionsError,
  KeyFileUnreadableError,
  type KeyFileErrorCode,
} from './atkeys-errors.js';
export {
  AtCryptoError,
  BadBase2e15Error,
  BadBase64Error,
  BadCiphertextError,
  BadIvError,
  BadKeyError,
  BadPaddingError,
  CryptoFailedError,
  PlaintextTooLongError,
  type CryptoErrorCode,
} from './errors.js';
