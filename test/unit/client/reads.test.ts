/**
 * The client's decryption path against values other SDKs produced (crypto.json): shared
 * values with ivNonce + sharedKeyEnc (Dart), legacy zero-IV values with no sharedKeyEnc
 * (Python, Java), ivNonce without isEncrypted (C), at_c's AES known answer, public data
 * signatures; and the errors for a changed public key or a tampered public value.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AtClient, DataSignatureError, PublicKeyChangedError } from '../../../agent/src/client/index.js';
import { startScriptedPeer, type ScriptedPeer, type ScriptStep } from '../net/support/scripted-peer.js';
import { ALICE, answer, authSteps, BOB, bobKeys, clientOn, exchange, vectors } from './support.js';

function record(key: string, data: string, metaData: Record<string, unknown>): string {
  return `data:${JSON.stringify({ key, data, metaData })}`;
}

describe('AtClient reads (bob) values written by other SDKs', () => {
  let peer: ScriptedPeer;
  let client: AtClient;
  const signature = vectors.publicDataSignature;

  before(async () => {
    const steps: ScriptStep[] = [
      ...authSteps(BOB, bobKeys()),
      // Dart: ivNonce + sharedKeyEnc + pubKeyCS → no lookup needed
      {
        expect: `lookup:all:phone.wavi${ALICE}`,
        reply: answer(BOB, record(`${BOB}:phone.wavi${ALICE}`, exchange.ciphertextWithIvNonce, {
          isEncrypted: true, sharedKeyEnc: exchange.encryptedForBob, pubKeyCS: exchange.pubKeyCS, ivNonce: exchange.ivNonce,
        })),
      },
      // Python/Java: zero IV, no sharedKeyEnc → our server's cached copy, else the owner's
      { expect: `lookup:all:legacy.wavi${ALICE}`, reply: answer(BOB, record(`${BOB}:legacy.wavi${ALICE}`, exchange.ciphertextLegacyZeroIv, { isEncrypted: true })) },
      { expect: `llookup:cached:${BOB}:shared_key${ALICE}`, reply: answer(BOB, `error:AT0015-key not found : cached:${BOB}:shared_key${ALICE} does not exist in keystore`) },
      { expect: `lookup:shared_key${ALICE}`, reply: answer(BOB, `data:${exchange.encryptedForBob}`) },
      // C: ivNonce but no isEncrypted (the server reports false); the key is remembered now
      { expect: `lookup:all:cvalue.wavi${ALICE}`, reply: answer(BOB, record(`${BOB}:cvalue.wavi${ALICE}`, exchange.ciphertextWithIvNonce, { isEncrypted: false, ivNonce: exchange.ivNonce })) },
      // encrypted for a public key bob no longer has
      {
        expect: `lookup:all:stale.wavi${ALICE}`,
        reply: answer(BOB, record(`${BOB}:stale.wavi${ALICE}`, exchange.ciphertextWithIvNonce, {
          isEncrypted: true, sharedKeyEnc: exchange.encryptedForBob, pubKeyCS: '0123456789abcdef0123456789abcdef', ivNonce: exchange.ivNonce,
        })),
      },
      // at_c's known answer as a self value (zero IV)
      { expect: `llookup:all:cert.wavi${BOB}`, reply: answer(BOB, record(`cert.wavi${BOB}`, vectors.atC_knownAnswer.aesCtrDecrypt.ciphertextBase64, { isEncrypted: true })) },
      // alice's public value, verified with her public key fetched through our server
      { expect: `plookup:all:location${ALICE}`, reply: answer(BOB, record(`public:location${ALICE}`, signature.value, { dataSignature: signature.dataSignature, isEncrypted: false })) },
      { expect: `plookup:publickey${ALICE}`, reply: answer(BOB, `data:${signature.encryptionPublicKey}`) },
      { expect: `plookup:all:location${ALICE}`, reply: answer(BOB, record(`public:location${ALICE}`, 'Hyderabad!', { dataSignature: signature.dataSignature, isEncrypted: false })) },
      // a key that exists but is not active
      { expect: `llookup:all:gone.wavi${BOB}`, reply: answer(BOB, 'data:null') },
      { expect: `lookup:meta:phone.wavi${ALICE}`, reply: answer(BOB, `data:{"createdBy":"${ALICE}","ttl":60000,"isEncrypted":true,"ivNonce":"${exchange.ivNonce}"}`) },
    ];
    peer = await startScriptedPeer({ scripts: [steps] });
    client = await clientOn(peer, bobKeys(), 'wavi');
  });

  after(async () => {
    await client.close();
    await peer.close();
  });

  test('Dart-style shared value: ivNonce and sharedKeyEnc', async () => {
    const value = await client.get(`phone@alice🛠`);
    assert.equal(value.value, exchange.value);
    assert.equal(value.key, `phone.wavi${ALICE}`);
    assert.equal(value.metadata?.pubKeyCS, exchange.pubKeyCS);
  });

  test('Python/Java-style shared value: zero IV, key looked up on the servers', async () => {
    assert.equal((await client.get(`legacy@alice🛠`)).value, exchange.value);
  });

  test('C-style shared value: ivNonce without isEncrypted still decrypts', async () => {
    assert.equal((await client.get(`cvalue@alice🛠`)).value, exchange.value);
  });

  test('a value encrypted for an old public key: PublicKeyChangedError', async () => {
    await assert.rejects(client.get(`stale@alice🛠`), PublicKeyChangedError);
  });

  test("at_c's AES known answer read as a legacy self value", async () => {
    assert.equal((await client.get('cert')).value, vectors.atC_knownAnswer.aesCtrDecrypt.plaintext);
  });

  test('public values are verified against the owner key; a changed value is refused', async () => {
    const value = await client.get({ name: 'location', namespace: '', sharedBy: ALICE, isPublic: true });
    assert.equal(value.value, 'Hyderabad');
    assert.equal(value.signatureVerified, true);
    // A key string ending in @ is used as written (no namespace appended).
    await assert.rejects(client.get(`public:location${ALICE}@`), DataSignatureError);
  });

  test('an inactive key reads as null; getMeta', async () => {
    assert.deepEqual(await client.get('gone'), { key: `gone.wavi${BOB}`, value: null, metadata: undefined });
    const metadata = await client.getMeta(`phone@alice🛠`);
    assert.equal(metadata?.ttl, 60000);
    assert.equal(metadata?.ivNonce, exchange.ivNonce);
  });

  test('the script was followed exactly', () => {
    assert.deepEqual(peer.problems, []);
  });
});
