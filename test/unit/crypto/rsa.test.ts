/** RSA keys: parsing, encryption, signatures, implicit rejection and every malformed input, per engine. */
import assert from 'node:assert/strict';
import { constants, createPrivateKey, createPublicKey, generateKeyPairSync, publicEncrypt, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, test } from 'node:test';
import {
  AesKey,
  BadBase64Error,
  BadCiphertextError,
  BadKeyError,
  PlaintextTooLongError,
  RsaPrivateKey,
  RsaPublicKey,
  generateRsaKeyPair,
} from '../../../agent/src/crypto/index.js';
import { forEachEngine } from './engines.js';
import { readFixture, readVector } from '../../helpers/vectors.js';

const v = readVector('crypto.json');
const bobPrivate: string = v.sharedKeyExchange.bobEncryptionPrivateKey;
const bobPublic: string = v.sharedKeyExchange.bobEncryptionPublicKey;
const alicePublic: string = v.sharedKeyExchange.aliceEncryptionPublicKey;

function hasCode(code: string, type: abstract new (...args: never[]) => Error) {
  return (error: unknown) => error instanceof type && (error as { code?: string }).code === code;
}
const badKey = hasCode('ERR_ATAGENT_BAD_KEY', BadKeyError);
const badCiphertext = hasCode('ERR_ATAGENT_BAD_CIPHERTEXT', BadCiphertextError);
const tooLong = hasCode('ERR_ATAGENT_PLAINTEXT_TOO_LONG', PlaintextTooLongError);
const badBase64 = hasCode('ERR_ATAGENT_BAD_BASE64', BadBase64Error);

/** A real OpenSSL's implicit-rejection answers (test/fixtures/make-implicit-rejection.py). */
const implicitRejection = readFixture('implicit-rejection.json');

