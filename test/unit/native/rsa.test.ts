import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createPrivateKey, createPublicKey, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
import {
  BadCiphertextError,
  BadKeyError,
  PlaintextTooLongError,
} from '../../../agent/src/crypto/errors.js';
import { loadNativeBackend } from '../../../agent/src/crypto/native-backend.js';
import { b64, readFixture, utf8 } from './fixtures.js';

const native = loadNativeBackend();
const vectors = readFixture('vectors/crypto.json');
const demo = readFixture('vectors/demo_keys.json');

describe('native RSA: known answers', () => {
  test('decrypts the shared-key exchange for bob and for alice', () => {
    const v = vectors.sharedKeyExchange;
    const bob = native.createRsaPrivate(b64(v.bobEncryptionPrivateKey));
    const alice = native.createRsaPrivate(b64(v.aliceEncryptionPrivateKey));
    assert.equal(bob.decrypt(b64(v.encryptedForBob)).toString('utf8'), v.aesKeyBase64);
    assert.equal(alice.decrypt(b64(v.encryptedForAlice)).toString('utf8'), v.aesKeyBase64);
  });

  test('at_c rsaDecrypt gives "banana"', () => {
    const v = vectors.atC_knownAnswer.rsaDecrypt;
    const key = native.createRsaPrivate(b64(v.privateKeyBase64));
    assert.equal(key.decrypt(b64(v.ciphertextBase64)).toString('utf8'), 'banana');
  });

  test('PKAM signatures over the challenge (sha256, sha512) match and verify', () => {
    const v = vectors.pkam;
    const key = native.createRsaPrivate(b64(v.pkamPrivateKey));
    const pub = native.createRsaPublic(b64(v.pkamPublicKey));
    const challenge = utf8(v.challenge);
    assert.equal(key.sign('sha256', challenge).toString('base64'), v.sha256.signature);
    assert.equal(key.sign('sha512', challenge).toString('base64'), v.sha512.signature);
    assert.equal(pub.verify('sha256', challenge, b64(v.sha256.signature)), true);
    assert.equal(pub.verify('sha512', challenge, b64(v.sha512.signature)), true);
    assert.equal(pub.verify('sha512', challenge, b64(v.sha256.signature)), false, 'wrong hash');
  });

  test('pol, publicDataSignature and at_c rsaSignSha256 signatures match', () => {
    const pol = vectors.pol;
    assert.equal(native.createRsaPrivate(b64(pol.signingPrivateKey)).sign('sha256', utf8(pol.proof)).toString('base64'), pol.signature);
    assert.equal(native.createRsaPublic(b64(pol.signingPublicKey)).verify('sha256', utf8(pol.proof), b64(pol.signature)), true);
    const data = vectors.publicDataSignature;
    assert.equal(native.createRsaPrivate(b64(data.encryptionPrivateKey)).sign('sha256', utf8(data.value)).toString('base64'), data.dataSignature);
    assert.equal(native.createRsaPublic(b64(data.encryptionPublicKey)).verify('sha256', utf8(data.value), b64(data.dataSignature)), true);
    const atc = vectors.atC_knownAnswer.rsaSignSha256;
    assert.equal(native.createRsaPrivate(b64(atc.privateKeyBase64)).sign('sha256', utf8(atc.message)).toString('base64'), atc.signatureBase64);
  });

  test('encrypt → decrypt round trip with random padding; node:crypto-encrypted input decrypts too', () => {
    const v = vectors.sharedKeyExchange;
    const pub = native.createRsaPublic(b64(v.bobEncryptionPublicKey));
    const key = native.createRsaPrivate(b64(v.bobEncryptionPrivateKey));
    assert.equal(pub.size, 256);
    assert.equal(key.size, 256);
    const message = utf8(v.aesKeyBase64);
    const first = pub.encrypt(message);
    const second = pub.encrypt(message);
    assert.equal(first.length, 256);
    assert.notDeepEqual(first, second, 'PKCS#1 v1.5 padding is random');
    assert.deepEqual(key.decrypt(first), message);
    assert.deepEqual(key.decrypt(second), message);
    const viaNode = publicEncrypt({ key: createPublicKey({ key: b64(v.bobEncryptionPublicKey), format: 'der', type: 'spki' }), padding: constants.RSA_PKCS1_PADDING }, message);
    assert.deepEqual(key.decrypt(viaNode), message);
    const nodeKey = createPrivateKey({ key: b64(v.bobEncryptionPrivateKey), format: 'der', type: 'pkcs8' });
    for (const length of [0, 1, 44, 245]) {
      const plaintext = randomBytes(length);
      const ciphertext = pub.encrypt(plaintext);
      assert.deepEqual(key.decrypt(ciphertext), plaintext, `${length} bytes`);
      // The encoded block itself: 00 02, non-zero random padding, 00, message (RFC 8017 §7.2.1).
      const em = privateDecrypt({ key: nodeKey, padding: constants.RSA_NO_PADDING }, ciphertext);
      const padding = em.subarray(2, 256 - length - 1);
      assert.deepEqual([em[0], em[1], em[256 - length - 1]], [0, 2, 0], `${length} bytes`);
      assert.ok(padding.length >= 8 && padding.every((byte) => byte !== 0), 'padding is non-zero');
      assert.deepEqual(em.subarray(256 - length), plaintext);
    }
  });

  test('exports: SPKI of both halves equals the public key; PKCS#8 round-trips', () => {
    const v = vectors.sharedKeyExchange;
    const key = native.createRsaPrivate(b64(v.bobEncryptionPrivateKey));
    const pub = native.createRsaPublic(b64(v.bobEncryptionPublicKey));
    assert.equal(key.exportSpki().toString('base64'), v.bobEncryptionPublicKey);
    assert.equal(pub.exportSpki().toString('base64'), v.bobEncryptionPublicKey);
    const pkcs8 = key.exportPkcs8();
    assert.deepEqual(
      createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'jwk' }),
      createPrivateKey({ key: b64(v.bobEncryptionPrivateKey), format: 'der', type: 'pkcs8' }).export({ format: 'jwk' }),
    );
    assert.equal(native.createRsaPrivate(pkcs8).sign('sha256', utf8('x')).length, 256);
  });

  test('other modulus sizes (1024, 3072, 4096 bits) work', () => {
    for (const modulusLength of [1024, 3072, 4096]) {
      const pair = generateKeyPairSync('rsa', { modulusLength });
      const key = native.createRsaPrivate(pair.privateKey.export({ format: 'der', type: 'pkcs8' }));
      const pub = native.createRsaPublic(pair.publicKey.export({ format: 'der', type: 'spki' }));
      assert.equal(key.size, modulusLength / 8);
      const message = randomBytes(pub.size - 11);
      assert.deepEqual(key.decrypt(pub.encrypt(message)), message);
      assert.equal(pub.verify('sha512', message, key.sign('sha512', message)), true);
    }
  });
});

