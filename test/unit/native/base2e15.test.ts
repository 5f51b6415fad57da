import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BadBase2e15Error } from '../../../agent/src/crypto/errors.js';
import { loadNativeBackend } from '../../../agent/src/crypto/native-backend.js';
import { hex, readFixture } from './fixtures.js';

const native = loadNativeBackend();
const vectors = readFixture('vectors/base2e15.json');
const isBad = (e: unknown) => e instanceof BadBase2e15Error && e.code === 'ERR_ATAGENT_BAD_BASE2E15';

describe('native base2e15: vectors', () => {
  test('every encode pair encodes and decodes (lenient and strict)', () => {
    assert.equal(vectors.encode.length, 50);
    for (const v of vectors.encode) {
      const bytes = hex(v.bytesHex);
      const encoded = native.base2e15Encode(bytes);
      assert.equal(encoded, v.encoded, v.bytesHex);
      assert.deepEqual(
        [...encoded].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`),
        v.codePoints,
      );
      assert.equal(native.base2e15Decode(v.encoded, false).toString('hex'), v.bytesHex);
      assert.equal(native.base2e15Decode(v.encoded, true).toString('hex'), v.bytesHex);
    }
  });

  test('decode-only cases decode leniently and are rejected strictly', () => {
    for (const v of vectors.decodeOnly) {
      assert.equal(native.base2e15Decode(v.input, false).toString('hex'), v.bytesHex, v.note);
      assert.throws(() => native.base2e15Decode(v.input, true), isBad, v.note);
    }
  });

  test('empty input ↔ empty output', () => {
    assert.equal(native.base2e15Encode(new Uint8Array(0)), '');
    assert.equal(native.base2e15Decode('', false).length, 0);
    assert.equal(native.base2e15Decode('', true).length, 0);
  });

  test('random inputs of every length up to 300 and large ones round-trip strictly', () => {
    for (let n = 0; n <= 300; n++) {
      const bytes = randomBytes(n);
      const text = native.base2e15Encode(bytes);
      assert.equal(text.length, Math.ceil((8 * n) / 15));
      assert.deepEqual(native.base2e15Decode(text, true), bytes, `${n} bytes`);
    }
    for (const n of [4096, 65_535, 1 << 20]) {
      const bytes = randomBytes(n);
      assert.deepEqual(native.base2e15Decode(native.base2e15Encode(bytes), true), bytes, `${n} bytes`);
    }
  });

  test('output never contains ":", "@", whitespace or surrogates', () => {
    const text = native.base2e15Encode(randomBytes(10_000));
    assert.doesNotMatch(text, /[:@\s\uD800-\uDFFF]/);
  });
});

describe('native base2e15: lenient and strict decoding rules', () => {
  const bytes = randomBytes(40);
  const text = native.base2e15Encode(bytes); // 22 chars, the last one 7-bit (r = 5)

  test('lenient skips code units outside the alphabet anywhere, including inside 8-char groups', () => {
    const noisy = [...text].map((c, i) => (i % 3 === 0 ? `~ \u4DB6\uD800${c}` : c)).join('') + 'xyz';
    assert.deepEqual(native.base2e15Decode(noisy, false), bytes);
    assert.throws(() => native.base2e15Decode(noisy, true), isBad);
  });

  test('lenient stops after the 7-bit character; strict rejects anything after it', () => {
    assert.deepEqual(native.base2e15Decode(`${text}\u3480\u3480`, false), bytes);
    assert.throws(() => native.base2e15Decode(`${text}\u3480`, true), isBad);
  });

  test('a 7-bit character with no pending bits is rejected in both modes', () => {
    for (const strict of [false, true]) {
      assert.throws(() => native.base2e15Decode('\u3400', strict), isBad, 'first');
      assert.throws(() => native.base2e15Decode('~\u3400', strict), isBad, 'first after skipped');
      // 8 fifteen-bit characters = exactly 15 bytes: nothing pending.
      const group = native.base2e15Encode(randomBytes(15));
      assert.equal(group.length, 8);
      assert.throws(() => native.base2e15Decode(`${group}\u3400`, strict), isBad, 'after a full group');
    }
  });

  test('strict rejects non-zero padding bits; lenient drops them', () => {
    // "00" encodes as U+3480 (8 data bits + 7 zero padding bits); U+3481 sets a padding bit.
    assert.deepEqual(native.base2e15Decode('\u3481', false), Buffer.from([0]));
    assert.throws(() => native.base2e15Decode('\u3481', true), isBad);
    // "00 00" = U+3480 U+3400 (1 data bit + 6 padding bits in the tail); U+3401 sets one.
    assert.deepEqual(native.base2e15Decode('\u3480\u3401', false), Buffer.from([0, 0]));
    assert.throws(() => native.base2e15Decode('\u3480\u3401', true), isBad);
  });

  test('every range boundary decodes; code units just outside are skipped', () => {
    const edges = ['\u3480', '\u4DB5', '\u4E00', '\u8925', '\uAC00', '\uD7A3'];
    for (const c of edges) assert.equal(native.base2e15Decode(c.repeat(8), true).length, 15, c);
    for (const c of ['\u347F\u3480', '\u4DB6', '\u4DFF', '\u8926', '\uABFF', '\uD7A4', '\uFFFF']) {
      assert.throws(() => native.base2e15Decode(`\u3480${c}`, true), isBad, c);
    }
  });

  test('one-byte (latin1) strings are handled', () => {
    assert.equal(native.base2e15Decode('hello world', false).length, 0);
    assert.throws(() => native.base2e15Decode('hello', true), isBad);
  });

  test('wrong argument types raise TypeError', () => {
    for (const value of [undefined, null, 42, {}, Buffer.from('x')]) {
      assert.throws(() => native.base2e15Decode(value as string, false), TypeError);
    }
    for (const value of [undefined, null, 'text', 42, new Uint16Array(4)]) {
      assert.throws(() => native.base2e15Encode(value as unknown as Uint8Array), TypeError);
    }
    assert.throws(() => native.base2e15Decode(text, 'yes' as unknown as boolean), TypeError);
  });
});
