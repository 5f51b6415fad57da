/**
 * Native addon vs node:crypto fallback on random inputs: both engines must give the same
 * bytes and the same error codes for everything deterministic (backend.ts). The addon is
 * part of the build, so this file fails, never skips, when it cannot load.
 */
import assert from 'node:assert/strict';
import { createPrivateKey, randomBytes, randomInt } from 'node:crypto';
import { before, describe, test } from 'node:test';
import type { CryptoBackend, HashName } from '../../../agent/src/crypto/backend.js';
import { paddedLength } from '../../../agent/src/crypto/backend.js';
import { jsBackend } from '../../../agent/src/crypto/js-backend.js';
import { loadNativeBackend } from '../../../agent/src/crypto/native-backend.js';
import { readVector } from '../../helpers/vectors.js';

const MAX_EVERY_SIZE = 4096;
const LARGE_SIZES = [1 << 20, (1 << 20) + 7, 3 * (1 << 20) + 13];

let native: CryptoBackend;
const js = jsBackend;

before(() => {
  native = loadNativeBackend();
  assert.equal(native.name, 'native');
});

/** Runs `fn` on an engine, returning its result or the error code it threw. */
function outcome<T>(fn: () => T): { value?: T; code?: string; type?: string } {
  try {
    return { value: fn() };
  } catch (error) {
    return { code: (error as { code?: string }).code ?? 'no code', type: (error as Error).constructor.name };
  }
}

type RefusalCase = [what: string, run: (engine: CryptoBackend) => unknown];

/** The native engine refuses every case, with the error code and class the js engine uses. */
function assertRefusedAlike(cases: readonly RefusalCase[]): void {
  for (const [what, run] of cases) {
    const a = outcome(() => run(native));
    const b = outcome(() => run(js));
    assert.equal(a.value, undefined, `${what}: native accepted it`);
    assert.deepEqual({ code: a.code, type: a.type }, { code: b.code, type: b.type }, what);
  }
}

