/** Wire digests: lowercase hex, UTF-8 for text, the CRAM concatenation. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { cramDigest, md5Hex, publicKeyChecksum, sha256Hex, sha512Hex } from 'atagent';

describe('digests', () => {
  test('known answers (FIPS 180 / RFC 1321 "abc")', () => {
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(
      sha512Hex('abc'),
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
    assert.equal(md5Hex('abc'), '900150983cd24fb0d6963f7d28e17f72');
  });

  test('text is hashed as UTF-8, bytes as given', () => {
    const text = '@alice🛠:ñ';
    assert.equal(sha512Hex(text), createHash('sha512').update(Buffer.from(text, 'utf8')).digest('hex'));
    assert.equal(sha256Hex(Buffer.from(text)), sha256Hex(text));
    assert.equal(md5Hex(new Uint8Array([1, 2, 3])), createHash('md5').update(Buffer.from([1, 2, 3])).digest('hex'));
  });

  test('cram digest is SHA-512 of secret immediately followed by the challenge', () => {
    assert.equal(cramDigest('secret', '_sess@alice:proof'), sha512Hex('secret_sess@alice:proof'));
    assert.match(cramDigest('s', 'c'), /^[0-9a-f]{128}$/);
  });

  test('pubKeyCS is MD5 of the base64 text, not of the DER', () => {
    const text = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA';
    assert.equal(publicKeyChecksum(text), md5Hex(text));
    assert.notEqual(publicKeyChecksum(text), md5Hex(Buffer.from(text, 'base64')));
  });

  test('wrong argument types throw TypeError', () => {
    assert.throws(() => sha512Hex(5 as unknown as string), TypeError);
    assert.throws(() => cramDigest(undefined as unknown as string, 'c'), TypeError);
    assert.throws(() => publicKeyChecksum(Buffer.alloc(1) as unknown as string), TypeError);
  });
});