forEachEngine('RSA keys', (engine) => {
  test('decryption matches OpenSSL 3.2+ implicit rejection byte for byte (good and bad padding, three key sizes)', () => {
    assert.ok(implicitRejection.cases.length >= 60);
    const sizes = new Set<number>();
    for (const c of implicitRejection.cases) {
      const key = RsaPrivateKey.fromBase64(implicitRejection.keys[c.key], engine());
      sizes.add(key.size);
      assert.equal(key.decrypt(Buffer.from(c.ciphertextBase64, 'base64')).toString('base64'), c.plaintextBase64, `${c.key}: ${c.note}`);
    }
    assert.deepEqual([...sizes].sort((x, y) => x - y), [128, 256, 384]);
  });

  test('bad padding is not an error: a stable pseudo-random message, different per ciphertext', () => {
    const key = RsaPrivateKey.fromBase64(bobPrivate, engine());
    const ciphertext = Buffer.from(v.sharedKeyExchange.encryptedForBob, 'base64');
    const tampered = Buffer.from(ciphertext);
    tampered[200] = (tampered[200] as number) ^ 0x40;
    const first = key.decrypt(tampered);
    assert.deepEqual(key.decrypt(tampered), first, 'deterministic');
    assert.notEqual(first.toString('latin1'), v.sharedKeyExchange.aesKeyBase64);
    tampered[201] = (tampered[201] as number) ^ 0x01;
    assert.notDeepEqual(key.decrypt(tampered), first);
  });

  test('decryptAesKey turns a wrong key or damaged ciphertext into a key error, not a bogus key', () => {
    const wrongKey = RsaPrivateKey.fromBase64(v.sharedKeyExchange.aliceEncryptionPrivateKey, engine());
    assert.throws(() => wrongKey.decryptAesKey(v.sharedKeyExchange.encryptedForBob), badKey);
    const damaged = Buffer.from(v.sharedKeyExchange.encryptedForBob, 'base64');
    damaged[7] = (damaged[7] as number) ^ 0x10;
    const right = RsaPrivateKey.fromBase64(bobPrivate, engine());
    assert.throws(() => right.decryptAesKey(damaged.toString('base64')), badKey);
    assert.throws(() => right.decryptAesKey('%%%'), badBase64);
    const notAKey = RsaPublicKey.fromBase64(bobPublic, engine()).encryptText('hello, not a key');
    assert.throws(() => right.decryptAesKey(notAKey), (error: unknown) => badKey(error) && !String(error).includes('hello'));
  });

  test('encrypt → decrypt round trips for every plaintext length 0..245', () => {
    const privateKey = RsaPrivateKey.fromBase64(bobPrivate, engine());
    const publicKey = RsaPublicKey.fromBase64(bobPublic, engine());
    for (const n of [0, 1, 2, 44, 100, 244, 245]) {
      const plaintext = randomBytes(n);
      const ciphertext = publicKey.encrypt(plaintext);
      assert.equal(ciphertext.length, 256);
      assert.deepEqual(privateKey.decrypt(ciphertext), plaintext, `${n} bytes`);
    }
    assert.equal(privateKey.decryptText(publicKey.encryptText('héllo 🔑')), 'héllo 🔑');
  });

  test('ciphertexts from node:crypto decrypt too', () => {
    const privateKey = RsaPrivateKey.fromBase64(bobPrivate, engine());
    const nodeKey = createPublicKey({ key: Buffer.from(bobPublic, 'base64'), format: 'der', type: 'spki' });
    const ciphertext = publicEncrypt({ key: nodeKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from('from node'));
    assert.equal(privateKey.decrypt(ciphertext).toString(), 'from node');
  });

  test('plaintext over 245 bytes is PlaintextTooLongError', () => {
    const publicKey = RsaPublicKey.fromBase64(bobPublic, engine());
    assert.throws(() => publicKey.encrypt(Buffer.alloc(246)), tooLong);
    assert.throws(() => publicKey.encryptText('x'.repeat(300)), tooLong);
  });

  test('ciphertext of the wrong length, empty, or not below the modulus is BadCiphertextError', () => {
    const privateKey = RsaPrivateKey.fromBase64(bobPrivate, engine());
    const ciphertext = Buffer.from(v.sharedKeyExchange.encryptedForBob, 'base64');
    for (const bad of [Buffer.alloc(0), ciphertext.subarray(0, 255), ciphertext.subarray(1), Buffer.concat([ciphertext, Buffer.alloc(1)]), Buffer.alloc(512)]) {
      assert.throws(() => privateKey.decrypt(bad), badCiphertext, `${bad.length} bytes`);
    }
    assert.throws(() => privateKey.decrypt(Buffer.alloc(256, 0xff)), badCiphertext, 'all ones >= n');
    const modulus = Buffer.from(createPrivateKey({ key: Buffer.from(bobPrivate, 'base64'), format: 'der', type: 'pkcs8' }).export({ format: 'jwk' }).n as string, 'base64url');
    assert.equal(modulus.length, 256);
    assert.throws(() => privateKey.decrypt(modulus), badCiphertext, 'exactly n');
    assert.throws(() => privateKey.decryptText(''), badCiphertext);
    assert.throws(() => privateKey.decryptText('not base64'), badBase64);
  });

  test('a zero ciphertext and other tiny values are implicitly rejected, not errors', () => {
    const privateKey = RsaPrivateKey.fromBase64(bobPrivate, engine());
    const zero = privateKey.decrypt(Buffer.alloc(256));
    const one = Buffer.alloc(256);
    one[255] = 1;
    assert.ok(zero.length <= 246);
    assert.ok(privateKey.decrypt(one).length <= 246);
  });

  test('signatures: sign/verify both hashes; tampered, truncated or foreign signatures are false', () => {
    const privateKey = RsaPrivateKey.fromBase64(bobPrivate, engine());
    const publicKey = RsaPublicKey.fromBase64(bobPublic, engine());
    const message = Buffer.from('a message');
    for (const hash of ['sha256', 'sha512'] as const) {
      const signature = privateKey.sign(message, hash);
      assert.equal(signature.length, 256);
      assert.deepEqual(privateKey.sign(message, hash), signature, 'deterministic');
      assert.equal(publicKey.verify(message, signature, hash), true);
      const tampered = Buffer.from(signature);
      tampered[10] = (tampered[10] as number) ^ 1;
      assert.equal(publicKey.verify(message, tampered, hash), false);
      assert.equal(publicKey.verify(message, signature.subarray(0, 255), hash), false);
      assert.equal(publicKey.verify(message, Buffer.alloc(0), hash), false);
      assert.equal(publicKey.verify(message, Buffer.alloc(256, 0xff), hash), false, 'signature >= n');
      assert.equal(publicKey.verify(Buffer.from('another message'), signature, hash), false);
      assert.equal(RsaPublicKey.fromBase64(alicePublic, engine()).verify(message, signature, hash), false);
    }
    assert.equal(publicKey.verifyText('a message', privateKey.signText('a message')), true);
    assert.equal(publicKey.verifyText('a message', 'not base64!'), false, 'junk signature text is just invalid');
    assert.equal(publicKey.verifyText('a message', ''), false);
  });

  test('an unknown hash name is a TypeError', () => {
    const privateKey = RsaPrivateKey.fromBase64(bobPrivate, engine());
    assert.throws(() => privateKey.sign(Buffer.from('x'), 'md5' as 'sha256'), TypeError);
    assert.throws(() => privateKey.publicKey().verify(Buffer.from('x'), Buffer.alloc(256), 'sha1' as 'sha256'), TypeError);
  });

  test('keys that are not base64 DER SPKI / PKCS#8 RSA keys are refused with BadKeyError', () => {
    const privateDer = Buffer.from(bobPrivate, 'base64');
    const publicDer = Buffer.from(bobPublic, 'base64');
    const pkcs1 = createPrivateKey({ key: privateDer, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs1', format: 'der' });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const badPublic: Array<[string, Buffer]> = [
      ['empty', Buffer.alloc(0)],
      ['truncated', publicDer.subarray(0, 200)],
      ['trailing data', Buffer.concat([publicDer, Buffer.from([0])])],
      ['a private key', privateDer],
      ['random bytes', randomBytes(294)],
      ['an EC key', ec.publicKey.export({ type: 'spki', format: 'der' })],
    ];
    for (const [what, der] of badPublic) {
      assert.throws(() => RsaPublicKey.fromDer(der, engine()), badKey, `public: ${what}`);
      assert.throws(() => RsaPublicKey.fromBase64(der.toString('base64'), engine()), badKey, `public b64: ${what}`);
    }
    const badPrivate: Array<[string, Buffer]> = [
      ['empty', Buffer.alloc(0)],
      ['truncated', privateDer.subarray(0, privateDer.length - 1)],
      ['trailing data', Buffer.concat([privateDer, Buffer.from('junk')])],
      ['PKCS#1 instead of PKCS#8', pkcs1],
      ['a public key', publicDer],
      ['an EC key', ec.privateKey.export({ type: 'pkcs8', format: 'der' })],
    ];
    for (const [what, der] of badPrivate) {
      assert.throws(() => RsaPrivateKey.fromDer(der, engine()), badKey, `private: ${what}`);
    }
    // the engine itself also refuses what the facade's DER shape check lets through
    assert.throws(() => engine().createRsaPublic(privateDer), badKey);
    assert.throws(() => engine().createRsaPrivate(publicDer), badKey);
    assert.throws(() => RsaPublicKey.fromBase64(`${bobPublic}\n`, engine()), badBase64);
    assert.throws(() => RsaPublicKey.fromBase64(`-----BEGIN PUBLIC KEY-----\n${bobPublic}\n-----END PUBLIC KEY-----`, engine()), badBase64);
  });

  test('key objects: size, base64 round trip, public half, pubKeyCS, equality, redaction', () => {
    const privateKey = RsaPrivateKey.fromBase64(bobPrivate, engine());
    const publicKey = RsaPublicKey.fromBase64(bobPublic, engine());
    assert.equal(privateKey.size, 256);
    assert.equal(publicKey.size, 256);
    assert.equal(privateKey.toBase64(), bobPrivate);
    assert.equal(publicKey.toBase64(), bobPublic);
    assert.equal(privateKey.publicKey().toBase64(), bobPublic);
    assert.ok(privateKey.matches(publicKey));
    assert.ok(!privateKey.matches(RsaPublicKey.fromBase64(alicePublic, engine())));
    assert.ok(publicKey.equals(RsaPublicKey.fromDer(publicKey.toDer(), engine())));
    assert.equal(publicKey.checksum(), v.sharedKeyExchange.pubKeyCS);
    assert.ok(!inspect(privateKey).includes(bobPrivate.slice(40, 80)));
    assert.ok(!JSON.stringify({ privateKey }).includes(bobPrivate.slice(40, 80)));
  });

  test('wrong argument types throw TypeError', () => {
    const privateKey = RsaPrivateKey.fromBase64(bobPrivate, engine());
    assert.throws(() => privateKey.decrypt('x' as unknown as Uint8Array), TypeError);
    assert.throws(() => privateKey.sign('x' as unknown as Uint8Array), TypeError);
    assert.throws(() => privateKey.publicKey().encrypt(7 as unknown as Uint8Array), TypeError);
    assert.throws(() => privateKey.publicKey().encryptAesKey('k' as unknown as AesKey), TypeError);
    assert.throws(() => RsaPublicKey.fromDer('x' as unknown as Uint8Array, engine()), TypeError);
  });

  test('generateRsaKeyPair: a working 2048-bit pair in the protocol encodings', async () => {
    const { publicKey, privateKey } = await generateRsaKeyPair({ backend: engine() });
    assert.equal(publicKey.size, 256);
    assert.ok(publicKey.toBase64().startsWith('MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'));
    assert.equal(publicKey.toBase64().length, 392);
    // PKCS#8 DER of a 2048-bit key is about 1,190-1,220 bytes (integers lose leading zero
    // bytes at random), so only the SEQUENCE header 'MIIE' is fixed; 'MIIEv' is merely usual.
    assert.ok(privateKey.toBase64().startsWith('MIIE'));
    assert.ok(RsaPrivateKey.fromBase64(privateKey.toBase64(), engine()).matches(publicKey));
    assert.ok(privateKey.matches(publicKey));
    const shared = AesKey.generate(engine());
    assert.ok(privateKey.decryptAesKey(publicKey.encryptAesKey(shared)).equals(shared));
    assert.equal(publicKey.verifyText('challenge', privateKey.signText('challenge')), true);
  });
});

describe('generateRsaKeyPair arguments', () => {
  test('refuses silly sizes', async () => {
    await assert.rejects(generateRsaKeyPair({ modulusBits: 512 }), RangeError);
    await assert.rejects(generateRsaKeyPair({ modulusBits: 2047 }), RangeError);
  });
});
