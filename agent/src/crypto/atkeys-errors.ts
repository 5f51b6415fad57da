/**
 * Errors about `.atKeys` files. Match on `code`; `path` is the file (or the source name
 * given to parseAtKeys), and messages never contain key material.
 */
export type KeyFileErrorCode =
  | 'ERR_ATAGENT_KEYFILE_NOT_FOUND'
  | 'ERR_ATAGENT_KEYFILE_UNREADABLE'
  | 'ERR_ATAGENT_KEYFILE_PERMISSIONS'
  | 'ERR_ATAGENT_KEYFILE_CORRUPT'
  | 'ERR_ATAGENT_KEYFILE_MISMATCH'
  | 'ERR_ATAGENT_KEYFILE_EXISTS';

export class KeyFileError extends Error {
  readonly code: KeyFileErrorCode;
  readonly path: string;

  constructor(code: KeyFileErrorCode, path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.path = path;
    this.name = new.target.name;
  }
}

/** No file at the path. */
export class KeyFileNotFoundError extends KeyFileError {
  constructor(path: string, options?: { cause?: unknown }) {
    super('ERR_ATAGENT_KEYFILE_NOT_FOUND', path, `no .atKeys file at ${path}`, options);
  }
}

/** The file exists but cannot be read (access denied, a directory, an I/O error). */
export class KeyFileUnreadableError extends KeyFileError {
  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super('ERR_ATAGENT_KEYFILE_UNREADABLE', path, `cannot read .atKeys file ${path}: ${reason}`, options);
  }
}

/** Group or others have access: the file holds private keys in a form anyone can decrypt. */
export class KeyFilePermissionsError extends KeyFileError {
  readonly mode: number;

  constructor(path: string, mode: number) {
    const octal = (mode & 0o777).toString(8).padStart(3, '0');
    super(
      'ERR_ATAGENT_KEYFILE_PERMISSIONS',
      path,
      `refusing to use ${path}: its mode is ${octal}, so other users can read the private keys in it; ` +
        `run \`chmod 600 ${path}\` (and consider the keys exposed if others have read it)`,
    );
    this.mode = mode & 0o7777;
  }
}

/**
 * The content is not a usable key file. `field` names the JSON field at fault, or is
 * undefined when the file as a whole is wrong (empty, not JSON, not an object).
 */
export class KeyFileCorruptError extends KeyFileError {
  readonly field: string | undefined;

  constructor(path: string, field: string | undefined, reason: string, options?: { cause?: unknown }) {
    super(
      'ERR_ATAGENT_KEYFILE_CORRUPT',
      path,
      field === undefined
        ? `corrupt .atKeys file ${path}: ${reason}`
        : `corrupt .atKeys file ${path}: field '${field}' ${reason}`,
      options,
    );
    this.field = field;
  }
}

/** A public key in the file is not the other half of its private key. */
export class KeyFileMismatchError extends KeyFileError {
  readonly pair: 'pkam' | 'encryption';

  constructor(path: string, pair: 'pkam' | 'encryption') {
    const [publicField, privateField] =
      pair === 'pkam' ? ['aesPkamPublicKey', 'aesPkamPrivateKey'] : ['aesEncryptPublicKey', 'aesEncryptPrivateKey'];
    super(
      'ERR_ATAGENT_KEYFILE_MISMATCH',
      path,
      `inconsistent .atKeys file ${path}: '${publicField}' is not the public half of '${privateField}' ` +
        '(the file is damaged or mixes keys of different atSigns)',
    );
    this.pair = pair;
  }
}

/** writeAtKeys would replace an existing file and was not told to. */
export class KeyFileExistsError extends KeyFileError {
  constructor(path: string) {
    super(
      'ERR_ATAGENT_KEYFILE_EXISTS',
      path,
      `${path} already exists; not overwriting keys (move it away first, or pass { overwrite: true })`,
    );
  }
}
