import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { paddedLength } from '../../../agent/src/crypto/backend.js';
import {
  BadCiphertextError,
  BadIvError,
  BadKeyError,
  BadPaddingError,
} from '../../../agent/src/crypto/errors.js';
import { loadNativeBackend } from '../../../agent/src/crypto/native-backend.js';
import { b64, hex, readFixture, utf8 } from './fixtures.js';

const native = loadNativeBackend();
const vectors = readFixture('vectors/crypto.json');
const ZERO_IV = new Uint8Array(16);

function encrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Buffer {
  const out = Buffer.alloc(paddedLength(plaintext.length));
  const written = native.createAes(key).encryptInto(iv, plaintext, out);
  assert.equal(written, out.length);
  return out;
}

function decrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Buffer {
  const out = Buffer.alloc(ciphertext.length);
  const length = native.createAes(key).decryptInto(iv, ciphertext, out);
  return out.subarray(0, length);
}

describe('native AES-256-CTR + PKCS#7: known answers', () => {
  test('selfEncryption with the zero IV and with ivNonce', () => {
    const v = vectors.selfEncryption;
    const key = b64(v.selfEncryptionKey);
    assert.equal(encrypt(key, ZERO_IV, utf8(v.plaintext)).toString('base64'), v.zeroIvCiphertext);
    assert.equal(encrypt(key, b64(v.ivNonce), utf8(v.plaintext)).toString('base64'), v.ivNonceCiphertext);
    assert.equal(decrypt(key, ZERO_IV, b64(v.zeroIvCiphertext)).toString('utf8'), v.plaintext);
    assert.equal(decrypt(key, b64(v.ivNonce), b64(v.ivNonceCiphertext)).toString('utf8'), v.plaintext);
  });

  test('sharedKeyExchange value under the shared key', () => {
    const v = vectors.sharedKeyExchange;
    const key = b64(v.aesKeyBase64);
    assert.equal(encrypt(key, b64(v.ivNonce), utf8(v.value)).toString('base64'), v.ciphertextWithIvNonce);
    assert.equal(encrypt(key, ZERO_IV, utf8(v.value)).toString('base64'), v.ciphertextLegacyZeroIv);
    assert.equal(decrypt(key, b64(v.ivNonce), b64(v.ciphertextWithIvNonce)).toString('utf8'), v.value);
    assert.equal(decrypt(key, ZERO_IV, b64(v.ciphertextLegacyZeroIv)).toString('utf8'), v.value);
  });

  test('at_c aesCtrEncrypt and aesCtrDecrypt', () => {
    const enc = vectors.atC_knownAnswer.aesCtrEncrypt;
    assert.equal(encrypt(b64(enc.keyBase64), hex(enc.iv), utf8(enc.plaintext)).toString('base64'), enc.ciphertextBase64);
    const dec = vectors.atC_knownAnswer.aesCtrDecrypt;
    assert.equal(decrypt(b64(dec.keyBase64), hex(dec.iv), b64(dec.ciphertextBase64)).toString('utf8'), dec.plaintext);
  });

  test('.atKeys fields decrypt with the self encryption key and the zero IV', () => {
    const { file, decrypted } = vectors.atKeysFile;
    const aes = native.createAes(b64(file.selfEncryptionKey));
    for (const field of Object.keys(decrypted) as string[]) {
      const ciphertext = b64(file[field]);
      const out = Buffer.alloc(ciphertext.length);
      const length = aes.decryptInto(ZERO_IV, ciphertext, out);
      assert.equal(out.subarray(0, length).toString('utf8'), decrypted[field], field);
    }
  });

  test('PKCS#7 adds 16 bytes to a block-aligned plaintext and 1..16 otherwise', () => {
    const key = randomBytes(32);
    const aes = native.createAes(key);
    for (let n = 0; n <= 48; n++) {
      const plaintext = randomBytes(n);
      const out = Buffer.alloc(paddedLength(n) + 7);
      const written = aes.encryptInto(ZERO_IV, plaintext, out);
      assert.equal(written, paddedLength(n));
      const back = Buffer.alloc(written);
      assert.equal(aes.decryptInto(ZERO_IV, out.subarray(0, written), back), n);
      assert.deepEqual(back.subarray(0, n), plaintext);
    }
  });

  test('one context serves many IVs and messages; in-place operation works', () => {
    const aes = native.createAes(randomBytes(32));
    const iv = randomBytes(16);
    const plaintext = randomBytes(1000);
    const ciphertext = Buffer.alloc(paddedLength(1000));
    aes.encryptInto(iv, plaintext, ciphertext);
    const inPlace = Buffer.from(ciphertext);
    assert.equal(aes.decryptInto(iv, inPlace, inPlace), 1000);
    assert.deepEqual(inPlace.subarray(0, 1000), plaintext);
  });

  test('a counter block of all 0xFF wraps around as a 128-bit integer', () => {
    const key = randomBytes(32);
    const iv = Buffer.alloc(16, 0xff);
    const plaintext = randomBytes(64);
    const ciphertext = encrypt(key, iv, plaintext);
    assert.deepEqual(decrypt(key, iv, ciphertext), plaintext);
    // Block 1 uses counter 0: the same keystream as block 0 under the zero IV.
    const zeroIvCiphertext = encrypt(key, ZERO_IV, plaintext);
    const x = (a: Buffer, b: Buffer) => Buffer.from(a.map((byte, i) => byte ^ (b[i] ?? 0)));
    assert.deepEqual(x(ciphertext.subarray(16, 32), plaintext.subarray(16, 32)), x(zeroIvCiphertext.subarray(0, 16), plaintext.subarray(0, 16)));
  });
});

