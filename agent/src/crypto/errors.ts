/**
 * Errors raised by the crypto core. The native addon throws these same classes (it is
 * handed the constructors when it loads), so callers see one error model whichever
 * backend runs. Match on `code`, never on the message text.
 */
export type CryptoErrorCode =
  | 'ERR_ATAGENT_BAD_KEY'
  | 'ERR_ATAGENT_BAD_IV'
  | 'ERR_ATAGENT_BAD_CIPHERTEXT'
  | 'ERR_ATAGENT_BAD_PADDING'
  | 'ERR_ATAGENT_PLAINTEXT_TOO_LONG'
  | 'ERR_ATAGENT_BAD_BASE64'
  | 'ERR_ATAGENT_BAD_BASE2E15'
  | 'ERR_ATAGENT_CRYPTO_FAILED';

export class AtCryptoError extends Error {
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Key material that cannot be used: wrong AES key length, unparsable DER, not an RSA key. */
export class BadKeyError extends AtCryptoError {
  constructor(message: string) {
    super('ERR_ATAGENT_BAD_KEY', message);
  }
}

/** An IV that is not 16 bytes. */
export class BadIvError extends AtCryptoError {
  constructor(message: string) {
    super('ERR_ATAGENT_BAD_IV', message);
  }
}

/** Ciphertext of an impossible length (empty or truncated AES, RSA not modulus-sized or >= n). */
export class BadCiphertextError extends AtCryptoError {
  constructor(message: string) {
    super('ERR_ATAGENT_BAD_CIPHERTEXT', message);
  }
}

/**
 * AES PKCS#7 padding that does not check out after decryption: wrong key, wrong IV or
 * corrupted data. RSA never raises this: its padding failures are implicitly rejected.
 */
export class BadPaddingError extends AtCryptoError {
  constructor(message: string) {
    super('ERR_ATAGENT_BAD_PADDING', message);
  }
}

/** RSA PKCS#1 v1.5 plaintext longer than modulus size minus 11 bytes. */
export class PlaintextTooLongError extends AtCryptoError {
  constructor(message: string) {
    super('ERR_ATAGENT_PLAINTEXT_TOO_LONG', message);
  }
}

/** Text that is not strict RFC 4648 base64 (standard alphabet, `=` padding, no whitespace). */
export class BadBase64Error extends AtCryptoError {
  constructor(message: string) {
    super('ERR_ATAGENT_BAD_BASE64', message);
  }
}

/** base2e15 text rejected by the strict decoder. */
export class BadBase2e15Error extends AtCryptoError {
  constructor(message: string) {
    super('ERR_ATAGENT_BAD_BASE2E15', message);
  }
}

/** OpenSSL or node:crypto failed in a way no input check predicted. */
export class CryptoFailedError extends AtCryptoError {
  constructor(message: string) {
    super('ERR_ATAGENT_CRYPTO_FAILED', message);
  }
}

/** The constructors the native addon needs to raise the classes above. */
export const errorConstructors = {
  BadKeyError,
  BadIvError,
  BadCiphertextError,
  BadPaddingError,
  PlaintextTooLongError,
  BadBase64Error,
  BadBase2e15Error,
  CryptoFailedError,
} as const;