describe('native RSA: implicit rejection (OpenSSL >= 3.2 semantics)', () => {
  const fixture = readFixture('implicit-rejection.json');

  test('every case matches the output of a real OpenSSL with implicit rejection', () => {
    assert.match(fixture.openssl, /OpenSSL [3-9]\./);
    assert.ok(fixture.cases.length >= 60, `${fixture.cases.length} cases`);
    for (const c of fixture.cases) {
      const key = native.createRsaPrivate(b64(fixture.keys[c.key]));
      assert.equal(key.decrypt(b64(c.ciphertextBase64)).toString('base64'), c.plaintextBase64, `${c.key}: ${c.note}`);
    }
  });

  test('bad padding yields deterministic, key- and ciphertext-dependent output of plausible length, never an error', () => {
    const keyA = native.createRsaPrivate(b64(demo.atSigns['@alice🛠'].encryptionPrivateKey));
    const keyB = native.createRsaPrivate(b64(demo.atSigns['@barbara'].encryptionPrivateKey));
    const lengths = new Set<number>();
    for (let i = 0; i < 40; i++) {
      // Random values below n: their raw decryption is random, so almost never well padded.
      const ciphertext = randomBytes(256);
      ciphertext[0] = 0x01;
      const first = keyA.decrypt(ciphertext);
      assert.deepEqual(keyA.decrypt(ciphertext), first, 'deterministic');
      assert.notDeepEqual(keyB.decrypt(ciphertext), first, 'depends on the key');
      assert.ok(first.length <= 256 - 11, `length ${first.length}`);
      lengths.add(first.length);
    }
    assert.ok(lengths.size > 10, 'synthetic lengths vary');
  });
});

