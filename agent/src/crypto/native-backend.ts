/**
 * The native engine: the CryptoBackend contract (backend.ts) served by the C++ addon.
 * Contexts are the addon's own objects, whose methods are native functions bound to the
 * parsed key, so the AES hot path makes one JS→C++ call per message. Only base2e15 decoding
 * has a JS step: the output buffer is allocated here, where it is cheap.
 */
import type { AesContext, CryptoBackend, HashName, RsaPrivateContext, RsaPublicContext } from './backend.js';
import { loadAddon, type NativeAddon, type NativeRsaPublicContext } from './addon.js';
import { base2e15MaxDecodedLength } from './base2e15-js.js';

/** Adds the output allocation to the addon's encryptInto: cheaper in JS than in C++. */
class NativeRsaPublicContextAdapter implements RsaPublicContext {
  readonly size: number;
  readonly #key: NativeRsaPublicContext;

  constructor(key: NativeRsaPublicContext) {
    this.#key = key;
    this.size = key.size;
  }

  encrypt(plaintext: Uint8Array): Buffer {
    const out = Buffer.allocUnsafe(this.size);
    this.#key.encryptInto(plaintext, out);
    return out;
  }

  verify(hash: HashName, message: Uint8Array, signature: Uint8Array): boolean {
    return this.#key.verify(hash, message, signature);
  }

  exportSpki(): Buffer {
    return this.#key.exportSpki();
  }
}

function createNativeBackend(addon: NativeAddon): CryptoBackend {
  return {
    name: 'native',
    createAes: (key: Uint8Array): AesContext => addon.createAes(key),
    // The addon validates the hash name itself (TypeError for anything else).
    createRsaPublic: (spkiDer: Uint8Array): RsaPublicContext =>
      new NativeRsaPublicContextAdapter(addon.createRsaPublic(spkiDer)),
    createRsaPrivate: (pkcs8Der: Uint8Array): RsaPrivateContext => addon.createRsaPrivate(pkcs8Der),
    base2e15Encode: (bytes: Uint8Array): string => addon.base2e15Encode(bytes),
    base2e15Decode(text: string, strict: boolean): Buffer {
      if (typeof text !== 'string') throw new TypeError('text must be a string');
      const out = Buffer.allocUnsafe(base2e15MaxDecodedLength(text.length));
      const written = addon.base2e15DecodeInto(text, strict, out);
      return written === out.length ? out : out.subarray(0, written);
    },
  };
}

let backend: CryptoBackend | undefined;

/**
 * The native CryptoBackend. Throws an Error (with the loader's reason) when the addon cannot
 * be loaded; select-backend.ts then falls back to the node:crypto engine.
 */
export function loadNativeBackend(): CryptoBackend {
  backend ??= createNativeBackend(loadAddon());
  return backend;
}
