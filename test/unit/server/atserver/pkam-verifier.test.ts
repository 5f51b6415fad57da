import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { RsaPrivateKey } from '../../../../agent/src/crypto/index.js';
import { verifyPkamSignature } from '../../../../agent/src/server/atserver/auth/pkam-verifier.js';

describe('PKAM signature check (crypto.md §5)', () => {
  test('RSA sha256 and sha512; wrong signatures, hashes and keys are false', () => {
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'der' } });
    const privateKey = RsaPrivateKey.fromDer(keys.privateKey);
    const publicKey = keys.publicKey.toString('base64');
    const challenge = '_4af24c03-d732-48f8-a9a2-570e8fb6a01c@alice🛠:d6cac849-9c29-42b0-b0c5-493db62728b9';
    assert.equal(verifyPkamSignature({ publicKey, challenge, signature: privateKey.signText(challenge) }), true);
    assert.equal(verifyPkamSignature({ publicKey, challenge, signature: privateKey.signText(challenge, 'sha512'), hashingAlgo: 'sha512' }), true);
    assert.equal(verifyPkamSignature({ publicKey, challenge, signature: privateKey.signText(challenge, 'sha512') }), false);
    assert.equal(verifyPkamSignature({ publicKey, challenge: `${challenge}x`, signature: privateKey.signText(challenge) }), false);
    assert.equal(verifyPkamSignature({ publicKey: 'not a key', challenge, signature: privateKey.signText(challenge) }), false);
    assert.equal(verifyPkamSignature({ publicKey, challenge, signature: '!!!' }), false);
  });

  test('ECDSA P-256: base64 of the ASCII hex r‖s against the uncompressed point hex', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const point = `04${Buffer.from(jwk.x ?? '', 'base64url').toString('hex')}${Buffer.from(jwk.y ?? '', 'base64url').toString('hex')}`;
    const challenge = 'challenge';
    const rs = sign('sha256', Buffer.from(challenge), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('hex');
    const signature = Buffer.from(rs, 'ascii').toString('base64');
    assert.equal(verifyPkamSignature({ publicKey: point, challenge, signature, signingAlgo: 'ecc_secp256r1' }), true);
    assert.equal(verifyPkamSignature({ publicKey: point, challenge: 'other', signature, signingAlgo: 'ecc_secp256r1' }), false);
    assert.equal(verifyPkamSignature({ publicKey: point, challenge, signature: Buffer.from(rs, 'hex').toString('base64'), signingAlgo: 'ecc_secp256r1' }), false);
    assert.equal(verifyPkamSignature({ publicKey: '04abcd', challenge, signature, signingAlgo: 'ecc_secp256r1' }), false);
  });
});
