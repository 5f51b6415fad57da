import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AtCryptoError, BadBase2e15Error } from '../../../agent/src/crypto/errors.js';
import { loadAddon } from '../../../agent/src/crypto/addon.js';
import { loadNativeBackend } from '../../../agent/src/crypto/native-backend.js';
import { b64, readFixture } from './fixtures.js';

const native = loadNativeBackend();
const addon = loadAddon();
const vectors = readFixture('vectors/crypto.json');

/** Only TypeError, RangeError or the errors.ts classes may come out of the addon. */
function expectedFailure(error: unknown): boolean {
  return error instanceof TypeError || error instanceof RangeError || error instanceof AtCryptoError;
}

test('base2e15: any UTF-16 text decodes leniently or fails with BadBase2e15Error, never otherwise', () => {
  const unit = fc.oneof(
    fc.integer({ min: 0x3400, max: 0x347f }),
    fc.integer({ min: 0x3480, max: 0x4dff }),
    fc.integer({ min: 0x4e00, max: 0x8925 }),
    fc.integer({ min: 0xac00, max: 0xd7ff }),
    fc.integer({ min: 0, max: 0xffff }),
  );
  fc.assert(
    fc.property(fc.array(unit, { maxLength: 64 }), fc.boolean(), (units, strict) => {
      const text = String.fromCharCode(...units);
      try {
        const bytes = native.base2e15Decode(text, strict);
        assert.ok(bytes.length <= Math.floor((text.length * 15) / 8));
        if (strict) assert.equal(native.base2e15Encode(bytes), text, 'strict accepts only canonical text');
      } catch (error) {
        assert.ok(error instanceof BadBase2e15Error, String(error));
      }
    }),
    { numRuns: 5000 },
  );
});

test('base2e15: encode → strict decode is the identity', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      assert.deepEqual(new Uint8Array(native.base2e15Decode(native.base2e15Encode(bytes), true)), bytes);
    }),
    { numRuns: 3000 },
  );
});

test('AES: random keys, IVs and lengths round-trip; random ciphertexts fail only with the documented errors', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      fc.uint8Array({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 100 }),
      (key, iv, plaintext, junk) => {
        const aes = native.createAes(key);
        const ciphertext = new Uint8Array(plaintext.length + 16 - (plaintext.length % 16));
        assert.equal(aes.encryptInto(iv, plaintext, ciphertext), ciphertext.length);
        const back = new Uint8Array(ciphertext.length);
        assert.deepEqual(back.subarray(0, aes.decryptInto(iv, ciphertext, back)), plaintext);
        try {
          aes.decryptInto(iv, junk, new Uint8Array(junk.length));
        } catch (error) {
          assert.ok(expectedFailure(error), String(error));
        }
      },
    ),
    { numRuns: 2000 },
  );
});

test('every entry point survives arbitrary arguments (no crash, only the documented errors)', () => {
  const aes = native.createAes(new Uint8Array(32));
  const rsaPrivate = addon.createRsaPrivate(b64(vectors.sharedKeyExchange.bobEncryptionPrivateKey));
  const rsaPublic = addon.createRsaPublic(b64(vectors.sharedKeyExchange.bobEncryptionPublicKey));
  const detached = new Uint8Array(new ArrayBuffer(32));
  structuredClone(detached.buffer, { transfer: [detached.buffer] });
  const shared = new Uint8Array(new SharedArrayBuffer(256));
  const values: unknown[] = [
    undefined, null, true, 0, -1, 2 ** 53, NaN, 'sha256', 'sha512', '', '\u3480', Symbol('x'), {}, [], () => 1,
    new Uint8Array(0), new Uint8Array(16), new Uint8Array(32), new Uint8Array(256), Buffer.alloc(300),
    new Int8Array(16), new Uint8ClampedArray(16), new Float64Array(4), new DataView(new ArrayBuffer(8)),
    new ArrayBuffer(16), detached, shared, 10n,
  ];
  const calls: Array<[string, (...args: unknown[]) => unknown, number]> = [
    ['createAes', addon.createAes as (...args: unknown[]) => unknown, 1],
    ['encryptInto', aes.encryptInto as (...args: unknown[]) => unknown, 3],
    ['decryptInto', aes.decryptInto as (...args: unknown[]) => unknown, 3],
    ['createRsaPublic', addon.createRsaPublic as (...args: unknown[]) => unknown, 1],
    ['createRsaPrivate', addon.createRsaPrivate as (...args: unknown[]) => unknown, 1],
    ['rsa encryptInto', rsaPublic.encryptInto as (...args: unknown[]) => unknown, 2],
    ['rsa verify', rsaPublic.verify as (...args: unknown[]) => unknown, 3],
    ['rsa decrypt', rsaPrivate.decrypt as (...args: unknown[]) => unknown, 1],
    ['rsa sign', rsaPrivate.sign as (...args: unknown[]) => unknown, 2],
    ['base2e15Encode', addon.base2e15Encode as (...args: unknown[]) => unknown, 1],
    ['base2e15DecodeInto', addon.base2e15DecodeInto as (...args: unknown[]) => unknown, 3],
    ['sdNotify', addon.sdNotify as (...args: unknown[]) => unknown, 2],
  ];
  fc.assert(
    fc.property(fc.integer({ min: 0, max: calls.length - 1 }), fc.array(fc.constantFrom(...values), { maxLength: 4 }), (which, args) => {
      const [name, fn] = calls[which]!;
      try {
        fn(...args);
      } catch (error) {
        const sdNotifyFailure = name === 'sdNotify' && error instanceof Error;
        assert.ok(expectedFailure(error) || sdNotifyFailure, `${name}: ${String(error)}`);
      }
    }),
    { numRuns: 20000 },
  );
});
