/** Strict RFC 4648 base64: what Node's lenient decoder lets through must fail here. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { BadBase64Error, decodeBase64, encodeBase64 } from '../../../agent/src/crypto/index.js';

function isBadBase64(error: unknown): boolean {
  return error instanceof BadBase64Error && error.code === 'ERR_ATAGENT_BAD_BASE64';
}

describe('strict base64', () => {
  test('round trips every length 0..300 and agrees with Node on valid text', () => {
    for (let n = 0; n <= 300; n++) {
      const bytes = randomBytes(n);
      const text = encodeBase64(bytes);
      assert.equal(text, bytes.toString('base64'));
      assert.deepEqual(decodeBase64(text), bytes);
    }
    assert.equal(encodeBase64(new Uint8Array([1, 2, 3, 4])), 'AQIDBA==');
  });

  test('the empty string is zero bytes', () => {
    assert.equal(decodeBase64('').length, 0);
  });

  const rejected: Array<[string, string]> = [
    ['length not a multiple of 4', 'QUJDR'],
    ['missing padding', 'QUJDRA'],
    ['one = missing', 'QUJDRA='],
    ['extra =', 'QUJDRA==='],
    ['= only', '===='],
    ['= inside', 'QU=DRA=='],
    ['padding then data', 'QQ==QUJD'],
    ['space', 'QUJD RA='],
    ['leading space', ' QUJDRA='],
    ['newline (MIME style)', 'QUJD\nRA=='],
    ['trailing newline', 'UJDRA==\n'],
    ['tab', 'QUJD\tRA='],
    ['URL-safe -', 'QUJD-A=='],
    ['URL-safe _', 'QUJD_A=='],
    ['non-ASCII letter', 'QUJDé==='],
    ['NUL', 'QUJD\0A=='],
    ['non-zero bits before ==', 'QR=='],
    ['non-zero bits before =', 'QUJ='],
    ['a 5th character group of one', 'QUJDR==='],
  ];
  for (const [what, text] of rejected) {
    test(`rejects ${what}`, () => {
      assert.throws(() => decodeBase64(text, 'thing'), (error: unknown) => {
        assert.ok(isBadBase64(error));
        assert.match((error as Error).message, /^thing is not valid base64/);
        return true;
      });
    });
  }

  test('Node would have accepted most of those (why this module exists)', () => {
    assert.equal(Buffer.from('QUJD RA=', 'base64').toString(), 'ABCD');
    assert.equal(Buffer.from('QUJDRA', 'base64').toString(), 'ABCD');
    assert.equal(Buffer.from('QUJD-A==', 'base64').length, 4);
  });

  test('messages point at the offending character without echoing the text', () => {
    assert.throws(() => decodeBase64('QUJD\nRA=', 'ivNonce'), /ivNonce is not valid base64: character U\+000a at offset 4/);
    assert.throws(() => decodeBase64('QU*D', 'x'), /character '\*' at offset 2/);
  });

  test('wrong argument types throw TypeError', () => {
    assert.throws(() => decodeBase64(undefined as unknown as string), TypeError);
    assert.throws(() => encodeBase64('abc' as unknown as Uint8Array), TypeError);
  });
});