describe('native AES-256-CTR + PKCS#7: bad input', () => {
  const key = randomBytes(32);
  const aes = native.createAes(key);

  test('keys other than 32 bytes raise BadKeyError', () => {
    for (const length of [0, 16, 24, 31, 33, 64]) {
      assert.throws(() => native.createAes(new Uint8Array(length)), (e: unknown) => e instanceof BadKeyError && e.code === 'ERR_ATAGENT_BAD_KEY');
    }
  });

  test('IVs other than 16 bytes raise BadIvError', () => {
    const out = Buffer.alloc(32);
    for (const length of [0, 8, 12, 15, 17, 32]) {
      assert.throws(() => aes.encryptInto(new Uint8Array(length), Buffer.from('x'), out), BadIvError);
      assert.throws(() => aes.decryptInto(new Uint8Array(length), Buffer.alloc(16), out), BadIvError);
    }
  });

  test('empty or non-multiple-of-16 ciphertext raises BadCiphertextError', () => {
    const out = Buffer.alloc(64);
    for (const length of [0, 1, 15, 17, 31, 33]) {
      assert.throws(
        () => aes.decryptInto(ZERO_IV, new Uint8Array(length), out),
        (e: unknown) => e instanceof BadCiphertextError && e.code === 'ERR_ATAGENT_BAD_CIPHERTEXT',
      );
    }
  });

  test('malformed PKCS#7 padding raises BadPaddingError and wipes out', () => {
    const plaintext = utf8('padding oracle bait'); // 19 bytes: 13 bytes of padding 0x0d
    const ciphertext = encrypt(key, ZERO_IV, plaintext);
    // CTR is malleable: XOR-ing a ciphertext byte XORs the same plaintext byte.
    const tamper = (index: number, xor: number): Buffer => {
      const copy = Buffer.from(ciphertext);
      copy[index] = copy[index]! ^ xor;
      return copy;
    };
    const last = ciphertext.length - 1;
    const cases: Array<[string, Buffer]> = [
      ['pad byte 0', tamper(last, 0x0d ^ 0x00)],
      ['pad byte 17', tamper(last, 0x0d ^ 0x11)],
      ['pad byte 255', tamper(last, 0x0d ^ 0xff)],
      ['pad byte 14 over 13 pad bytes', tamper(last, 0x0d ^ 0x0e)],
      ['inconsistent padding bytes', tamper(last - 5, 0x01)],
      ['first padding byte differs', tamper(last - 12, 0x80)],
    ];
    for (const [name, tampered] of cases) {
      const out = Buffer.alloc(tampered.length, 0xaa);
      assert.throws(
        () => aes.decryptInto(ZERO_IV, tampered, out),
        (e: unknown) => e instanceof BadPaddingError && e.code === 'ERR_ATAGENT_BAD_PADDING',
        name,
      );
      assert.ok(out.every((byte) => byte === 0), `${name}: out wiped`);
    }
    // Byte 18 is the last plaintext byte, not padding: changing it still decrypts.
    assert.equal(aes.decryptInto(ZERO_IV, tamper(18, 0x01), Buffer.alloc(32)), 19);
    // A whole block of 16 × 0x10 is valid padding.
    const aligned = encrypt(key, ZERO_IV, new Uint8Array(16));
    assert.equal(aes.decryptInto(ZERO_IV, aligned, Buffer.alloc(32)), 16);
  });

  test('an output buffer too small raises RangeError', () => {
    assert.throws(() => aes.encryptInto(ZERO_IV, new Uint8Array(16), new Uint8Array(16)), RangeError);
    assert.throws(() => aes.encryptInto(ZERO_IV, new Uint8Array(0), new Uint8Array(15)), RangeError);
    assert.throws(() => aes.decryptInto(ZERO_IV, new Uint8Array(32), new Uint8Array(31)), RangeError);
  });

  test('partially overlapping input and output raise RangeError', () => {
    const memory = Buffer.alloc(128);
    assert.throws(() => aes.encryptInto(ZERO_IV, memory.subarray(0, 40), memory.subarray(8, 56)), RangeError);
    assert.throws(() => aes.decryptInto(ZERO_IV, memory.subarray(16, 48), memory.subarray(0, 32)), RangeError);
  });

  test('arguments that are not Uint8Array raise TypeError', () => {
    const out = Buffer.alloc(32);
    const notBytes: unknown[] = [undefined, null, 'abc', 42, [1, 2, 3], new Uint16Array(16), new DataView(new ArrayBuffer(16)), new ArrayBuffer(16), {}];
    for (const value of notBytes) {
      assert.throws(() => native.createAes(value as Uint8Array), TypeError);
      assert.throws(() => aes.encryptInto(value as Uint8Array, Buffer.from('x'), out), TypeError);
      assert.throws(() => aes.encryptInto(ZERO_IV, value as Uint8Array, out), TypeError);
      assert.throws(() => aes.encryptInto(ZERO_IV, Buffer.from('x'), value as Uint8Array), TypeError);
      assert.throws(() => aes.decryptInto(ZERO_IV, value as Uint8Array, out), TypeError);
    }
    assert.throws(() => (aes.encryptInto as () => number)(), TypeError);
  });

  test('a plain Uint8Array and a Buffer slice work like a Buffer', () => {
    const plaintext = new Uint8Array([1, 2, 3, 4, 5]);
    const out = new Uint8Array(16);
    aes.encryptInto(new Uint8Array(16), plaintext, out);
    const pool = Buffer.alloc(64);
    pool.set(out, 7);
    const back = new Uint8Array(16);
    assert.equal(aes.decryptInto(ZERO_IV, pool.subarray(7, 23), back), 5);
    assert.deepEqual(back.subarray(0, 5), plaintext);
  });

  test('a method detached from its context keeps working after the context is dropped', () => {
    let context: ReturnType<typeof native.createAes> | undefined = native.createAes(key);
    const { encryptInto } = context;
    context = undefined;
    (globalThis as { gc?: () => void }).gc?.();
    const out = Buffer.alloc(16);
    assert.equal(encryptInto(ZERO_IV, Buffer.from('abc'), out), 16);
  });
});
