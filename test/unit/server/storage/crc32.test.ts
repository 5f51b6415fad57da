import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { crc32 } from '../../../../agent/src/server/storage/crc32.js';

/** Bit-by-bit CRC-32, the definition the table-driven version must match. */
function referenceCrc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('crc32', () => {
  test('matches the published check values', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    assert.equal(crc32(Buffer.alloc(0)), 0);
    assert.equal(crc32(Buffer.from('The quick brown fox jumps over the lazy dog')), 0x414fa339);
  });

  test('equals the bitwise definition for any input, whole or in pieces', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (bytes, cutSeed) => {
        const expected = referenceCrc32(bytes);
        assert.equal(crc32(bytes), expected);
        const cut = bytes.length === 0 ? 0 : cutSeed % (bytes.length + 1);
        assert.equal(crc32(bytes, crc32(bytes, 0, 0, cut), cut, bytes.length), expected);
      }),
    );
  });
});