function aesEncrypt(engine: CryptoBackend, key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Buffer {
  const out = Buffer.alloc(paddedLength(plaintext.length));
  const n = engine.createAes(key).encryptInto(iv, plaintext, out);
  return out.subarray(0, n);
}

function aesDecrypt(engine: CryptoBackend, key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Buffer {
  const out = Buffer.alloc(ciphertext.length);
  const n = engine.createAes(key).decryptInto(iv, ciphertext, out);
  return out.subarray(0, n);
}

describe('differential: AES-256-CTR/PKCS#7', () => {
  test(`every plaintext size 0..${MAX_EVERY_SIZE}, random keys and IVs`, () => {
    for (let n = 0; n <= MAX_EVERY_SIZE; n++) {
      const key = randomBytes(32);
      const iv = randomBytes(16);
      const plaintext = randomBytes(n);
      const fromNative = aesEncrypt(native, key, iv, plaintext);
      const fromJs = aesEncrypt(js, key, iv, plaintext);
      assert.ok(fromNative.equals(fromJs), `encrypt, ${n} bytes`);
      assert.ok(aesDecrypt(js, key, iv, fromNative).equals(plaintext), `js decrypts native, ${n} bytes`);
      assert.ok(aesDecrypt(native, key, iv, fromJs).equals(plaintext), `native decrypts js, ${n} bytes`);
    }
  });

  test('large values', () => {
    for (const n of LARGE_SIZES) {
      const key = randomBytes(32);
      const iv = randomBytes(16);
      const plaintext = randomBytes(n);
      const fromNative = aesEncrypt(native, key, iv, plaintext);
      assert.ok(fromNative.equals(aesEncrypt(js, key, iv, plaintext)), `encrypt, ${n} bytes`);
      assert.ok(aesDecrypt(native, key, iv, fromNative).equals(plaintext));
      assert.ok(aesDecrypt(js, key, iv, fromNative).equals(plaintext));
    }
  });

  test('random ciphertexts: same plaintext or the same padding error', () => {
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const key = randomBytes(32);
      const iv = randomBytes(16);
      const ciphertext = randomBytes(16 * randomInt(1, 20));
      const a = outcome(() => aesDecrypt(native, key, iv, ciphertext));
      const b = outcome(() => aesDecrypt(js, key, iv, ciphertext));
      assert.deepEqual(a, b, `case ${i}`);
      if (a.value !== undefined) accepted++;
    }
    assert.ok(accepted > 0, 'some random ciphertexts happen to carry valid padding');
  });

  test('malformed inputs raise the same error codes', () => {
    const key = randomBytes(32);
    const iv = randomBytes(16);
    const cases: RefusalCase[] = [];
    for (const n of [0, 1, 16, 31, 33, 64]) cases.push([`key of ${n} bytes`, (e) => e.createAes(randomBytes(n))]);
    for (const n of [0, 15, 17, 32]) {
      cases.push([`encrypt IV of ${n}`, (e) => aesEncrypt(e, key, randomBytes(n), Buffer.from('x'))]);
      cases.push([`decrypt IV of ${n}`, (e) => aesDecrypt(e, key, randomBytes(n), randomBytes(16))]);
    }
    for (const n of [0, 1, 15, 17, 31, 33]) cases.push([`ciphertext of ${n}`, (e) => aesDecrypt(e, key, iv, randomBytes(n))]);
    cases.push(['output too small (encrypt)', (e) => e.createAes(key).encryptInto(iv, Buffer.alloc(16), Buffer.alloc(31))]);
    cases.push(['output too small (decrypt)', (e) => e.createAes(key).decryptInto(iv, Buffer.alloc(32), Buffer.alloc(16))]);
    cases.push(['key not bytes', (e) => e.createAes('k'.repeat(32) as unknown as Uint8Array)]);
    cases.push(['plaintext not bytes', (e) => e.createAes(key).encryptInto(iv, 'x' as unknown as Uint8Array, Buffer.alloc(16))]);
    assertRefusedAlike(cases);
  });
});

describe('differential: base2e15', () => {
  test(`every size 0..${MAX_EVERY_SIZE}: encode, strict and lenient decode`, () => {
    for (let n = 0; n <= MAX_EVERY_SIZE; n++) {
      const bytes = randomBytes(n);
      const text = native.base2e15Encode(bytes);
      assert.equal(text, js.base2e15Encode(bytes), `encode, ${n} bytes`);
      assert.ok(native.base2e15Decode(text, true).equals(bytes), `native decode, ${n}`);
      assert.ok(js.base2e15Decode(text, true).equals(bytes), `js decode, ${n}`);
    }
  });

  test('large values', () => {
    for (const n of LARGE_SIZES) {
      const bytes = randomBytes(n);
      const text = native.base2e15Encode(bytes);
      assert.equal(text, js.base2e15Encode(bytes));
      assert.ok(js.base2e15Decode(text, true).equals(bytes));
      assert.ok(native.base2e15Decode(text, false).equals(bytes));
    }
  });

  test('random text, valid text with junk inserted, and 7-bit characters anywhere: same bytes or same error', () => {
    const randomUnit = () => {
      switch (randomInt(6)) {
        case 0: return randomInt(0x10000); // anything, surrogates included
        case 1: return 0x3400 + randomInt(0x80); // 7-bit tail
        case 2: return 0x3480 + randomInt(0x1936);
        case 3: return 0x4e00 + randomInt(0x3b26);
        case 4: return 0xac00 + randomInt(0x2ba4);
        default: return [0x4db6, 0x4dff, 0x8926, 0xabff, 0xd7a4, 0x20, 0x3a, 0x40][randomInt(8)] as number;
      }
    };
    for (let i = 0; i < 4000; i++) {
      const length = randomInt(0, 64);
      const units = Array.from({ length }, randomUnit);
      // mostly valid text with a few changes, so long valid stretches (the addon's fast path) are covered too
      const valid = native.base2e15Encode(randomBytes(randomInt(0, 200)));
      const cut = randomInt(0, valid.length + 1);
      const texts = [String.fromCharCode(...units), valid.slice(0, cut) + String.fromCharCode(...units.slice(0, 3)) + valid.slice(cut)];
      for (const text of texts) {
        for (const strict of [false, true]) {
          const a = outcome(() => native.base2e15Decode(text, strict));
          const b = outcome(() => js.base2e15Decode(text, strict));
          assert.deepEqual(
            { value: a.value?.toString('hex'), code: a.code },
            { value: b.value?.toString('hex'), code: b.code },
            `strict=${strict} text=${[...text].map((c) => c.charCodeAt(0).toString(16)).join(' ')}`,
          );
        }
      }
    }
  });
});

describe('differential: RSA', () => {
  const vectors = readVector('crypto.json');
  const pkcs8 = Buffer.from(vectors.sharedKeyExchange.bobEncryptionPrivateKey, 'base64');
  const spki = Buffer.from(vectors.sharedKeyExchange.bobEncryptionPublicKey, 'base64');
  const modulus = Buffer.from(
    createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'jwk' }).n as string,
    'base64url',
  );

  /** A random 256-byte value below the modulus. */
  function randomBelowModulus(): Buffer {
    for (;;) {
      const candidate = randomBytes(modulus.length);
      if (Buffer.compare(candidate, modulus) < 0) return candidate;
    }
  }

  test('signatures: same bytes for messages of sizes across 0..4096 and 1 MB, both hashes; cross-verified', () => {
    const nativeKey = native.createRsaPrivate(pkcs8);
    const jsKey = js.createRsaPrivate(pkcs8);
    const nativePublic = native.createRsaPublic(spki);
    const jsPublic = js.createRsaPublic(spki);
    const sizes = [...Array.from({ length: 112 }, (_, i) => i * 37), MAX_EVERY_SIZE, 1 << 20];
    for (const n of sizes) {
      const message = randomBytes(n);
      for (const hash of ['sha256', 'sha512'] as HashName[]) {
        const signature = nativeKey.sign(hash, message);
        assert.ok(signature.equals(jsKey.sign(hash, message)), `${hash}, ${n} bytes`);
        assert.equal(jsPublic.verify(hash, message, signature), true);
        assert.equal(nativePublic.verify(hash, message, signature), true);
        const tampered = Buffer.from(signature);
        const at = randomInt(tampered.length);
        tampered[at] = (tampered[at] as number) ^ (1 << randomInt(8));
        assert.equal(nativePublic.verify(hash, message, tampered), false);
        assert.equal(jsPublic.verify(hash, message, tampered), false);
      }
    }
  });

  test('verification of junk signatures agrees (wrong sizes, >= n, zero)', () => {
    const nativePublic = native.createRsaPublic(spki);
    const jsPublic = js.createRsaPublic(spki);
    const message = Buffer.from('message');
    for (const signature of [Buffer.alloc(0), Buffer.alloc(255), Buffer.alloc(257), Buffer.alloc(256), Buffer.alloc(256, 0xff), modulus, randomBelowModulus()]) {
      assert.equal(nativePublic.verify('sha256', message, signature), false);
      assert.equal(jsPublic.verify('sha256', message, signature), false);
    }
  });

  test('decryption of random ciphertexts (bad padding): identical implicit-rejection bytes', () => {
    const nativeKey = native.createRsaPrivate(pkcs8);
    const jsKey = js.createRsaPrivate(pkcs8);
    for (let i = 0; i < 150; i++) {
      const ciphertext = randomBelowModulus();
      const fromNative = nativeKey.decrypt(ciphertext);
      assert.ok(fromNative.equals(jsKey.decrypt(ciphertext)), `case ${i}`);
      assert.ok(fromNative.length <= modulus.length - 11);
    }
  });

  test('decryption of real ciphertexts: each engine reads the other\'s, all plaintext sizes 0..245', () => {
    const nativeKey = native.createRsaPrivate(pkcs8);
    const jsKey = js.createRsaPrivate(pkcs8);
    const nativePublic = native.createRsaPublic(spki);
    const jsPublic = js.createRsaPublic(spki);
    for (let n = 0; n <= 245; n++) {
      const plaintext = randomBytes(n);
      const a = nativePublic.encrypt(plaintext);
      const b = jsPublic.encrypt(plaintext);
      assert.ok(jsKey.decrypt(a).equals(plaintext), `js decrypts native, ${n}`);
      assert.ok(nativeKey.decrypt(b).equals(plaintext), `native decrypts js, ${n}`);
      assert.ok(nativeKey.decrypt(a).equals(plaintext));
    }
  });

  test('malformed RSA inputs raise the same error codes', () => {
    const cases: RefusalCase[] = [
      ['empty SPKI', (e) => e.createRsaPublic(Buffer.alloc(0))],
      ['PKCS#8 as SPKI', (e) => e.createRsaPublic(pkcs8)],
      ['truncated SPKI', (e) => e.createRsaPublic(spki.subarray(0, 100))],
      ['empty PKCS#8', (e) => e.createRsaPrivate(Buffer.alloc(0))],
      ['SPKI as PKCS#8', (e) => e.createRsaPrivate(spki)],
      ['random PKCS#8', (e) => e.createRsaPrivate(randomBytes(1200))],
      ['plaintext too long', (e) => e.createRsaPublic(spki).encrypt(Buffer.alloc(246))],
      ['ciphertext 255 bytes', (e) => e.createRsaPrivate(pkcs8).decrypt(Buffer.alloc(255))],
      ['ciphertext 257 bytes', (e) => e.createRsaPrivate(pkcs8).decrypt(Buffer.alloc(257))],
      ['empty ciphertext', (e) => e.createRsaPrivate(pkcs8).decrypt(Buffer.alloc(0))],
      ['ciphertext = n', (e) => e.createRsaPrivate(pkcs8).decrypt(modulus)],
      ['ciphertext > n', (e) => e.createRsaPrivate(pkcs8).decrypt(Buffer.alloc(256, 0xff))],
      ['unknown hash (sign)', (e) => e.createRsaPrivate(pkcs8).sign('md5' as HashName, Buffer.alloc(1))],
      ['unknown hash (verify)', (e) => e.createRsaPublic(spki).verify('sha1' as HashName, Buffer.alloc(1), Buffer.alloc(256))],
    ];
    assertRefusedAlike(cases);
  });

  test('exports agree: SPKI and PKCS#8 DER', () => {
    assert.ok(native.createRsaPublic(spki).exportSpki().equals(js.createRsaPublic(spki).exportSpki()));
    assert.ok(native.createRsaPrivate(pkcs8).exportSpki().equals(js.createRsaPrivate(pkcs8).exportSpki()));
    assert.ok(native.createRsaPrivate(pkcs8).exportPkcs8().equals(js.createRsaPrivate(pkcs8).exportPkcs8()));
    assert.ok(js.createRsaPrivate(pkcs8).exportSpki().equals(spki));
  });
});
