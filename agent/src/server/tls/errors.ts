/** Errors raised while preparing the local CA and server certificate. Match on `code`. */
export type TlsErrorCode = 'ERR_ATAGENT_TLS_MATERIAL' | 'ERR_ATAGENT_TLS_CONFIG';

export class TlsError extends Error {
  readonly code: TlsErrorCode;

  constructor(code: TlsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * An existing CA file cannot be used (unparsable, key and certificate do not match, key
 * missing). It is never replaced silently: clients may trust that CA, and a new one would
 * break them without telling anyone. `file` names the culprit.
 */
export class TlsMaterialError extends TlsError {
  readonly file: string;

  constructor(file: string, reason: string, cause?: unknown) {
    super(
      'ERR_ATAGENT_TLS_MATERIAL',
      `${file}: ${reason}. Restore it, or move the CA files away to have a new CA generated ` +
        '(clients that trust the old CA will then need the new one)',
      { cause },
    );
    this.file = file;
  }
}

/** A host name or option that cannot go into a certificate. */
export class TlsConfigError extends TlsError {
  constructor(message: string) {
    super('ERR_ATAGENT_TLS_CONFIG', message);
  }
}
