/**
 * Errors the AtClient raises on top of the server's and the network layer's. All extend
 * AtProtocolError, so `code` is always an AT code; match on the class for the cause.
 */
import { AtProtocolError } from '../protocol/index.js';

/** A public value whose `dataSignature` does not verify with its owner's public key (AT0014). */
export class DataSignatureError extends AtProtocolError {
  readonly key: string;

  constructor(key: string) {
    super('AT0014', `the signature of ${key} does not match its value: it was changed or not written by its owner`);
    this.key = key;
  }
}

/**
 * A value or notification was encrypted for a public key other than ours (its `pubKeyCS`
 * differs from our encryption public key's checksum): the sender used an old key (AT0014).
 */
export class PublicKeyChangedError extends AtProtocolError {
  readonly sender: string;

  constructor(sender: string, expected: string, found: string) {
    super(
      'AT0014',
      `${sender} encrypted this for a public key that is not ours any more (pubKeyCS ${found}, ours is ${expected}); ` +
        `${sender} has to share it again`,
    );
    this.sender = sender;
  }
}

/** No shared key from `sender` can be found or unwrapped (AT0014). */
export class SharedKeyUnavailableError extends AtProtocolError {
  readonly sender: string;

  constructor(sender: string, reason: string, options?: ErrorOptions) {
    super('AT0014', `no usable shared key from ${sender}: ${reason}`, options);
    this.sender = sender;
  }
}

/** A stored or notified value that cannot be decrypted or decoded (AT0014). */
export class DecryptionError extends AtProtocolError {
  readonly key: string;

  constructor(key: string, reason: string, options?: ErrorOptions) {
    super('AT0014', `cannot decrypt ${key}: ${reason}`, options);
    this.key = key;
  }
}

/** The keys given to the client cannot authenticate (e.g. no PKAM private key) (AT0401). */
export class MissingKeyError extends AtProtocolError {
  constructor(detail: string) {
    super('AT0401', detail);
  }
}

/** The client was closed; nothing more can be done with it (AT0013). */
export class ClientClosedError extends AtProtocolError {
  constructor(atSign: string) {
    super('AT0013', `the AtClient for ${atSign} is closed`);
  }
}
