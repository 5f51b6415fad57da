/** base2e15: the spec's pairs and decode-only cases, strict-mode errors, round trips; per engine. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { BadBase2e15Error, base2e15 } from 'atagent';
import { forEachEngine } from './engines.js';
import { readVector } from '../../helpers/vectors.js';

const vectors = readVector('base2e15.json');

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function isBase2e15Error(error: unknown): boolean {
  return error instanceof BadBase2e15Error && error.code === 'ERR_ATAGENT_BAD_BASE2E15';
}

forEachEngine('base2e15', (engine) => {
  test('every encode pair of base2e15.json, both directions, strict and lenient', () => {
    assert.equal(vectors.encode.length, 50);
    for (const pair of vectors.encode) {
      const bytes = Buffer.from(pair.bytesHex, 'hex');
      const encoded = engine().base2e15Encode(bytes);
      assert.equal(encoded, pair.encoded, pair.bytesHex);
      assert.deepEqual(
        [...encoded].map((c) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`),
        pair.codePoints,
      );
      assert.equal(hex(engine().base2e15Decode(pair.encoded, true)), pair.bytesHex);
      assert.equal(hex(engine().base2e15Decode(pair.encoded, false)), pair.bytesHex);
    }
  });

  test('decode-only cases decode leniently and are rejected in strict mode', () => {
    assert.equal(vectors.decodeOnly.length, 3);
    for (const c of vectors.decodeOnly) {
      assert.equal(hex(engine().base2e15Decode(c.input, false)), c.bytesHex, c.note);
      assert.throws(() => engine().base2e15Decode(c.input, true), isBase2e15Error, c.note);
    }
  });

  test('worked examples of base2e15.md', () => {
    const encode = (h: string) => engine().base2e15Encode(Buffer.from(h, 'hex'));
    assert.equal(encode('00'), '\u3480');
    assert.equal(encode('ff'), '\uD724');
    assert.equal(encode('0000'), '\u3480\u3400');
    assert.equal(encode('ffff'), '\uD7A3\u3440');
    assert.equal(encode('1234'), '\u3D9A\u3400');
    assert.equal(engine().base2e15Encode(Buffer.from('Base2e15 is awesome!')), '嗺둽嬖蟝巍媖疌켉溁닽壪');
  });

  test('empty input ⇄ empty text', () => {
    assert.equal(engine().base2e15Encode(new Uint8Array(0)), '');
    assert.equal(engine().base2e15Decode('', true).length, 0);
    assert.equal(engine().base2e15Decode('', false).length, 0);
  });

  test('output length is ceil(8n/15) and round trips hold for every length 0..600', () => {
    for (let n = 0; n <= 600; n++) {
      const bytes = randomBytes(n);
      const text = engine().base2e15Encode(bytes);
      assert.equal(text.length, Math.ceil((8 * n) / 15));
      assert.ok(!/[\s:@]/.test(text));
      assert.deepEqual(engine().base2e15Decode(text, true), bytes);
    }
  });

  test('strict mode rejects each kind of malformed text; lenient mode follows upstream', () => {
    const valid = engine().base2e15Encode(Buffer.from('0102030405', 'hex')); // 40 bits: 2×15 + 10
    // junk outside the alphabet: ASCII, the gaps between ranges, beyond the last range, a surrogate
    for (const junk of ['a', ' ', '\n', '\u4DB6', '\u4DFF', '\u8926', '\uABFF', '\uD7A4', '\uD800', '\u33FF']) {
      const text = valid.slice(0, 1) + junk + valid.slice(1);
      assert.throws(() => engine().base2e15Decode(text, true), isBase2e15Error, JSON.stringify(junk));
      assert.equal(hex(engine().base2e15Decode(text, false)), '0102030405');
    }
    // text after the 7-bit final character
    const withTail = engine().base2e15Encode(Buffer.from('0000', 'hex'));
    assert.throws(() => engine().base2e15Decode(`${withTail}\u3480`, true), isBase2e15Error);
    assert.equal(hex(engine().base2e15Decode(`${withTail}\u3480`, false)), '0000');
    // non-zero padding bits in a final 15-bit character (0x00 encodes as U+3480 with 7 padding bits)
    assert.throws(() => engine().base2e15Decode('\u3481', true), isBase2e15Error);
    assert.equal(hex(engine().base2e15Decode('\u3481', false)), '00');
    // non-zero padding bits in a final 7-bit character ('0000' ends with U+3400 carrying 1 data bit)
    assert.throws(() => engine().base2e15Decode('\u3480\u3401', true), isBase2e15Error);
    assert.equal(hex(engine().base2e15Decode('\u3480\u3401', false)), '0000');
  });

  test('a 7-bit character with no pending bits is malformed in both modes (upstream throws)', () => {
    for (const text of ['\u3400', '\u3440\u3480', engine().base2e15Encode(Buffer.alloc(15)) + '\u3400']) {
      assert.throws(() => engine().base2e15Decode(text, false), isBase2e15Error);
      assert.throws(() => engine().base2e15Decode(text, true), isBase2e15Error);
    }
  });

  test('text of only skipped characters decodes to nothing leniently', () => {
    assert.equal(engine().base2e15Decode('hello, world\u4DB6', false).length, 0);
  });

  test('wrong argument types throw TypeError', () => {
    assert.throws(() => engine().base2e15Encode('abc' as unknown as Uint8Array), TypeError);
    assert.throws(() => engine().base2e15Decode(42 as unknown as string, false), TypeError);
  });
});

describe('base2e15 public export', () => {
  test('encode/decode with options on the active engine', () => {
    const pair = vectors.encode[10];
    assert.equal(base2e15.encode(Buffer.from(pair.bytesHex, 'hex')), pair.encoded);
    const decoded = base2e15.decode(pair.encoded);
    assert.ok(decoded instanceof Uint8Array);
    assert.equal(hex(decoded), pair.bytesHex);
    assert.equal(hex(base2e15.decode(pair.encoded, { strict: true })), pair.bytesHex);
    assert.equal(hex(base2e15.decode(vectors.decodeOnly[0].input)), vectors.decodeOnly[0].bytesHex);
    assert.throws(() => base2e15.decode(vectors.decodeOnly[0].input, { strict: true }), isBase2e15Error);
  });

  test('plain Uint8Array input (not a Buffer) and a large value', () => {
    const bytes = new Uint8Array(randomBytes(1 << 20));
    const text = base2e15.encode(bytes);
    assert.equal(text.length, Math.ceil((8 * bytes.length) / 15));
    assert.deepEqual(new Uint8Array(base2e15.decode(text, { strict: true })), bytes);
  });
});