describe('native RSA: bad input', () => {
  const v = vectors.sharedKeyExchange;
  const key = native.createRsaPrivate(b64(v.bobEncryptionPrivateKey));
  const pub = native.createRsaPublic(b64(v.bobEncryptionPublicKey));
  const isBadKey = (e: unknown) => e instanceof BadKeyError && e.code === 'ERR_ATAGENT_BAD_KEY';

  test('garbage, truncated or padded DER raises BadKeyError', () => {
    const spki = b64(v.bobEncryptionPublicKey);
    const pkcs8 = b64(v.bobEncryptionPrivateKey);
    for (const der of [new Uint8Array(0), randomBytes(300), spki.subarray(0, 100), Buffer.concat([spki, Buffer.from([0])])]) {
      assert.throws(() => native.createRsaPublic(der), isBadKey);
    }
    for (const der of [new Uint8Array(0), randomBytes(1200), pkcs8.subarray(0, pkcs8.length - 1), Buffer.concat([pkcs8, Buffer.from([0])])]) {
      assert.throws(() => native.createRsaPrivate(der), isBadKey);
    }
  });

  test('a public key given as private, a private key as public, or PKCS#1 instead of PKCS#8 raises BadKeyError', () => {
    assert.throws(() => native.createRsaPrivate(b64(v.bobEncryptionPublicKey)), isBadKey);
    assert.throws(() => native.createRsaPublic(b64(v.bobEncryptionPrivateKey)), isBadKey);
    const pkcs1 = createPrivateKey({ key: b64(v.bobEncryptionPrivateKey), format: 'der', type: 'pkcs8' }).export({ format: 'der', type: 'pkcs1' });
    assert.throws(() => native.createRsaPrivate(pkcs1), isBadKey);
  });

  test('non-RSA keys and too small RSA keys raise BadKeyError', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    assert.throws(() => native.createRsaPublic(ec.publicKey.export({ format: 'der', type: 'spki' })), isBadKey);
    assert.throws(() => native.createRsaPrivate(ec.privateKey.export({ format: 'der', type: 'pkcs8' })), isBadKey);
    const ed = generateKeyPairSync('ed25519');
    assert.throws(() => native.createRsaPrivate(ed.privateKey.export({ format: 'der', type: 'pkcs8' })), isBadKey);
    const small = generateKeyPairSync('rsa', { modulusLength: 512 });
    assert.throws(() => native.createRsaPublic(small.publicKey.export({ format: 'der', type: 'spki' })), isBadKey);
    const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
    assert.throws(() => native.createRsaPrivate(pss.privateKey.export({ format: 'der', type: 'pkcs8' })), isBadKey);
  });

  test('ciphertext of the wrong length or not below the modulus raises BadCiphertextError', () => {
    const isBadCiphertext = (e: unknown) => e instanceof BadCiphertextError && e.code === 'ERR_ATAGENT_BAD_CIPHERTEXT';
    for (const length of [0, 1, 255, 257, 512]) {
      assert.throws(() => key.decrypt(new Uint8Array(length)), isBadCiphertext, `${length} bytes`);
    }
    const spkiModulus = createPublicKey({ key: b64(v.bobEncryptionPublicKey), format: 'der', type: 'spki' }).export({ format: 'jwk' }).n!;
    const n = Buffer.from(spkiModulus, 'base64url');
    assert.equal(n.length, 256);
    assert.throws(() => key.decrypt(n), isBadCiphertext, 'equal to n');
    assert.throws(() => key.decrypt(Buffer.alloc(256, 0xff)), isBadCiphertext, 'above n');
    const belowN = Buffer.from(n);
    belowN[255] = belowN[255]! - 1;
    assert.equal(key.decrypt(belowN).length <= 245, true, 'n - 1 decrypts (implicitly rejected)');
    assert.equal(key.decrypt(Buffer.alloc(256)).length <= 245, true, 'zero decrypts (implicitly rejected)');
  });

  test('plaintext longer than size - 11 raises PlaintextTooLongError', () => {
    assert.throws(() => pub.encrypt(new Uint8Array(246)), (e: unknown) => e instanceof PlaintextTooLongError && e.code === 'ERR_ATAGENT_PLAINTEXT_TOO_LONG');
  });

  test('wrong, truncated or wrong-length signatures verify false', () => {
    const message = utf8('hello');
    const signature = key.sign('sha256', message);
    assert.equal(pub.verify('sha256', message, signature), true);
    assert.equal(pub.verify('sha256', utf8('hellO'), signature), false);
    const flipped = Buffer.from(signature);
    flipped[100] = flipped[100]! ^ 1;
    assert.equal(pub.verify('sha256', message, flipped), false);
    assert.equal(pub.verify('sha256', message, signature.subarray(1)), false);
    assert.equal(pub.verify('sha256', message, Buffer.concat([signature, Buffer.from([0])])), false);
    assert.equal(pub.verify('sha256', message, new Uint8Array(0)), false);
    assert.equal(pub.verify('sha256', message, Buffer.alloc(256, 0xff)), false, 'signature above n');
  });

  test('unknown hash names and non-Uint8Array arguments raise TypeError', () => {
    for (const hash of ['sha1', 'SHA256', 'md5', '', 'sha2566', 256, undefined, null]) {
      assert.throws(() => key.sign(hash as 'sha256', utf8('x')), TypeError);
      assert.throws(() => pub.verify(hash as 'sha256', utf8('x'), Buffer.alloc(256)), TypeError);
    }
    for (const value of [undefined, null, 'text', 7, [1], new Uint32Array(64), {}]) {
      assert.throws(() => native.createRsaPublic(value as Uint8Array), TypeError);
      assert.throws(() => native.createRsaPrivate(value as Uint8Array), TypeError);
      assert.throws(() => key.decrypt(value as Uint8Array), TypeError);
      assert.throws(() => key.sign('sha256', value as Uint8Array), TypeError);
      assert.throws(() => pub.encrypt(value as Uint8Array), TypeError);
      assert.throws(() => pub.verify('sha256', value as Uint8Array, Buffer.alloc(256)), TypeError);
      assert.throws(() => pub.verify('sha256', utf8('x'), value as Uint8Array), TypeError);
    }
  });
});
