/** AES-256-CTR/PKCS#7 through AesKey: behaviour and every malformed input, per engine. */
import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, test } from 'node:test';
import {
  AesKey,
  BadBase64Error,
  BadCiphertextError,
  BadIvError,
  BadKeyError,
  BadPaddingError,
  ivFromBase64,
  paddedLength,
  randomIv,
} from '../../../agent/src/crypto/index.js';
import { forEachEngine } from './engines.js';

function hasCode(code: string, type: abstract new (...args: never[]) => Error) {
  return (error: unknown) => error instanceof type && (error as { code?: string }).code === code;
}
const badKey = hasCode('ERR_ATAGENT_BAD_KEY', BadKeyError);
const badIv = hasCode('ERR_ATAGENT_BAD_IV', BadIvError);
const badCiphertext = hasCode('ERR_ATAGENT_BAD_CIPHERTEXT', BadCiphertextError);
const badPadding = hasCode('ERR_ATAGENT_BAD_PADDING', BadPaddingError);
const badBase64 = hasCode('ERR_ATAGENT_BAD_BASE64', BadBase64Error);

/** Reference: PKCS#7 then aes-256-ctr, straight from node:crypto. */
function reference(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Buffer {
  const padding = 16 - (plaintext.length % 16);
  const padded = Buffer.concat([plaintext, Buffer.alloc(padding, padding)]);
  return createCipheriv('aes-256-ctr', key, iv).update(padded);
}

forEachEngine('AesKey', (engine) => {
  test('matches node:crypto with manual PKCS#7 for lengths 0..100, zero and random IVs', () => {
    const raw = randomBytes(32);
    const key = AesKey.fromBytes(raw, engine());
    for (let n = 0; n <= 100; n++) {
      const plaintext = randomBytes(n);
      const iv = randomIv();
      const ciphertext = key.encrypt(plaintext, iv);
      assert.equal(ciphertext.length, paddedLength(n));
      assert.deepEqual(ciphertext, reference(raw, iv, plaintext));
      assert.deepEqual(key.encrypt(plaintext), reference(raw, Buffer.alloc(16), plaintext));
      assert.deepEqual(key.decrypt(ciphertext, iv), plaintext);
    }
  });

  test('the counter is the whole IV as a 128-bit big-endian number (carries across bytes)', () => {
    const raw = randomBytes(32);
    const iv = Buffer.from('00000000000000ffffffffffffffffff', 'hex');
    const plaintext = randomBytes(100);
    assert.deepEqual(AesKey.fromBytes(raw, engine()).encrypt(plaintext, iv), reference(raw, iv, plaintext));
  });

  test('16 bytes of plaintext get a whole block of padding', () => {
    const key = AesKey.generate(engine());
    assert.equal(key.encrypt(Buffer.alloc(16)).length, 32);
    assert.equal(key.encrypt(Buffer.alloc(0)).length, 16);
  });

  test('encryptInto/decryptInto write into caller buffers and return lengths', () => {
    const key = AesKey.generate(engine());
    const iv = randomIv();
    const plaintext = Buffer.from('hello, buffers');
    const out = Buffer.alloc(64, 0xee);
    const written = key.encryptInto(plaintext, out, iv);
    assert.equal(written, 16);
    assert.deepEqual(out.subarray(0, 16), key.encrypt(plaintext, iv));
    assert.equal(out[16], 0xee, 'nothing written past the ciphertext');
    const back = Buffer.alloc(16);
    assert.equal(key.decryptInto(out.subarray(0, 16), back, iv), plaintext.length);
    assert.deepEqual(back.subarray(0, plaintext.length), plaintext);
  });

  test('output buffers that are too small are refused', () => {
    const key = AesKey.generate(engine());
    assert.throws(() => key.encryptInto(Buffer.alloc(16), Buffer.alloc(31)), RangeError);
    assert.throws(() => key.decryptInto(Buffer.alloc(32), Buffer.alloc(31)), RangeError);
  });

  test('text helpers: UTF-8 in, base64 out, and back', () => {
    const key = AesKey.generate(engine());
    const text = 'temperature: 21.5 °C 🌡️';
    const iv = randomIv();
    const ciphertext = key.encryptText(text, iv);
    assert.match(ciphertext, /^[A-Za-z0-9+/]+=*$/);
    assert.equal(key.decryptText(ciphertext, iv), text);
    assert.equal(key.decryptText(key.encryptText('')), '');
  });

  test('wrong key sizes are BadKeyError', () => {
    for (const n of [0, 1, 16, 24, 31, 33, 64]) {
      assert.throws(() => AesKey.fromBytes(Buffer.alloc(n), engine()), badKey, `${n} bytes`);
      assert.throws(() => engine().createAes(Buffer.alloc(n)), badKey, `${n} bytes, engine`);
    }
    assert.throws(() => AesKey.fromBase64(Buffer.alloc(16).toString('base64'), engine()), badKey);
    assert.throws(() => AesKey.fromBase64('', engine()), badKey);
  });

  test('a key text that is not strict base64 is BadBase64Error', () => {
    const good = AesKey.generate(engine()).toBase64();
    assert.equal(good.length, 44);
    for (const text of [good.slice(0, -1), `${good} `, good.replace('=', ''), `${good.slice(0, 20)}\n${good.slice(20)}`]) {
      assert.throws(() => AesKey.fromBase64(text, engine()), badBase64, JSON.stringify(text));
    }
  });

  test('wrong IV sizes are BadIvError, both directions', () => {
    const key = AesKey.generate(engine());
    const ciphertext = key.encrypt(Buffer.from('x'));
    for (const n of [0, 8, 15, 17, 32]) {
      assert.throws(() => key.encrypt(Buffer.from('x'), Buffer.alloc(n)), badIv, `${n}`);
      assert.throws(() => key.decrypt(ciphertext, Buffer.alloc(n)), badIv, `${n}`);
    }
    assert.throws(() => ivFromBase64(Buffer.alloc(12).toString('base64')), badIv);
    assert.throws(() => ivFromBase64('not base64!'), badBase64);
    assert.deepEqual(ivFromBase64('oKGio6SlpqeoqaqrrK2urw=='), Buffer.from('a0a1a2a3a4a5a6a7a8a9aaabacadaeaf', 'hex'));
  });

  test('empty or truncated ciphertext is BadCiphertextError', () => {
    const key = AesKey.generate(engine());
    const ciphertext = key.encrypt(randomBytes(40));
    for (const bad of [Buffer.alloc(0), ciphertext.subarray(0, 47), ciphertext.subarray(0, 1), ciphertext.subarray(0, 15)]) {
      assert.throws(() => key.decrypt(bad), badCiphertext, `${bad.length} bytes`);
    }
    assert.throws(() => key.decryptText(''), badCiphertext);
  });

  test('bad padding (wrong key, wrong IV, flipped last byte) is BadPaddingError', () => {
    const key = AesKey.generate(engine());
    const plaintext = Buffer.from('sixteen bytes!!!'); // a whole padding block: 16 × 0x10
    const ciphertext = key.encrypt(plaintext);
    for (let delta = 1; delta < 256; delta++) {
      const tampered = Buffer.from(ciphertext);
      tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ delta;
      if ((0x10 ^ delta) === 1) {
        // ...0x10 0x10 0x01 is valid one-byte padding: CTR + PKCS#7 cannot detect this flip.
        assert.equal(key.decrypt(tampered).length, 31);
      } else {
        assert.throws(() => key.decrypt(tampered), badPadding, `last byte ^ ${delta}`);
      }
    }
    const tamperedInside = Buffer.from(ciphertext);
    tamperedInside[20] = (tamperedInside[20] as number) ^ 1; // a padding byte that is not the last
    assert.throws(() => key.decrypt(tamperedInside), badPadding);
    // Explicit padding values outside 1..16 and inconsistent runs.
    const raw = randomBytes(32);
    const exact = AesKey.fromBytes(raw, engine());
    const zeroIv = Buffer.alloc(16);
    const encryptRaw = (block: Buffer) => createCipheriv('aes-256-ctr', raw, zeroIv).update(block);
    for (const last of [0, 17, 255]) {
      const block = Buffer.alloc(16, 7);
      block[15] = last;
      assert.throws(() => exact.decrypt(encryptRaw(block)), badPadding, `padding byte ${last}`);
    }
    const uneven = Buffer.alloc(16, 4);
    uneven[13] = 3;
    assert.throws(() => exact.decrypt(encryptRaw(uneven)), badPadding, '04 04 03 04');
    assert.deepEqual(exact.decrypt(encryptRaw(Buffer.alloc(16, 16))), Buffer.alloc(0));
  });

  test('wrong argument types throw TypeError', () => {
    const key = AesKey.generate(engine());
    assert.throws(() => key.encrypt('text' as unknown as Uint8Array), TypeError);
    assert.throws(() => key.decrypt([1, 2] as unknown as Uint8Array), TypeError);
    assert.throws(() => key.encryptText(5 as unknown as string), TypeError);
    assert.throws(() => AesKey.fromBytes('k' as unknown as Uint8Array, engine()), TypeError);
  });

  test('keys compare by value and never print their bytes', () => {
    const key = AesKey.generate(engine());
    const same = AesKey.fromBase64(key.toBase64(), engine());
    assert.ok(key.equals(same));
    assert.ok(!key.equals(AesKey.generate(engine())));
    assert.deepEqual(key.toBytes(), Buffer.from(key.toBase64(), 'base64'));
    for (const shown of [inspect(key), JSON.stringify({ key }), String(inspect({ nested: key }))]) {
      assert.ok(!shown.includes(key.toBase64()), shown);
      assert.match(shown, /redacted/);
    }
  });
});

describe('randomIv', () => {
  test('16 fresh bytes each time', () => {
    const a = randomIv();
    assert.equal(a.length, 16);
    assert.notDeepEqual(a, randomIv());
  });
});
