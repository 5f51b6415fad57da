import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineSplitter, LineTooLongError } from '../../../../agent/src/server/atserver/line-splitter.js';

function split(chunks: readonly Buffer[], limit = 1_000_000): string[] {
  const splitter = new LineSplitter(limit);
  return chunks.flatMap((chunk) => splitter.push(chunk).map((line) => line.toString('utf8')));
}

describe('LineSplitter', () => {
  test('a merged burst is several lines; an unfinished line waits', () => {
    const splitter = new LineSplitter(100);
    assert.deepEqual(splitter.push(Buffer.from('a\nb\r\nc')).map(String), ['a', 'b\r']);
    assert.equal(splitter.pendingBytes, 1);
    assert.deepEqual(splitter.push(Buffer.from('d\n')).map(String), ['cd']);
  });

  test('however the bytes are cut, the same lines come out (multi-byte UTF-8 included)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 30 }), { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 20 }), (lines, cuts) => {
        const bytes = Buffer.from(lines.map((line) => `${line.replaceAll('\n', '')}\n`).join(''));
        const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let start = 0;
        for (const point of [...points, bytes.length]) {
          chunks.push(bytes.subarray(start, point));
          start = point;
        }
        assert.deepEqual(split(chunks), lines.map((line) => line.replaceAll('\n', '')));
      }),
    );
  });

  test('a line of exactly the limit passes; one byte more throws as soon as it is seen', () => {
    assert.deepEqual(split([Buffer.from(`${'x'.repeat(10)}\n`)], 10), ['x'.repeat(10)]);
    const splitter = new LineSplitter(10);
    splitter.push(Buffer.from('x'.repeat(6)));
    assert.throws(() => splitter.push(Buffer.from('x'.repeat(5))), LineTooLongError);
    assert.throws(() => new LineSplitter(10).push(Buffer.from(`${'x'.repeat(11)}\n`)), LineTooLongError);
  });
});
