/**
 * Every deterministic computation of the spec's crypto.json, through the public facade, on
 * each engine and on the one the process selected.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CryptoBackend } from '../../../agent/src/crypto/backend.js';
import { AesKey, RsaPrivateKey, RsaPublicKey, cramDigest, ivFromBase64, md5Hex, publicKeyChecksum, sha512Hex } from '../../../agent/src/crypto/index.js';
import { cryptoBackend } from '../../../agent/src/crypto/select-backend.js';
import { forEachEngine } from './engines.js';
import { readVector } from '../../helpers/vectors.js';

const v = readVector('crypto.json');

function vectorSuite(engine: () => CryptoBackend): void {
  test('cram digest', () => {
    const { cramSecret, fromResponse, challenge, digestHex, command } = v.cram;
    assert.equal(fromResponse.slice('data:'.length), challenge);
    assert.equal(cramDigest(cramSecret, challenge), digestHex);
    assert.equal(sha512Hex(cramSecret + challenge), digestHex);
    assert.equal(`cram:${cramDigest(cramSecret, challenge)}`, command);
  });

  test('pkam signatures (sha256, sha512) and their verification', () => {
    const { challenge, pkamPrivateKey, pkamPublicKey, sha256, sha512 } = v.pkam;
    const privateKey = RsaPrivateKey.fromBase64(pkamPrivateKey, engine());
    const publicKey = RsaPublicKey.fromBase64(pkamPublicKey, engine());
    assert.equal(privateKey.signText(challenge), sha256.signature);
    assert.equal(privateKey.signText(challenge, 'sha256'), sha256.signature);
    assert.equal(privateKey.signText(challenge, 'sha512'), sha512.signature);
    assert.equal(`pkam:${privateKey.signText(challenge)}`, sha256.command);
    assert.equal(`pkam:signingAlgo:rsa2048:hashingAlgo:sha256:${privateKey.signText(challenge)}`, sha256.commandExplicit);
    assert.equal(`pkam:signingAlgo:rsa2048:hashingAlgo:sha512:${privateKey.signText(challenge, 'sha512')}`, sha512.command);
    assert.equal(publicKey.verifyText(challenge, sha256.signature), true);
    assert.equal(publicKey.verifyText(challenge, sha512.signature, 'sha512'), true);
    assert.equal(publicKey.verifyText(challenge, sha512.signature, 'sha256'), false);
    assert.equal(publicKey.verifyText(`${challenge}x`, sha256.signature), false);
    assert.ok(privateKey.matches(publicKey));
  });

  test('pol proof signature', () => {
    const { fromResponseSeenByConnectingServer, proof, signingPrivateKey, signingPublicKey, signature } = v.pol;
    assert.ok(fromResponseSeenByConnectingServer.endsWith(`:${proof}`));
    assert.equal(RsaPrivateKey.fromBase64(signingPrivateKey, engine()).signText(proof), signature);
    assert.equal(RsaPublicKey.fromBase64(signingPublicKey, engine()).verifyText(proof, signature), true);
  });

  test('shared key exchange: both RSA copies, both AES forms, pubKeyCS', () => {
    const s = v.sharedKeyExchange;
    const bob = RsaPrivateKey.fromBase64(s.bobEncryptionPrivateKey, engine());
    const alice = RsaPrivateKey.fromBase64(s.aliceEncryptionPrivateKey, engine());
    assert.equal(bob.decryptText(s.encryptedForBob), s.aesKeyBase64);
    assert.equal(alice.decryptText(s.encryptedForAlice), s.aesKeyBase64);
    const sharedKey = bob.decryptAesKey(s.encryptedForBob);
    assert.equal(sharedKey.toBase64(), s.aesKeyBase64);
    assert.ok(sharedKey.equals(alice.decryptAesKey(s.encryptedForAlice)));

    assert.equal(sharedKey.decryptText(s.ciphertextWithIvNonce, ivFromBase64(s.ivNonce)), s.value);
    assert.equal(sharedKey.decryptText(s.ciphertextLegacyZeroIv), s.value);
    assert.equal(sharedKey.encryptText(s.value, ivFromBase64(s.ivNonce)), s.ciphertextWithIvNonce);
    assert.equal(sharedKey.encryptText(s.value), s.ciphertextLegacyZeroIv);

    const bobPublic = RsaPublicKey.fromBase64(s.bobEncryptionPublicKey, engine());
    assert.equal(bobPublic.checksum(), s.pubKeyCS);
    assert.equal(publicKeyChecksum(s.bobEncryptionPublicKey), s.pubKeyCS);
    assert.equal(md5Hex(s.bobEncryptionPublicKey), s.pubKeyCS);
    assert.ok(s.updateCommand.includes(`sharedKeyEnc:${s.encryptedForBob}`));
    assert.ok(s.updateCommand.includes(`pubKeyCS:${s.pubKeyCS}`));
    assert.ok(s.commands.bobCopy.endsWith(` ${s.encryptedForBob}`));
    assert.ok(s.commands.aliceCopy.endsWith(` ${s.encryptedForAlice}`));

    // RSA encryption is randomised: our own wrapping must round-trip through the peer's key.
    const rewrapped = bobPublic.encryptAesKey(sharedKey);
    assert.equal(Buffer.from(rewrapped, 'base64').length, 256);
    assert.ok(bob.decryptAesKey(rewrapped).equals(sharedKey));
    assert.equal(RsaPublicKey.fromBase64(s.aliceEncryptionPublicKey, engine()).encryptText(s.aesKeyBase64).length, 344);
  });

  test('self encryption, zero IV and ivNonce', () => {
    const s = v.selfEncryption;
    const key = AesKey.fromBase64(s.selfEncryptionKey, engine());
    assert.equal(key.encryptText(s.plaintext), s.zeroIvCiphertext);
    assert.equal(key.encryptText(s.plaintext, ivFromBase64(s.ivNonce)), s.ivNonceCiphertext);
    assert.equal(key.decryptText(s.zeroIvCiphertext), s.plaintext);
    assert.equal(key.decryptText(s.ivNonceCiphertext, ivFromBase64(s.ivNonce)), s.plaintext);
  });

  test('public data signature with the encryption key', () => {
    const p = v.publicDataSignature;
    assert.equal(RsaPrivateKey.fromBase64(p.encryptionPrivateKey, engine()).signText(p.value), p.dataSignature);
    assert.equal(RsaPublicKey.fromBase64(p.encryptionPublicKey, engine()).verifyText(p.value, p.dataSignature), true);
    assert.ok(p.command.startsWith(`update:dataSignature:${p.dataSignature}:`));
  });

  test('.atKeys fields decrypt with the self encryption key and zero IV', () => {
    const { file, decrypted } = v.atKeysFile;
    const key = AesKey.fromBase64(file.selfEncryptionKey, engine());
    for (const field of ['aesPkamPublicKey', 'aesPkamPrivateKey', 'aesEncryptPublicKey', 'aesEncryptPrivateKey']) {
      assert.equal(key.decryptText(file[field]), decrypted[field], field);
      assert.equal(key.encryptText(decrypted[field]), file[field], field);
    }
  });

  test('apkam key wrapping', () => {
    const a = v.apkam;
    const apkamKey = AesKey.fromBase64(a.apkamSymmetricKey, engine());
    assert.equal(apkamKey.encryptText(a.selfEncryptionKey), a.encryptedDefaultSelfEncryptionKey);
    assert.equal(apkamKey.decryptText(a.encryptedDefaultSelfEncryptionKey), a.selfEncryptionKey);
    const encryptionPrivate = RsaPrivateKey.fromBase64(v.sharedKeyExchange.aliceEncryptionPrivateKey, engine());
    assert.equal(encryptionPrivate.decryptText(a.encryptedAPKAMSymmetricKeySample), a.apkamSymmetricKey);
  });

  test('at_c known answers: AES encrypt/decrypt, RSA sign, RSA decrypt to "banana"', () => {
    const k = v.atC_knownAnswer;
    const encryptKey = AesKey.fromBase64(k.aesCtrEncrypt.keyBase64, engine());
    const zeroIv = Buffer.from(k.aesCtrEncrypt.iv, 'hex');
    assert.equal(encryptKey.encryptText(k.aesCtrEncrypt.plaintext, zeroIv), k.aesCtrEncrypt.ciphertextBase64);
    assert.equal(encryptKey.encryptText(k.aesCtrEncrypt.plaintext), k.aesCtrEncrypt.ciphertextBase64);
    const decryptKey = AesKey.fromBase64(k.aesCtrDecrypt.keyBase64, engine());
    assert.equal(decryptKey.decryptText(k.aesCtrDecrypt.ciphertextBase64, Buffer.from(k.aesCtrDecrypt.iv, 'hex')), k.aesCtrDecrypt.plaintext);
    assert.equal(RsaPrivateKey.fromBase64(k.rsaSignSha256.privateKeyBase64, engine()).signText(k.rsaSignSha256.message), k.rsaSignSha256.signatureBase64);
    const rsaDecrypt = RsaPrivateKey.fromBase64(k.rsaDecrypt.privateKeyBase64, engine());
    assert.equal(rsaDecrypt.decryptText(k.rsaDecrypt.ciphertextBase64), 'banana');
    assert.equal(k.rsaDecrypt.plaintext, 'banana');
  });
}

forEachEngine('crypto.json vectors', (engine) => vectorSuite(engine));

describe('crypto.json vectors [active engine, default arguments]', () => {
  test('the key classes use the selected engine when none is given', () => {
    const s = v.sharedKeyExchange;
    const bob = RsaPrivateKey.fromBase64(s.bobEncryptionPrivateKey);
    const key = bob.decryptAesKey(s.encryptedForBob);
    assert.equal(key.decryptText(s.ciphertextWithIvNonce, ivFromBase64(s.ivNonce)), s.value);
    assert.equal(RsaPrivateKey.fromBase64(v.pkam.pkamPrivateKey).signText(v.pkam.challenge), v.pkam.sha256.signature);
    assert.equal(AesKey.fromBase64(v.selfEncryption.selfEncryptionKey).encryptText(v.selfEncryption.plaintext), v.selfEncryption.zeroIvCiphertext);
    assert.ok(['js', 'native'].includes(cryptoBackend().name));
  });
});
