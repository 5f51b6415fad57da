/**
 * The native engine: the CryptoBackend contract (backend.ts) served by the C++ addon.
 * Contexts are the addon's own objects, whose methods are native functions bound to the
 * parsed key, so the AES hot path makes one JS→C++ call per message. Only base2e15 decoding
 * has a JS step: the output buffer is allocated here, where it is cheap.
 */
import type { AesContext, CryptoBackend, RsaPrivateContext, RsaPublicContext } from './backend.js';
import { loadAddon, type NativeAddon } from './addon.js';

/** floor(15 * chars / 8): the most bytes `chars` base2e15 code units can decode to. */
function maxDecodedLength(chars: number): number {
  return Math.floor(chars / 8) * 15 + Math.floor(((chars % 8) * 15) / 8);
}

function createNativeBackend(addon: NativeAddon): CryptoBackend {
  return {
    name: 'native',
    createAes: (key: Uint8Array): AesContext => addon.createAes(key),
    // The addon validates the hash name itself (TypeError for anything else).
    createRsaPublic: (spkiDer: Uint8Array): RsaPublicContext => addon.createRsaPublic(spkiDer),
    createRsaPrivate: (pkcs8Der: Uint8Array): RsaPrivateContext => addon.createRsaPrivate(pkcs8Der),
    base2e15Encode: (bytes: Uint8Array): string => addon.base2e15Encode(bytes),
    base2e15Decode(text: string, strict: boolean): Buffer {
      if (typeof text !== 'string') throw new TypeError('text must be a string');
      const out = Buffer.allocUnsafe(maxDecodedLength(text.length));
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
