/**
 * What the client writes, checked byte for byte by a scripted atServer over real TLS:
 * authentication, public values signed as crypto.json says, self values under the self key
 * with a random ivNonce, the shared-key exchange the first time a value is shared, binary
 * and multi-line values, notifications.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AesKey, base2e15, ivFromBase64, RsaPrivateKey } from '../../../agent/src/crypto/index.js';
import type { AtClient } from '../../../agent/src/client/index.js';
import { InvalidAtKeyError } from '../../../agent/src/protocol/index.js';
import { startScriptedPeer, type ScriptedPeer, type ScriptStep } from '../net/support/scripted-peer.js';
import { ALICE, aliceKeys, answer, authSteps, BOB, capture, clientOn, exchange, vectors } from './support.js';

const B64 = '[A-Za-z0-9+/]+={0,2}';
const selfKey = AesKey.fromBase64(vectors.selfEncryption.selfEncryptionKey);

describe('AtClient writes (alice)', () => {
  let peer: ScriptedPeer;
  let client: AtClient;
  const self: string[][] = [];
  const binary: string[][] = [];
  const bobCopy: string[][] = [];
  const aliceCopy: string[][] = [];
  const shared: string[][] = [];
  const notifies: string[][] = [];

  before(async () => {
    const keys = aliceKeys();
    const steps: ScriptStep[] = [
      ...authSteps(ALICE, keys),
      // public value: the signature is deterministic, so the whole line is known
      { expect: `update:dataSignature:${vectors.publicDataSignature.dataSignature}:isEncrypted:false:public:location.wavi${ALICE} Hyderabad`, reply: answer(ALICE, 'data:12') },
      // multi-line public value: base64 with encoding:base64, signature over the original text
      capture(new RegExp(`^update:dataSignature:(${B64}):isEncrypted:false:encoding:base64:public:poem\\.wavi${ALICE} (${B64})$`), [], answer(ALICE, 'data:13')),
      // self value
      capture(new RegExp(`^update:isEncrypted:true:ivNonce:(${B64}):note\\.wavi${ALICE} (${B64})$`), self, answer(ALICE, 'data:14')),
      // binary self value
      capture(new RegExp(`^update:isBinary:true:isEncrypted:true:ivNonce:(${B64}):blob\\.wavi${ALICE} (${B64})$`), binary, answer(ALICE, 'data:15')),
      // first value shared with bob: the shared-key exchange
      { expect: `llookup:shared_key.bob🛠${ALICE}`, reply: answer(ALICE, `error:AT0015-key not found : shared_key.bob🛠${ALICE} does not exist in keystore`) },
      { expect: `plookup:publickey${BOB}`, reply: answer(ALICE, `data:${exchange.bobEncryptionPublicKey}`) },
      capture(new RegExp(`^update:ttr:3888000:${BOB}:shared_key${ALICE} (${B64})$`), bobCopy, answer(ALICE, 'data:16')),
      capture(new RegExp(`^update:shared_key\\.bob🛠${ALICE} (${B64})$`), aliceCopy, answer(ALICE, 'data:17')),
      capture(
        new RegExp(`^update:ttl:60000:isEncrypted:true:sharedKeyEnc:(${B64}):pubKeyCS:([0-9a-f]{32}):ivNonce:(${B64}):${BOB}:phone\\.wavi${ALICE} (${B64})$`),
        shared,
        answer(ALICE, 'data:18'),
      ),
      // the second value shared with bob reuses the key: no lookups
      capture(new RegExp(`^update:isEncrypted:true:sharedKeyEnc:(${B64}):pubKeyCS:([0-9a-f]{32}):ivNonce:(${B64}):${BOB}:email\\.wavi${ALICE} (${B64})$`), shared, answer(ALICE, 'data:19')),
      // notify with a value: encrypted like a shared value
      capture(
        new RegExp(`^notify:id:([0-9a-f-]{36}):update:messageType:key:ttln:86400000:ttr:-1:isEncrypted:true:sharedKeyEnc:${B64}:pubKeyCS:[0-9a-f]{32}:ivNonce:(${B64}):${BOB}:phone\\.wavi${ALICE}:(${B64})$`),
        notifies,
        answer(ALICE, 'data:5f3c6a2e-9d1b-4c7e-8a0f-2b4d6e8f0a1c'),
      ),
      // text message, encrypted by default; its metadata does not survive delivery, so zero IV
      capture(new RegExp(`^notify:id:([0-9a-f-]{36}):messageType:text:isEncrypted:true:${BOB}:(${B64})$`), notifies, answer(ALICE, 'data:n2')),
      // latest strategy needs a notifier: SYSTEM by default
      { expect: new RegExp(`^notify:id:[0-9a-f-]{36}:delete:messageType:key:strategy:latest:latestN:2:notifier:SYSTEM:${BOB}:phone\\.wavi${ALICE}$`), reply: answer(ALICE, 'data:n3') },
      { expect: 'notify:status:n3', reply: answer(ALICE, 'data:delivered') },
      { expect: `delete:${BOB}:phone.wavi${ALICE}`, reply: answer(ALICE, 'data:20') },
      { expect: `update:meta:note.wavi${ALICE}:ttl:1000`, reply: answer(ALICE, 'data:21') },
      {
        expect: 'scan',
        reply: answer(ALICE, `data:["public:location.wavi${ALICE}","note.wavi${ALICE}","${BOB}:phone.wavi${ALICE}","cached:${ALICE}:x.wavi${BOB}","not a key"]`),
      },
      { expect: 'scan', reply: answer(ALICE, `data:["public:location.wavi${ALICE}","${BOB}:phone.wavi${ALICE}","cached:${ALICE}:x.wavi${BOB}"]`) },
    ];
    peer = await startScriptedPeer({ scripts: [steps] });
    client = await clientOn(peer, keys, 'wavi');
  });

  after(async () => {
    await client.close();
    await peer.close();
  });

  test('authenticates with pkam over the from: challenge', () => {
    assert.deepEqual(peer.connections[0]?.lines.slice(0, 1), [`from:${ALICE}`]);
  });

  test('a public value is signed with the encryption key (crypto.json publicDataSignature)', async () => {
    assert.equal(await client.put('public:location', 'Hyderabad'), 12);
  });

  test('a multi-line public value goes as base64 with encoding:base64', async () => {
    assert.equal(await client.put({ name: 'poem', isPublic: true }, 'roses\nare red '), 13);
    const line = peer.connections[0]?.lines.at(-1) ?? '';
    const [, signature, value] = /dataSignature:(\S+?):.* (\S+)$/.exec(line) ?? [];
    assert.equal(Buffer.from(value ?? '', 'base64').toString('utf8'), 'roses\nare red ');
    assert.ok(aliceKeys().encryptionPublicKey.verifyText('roses\nare red ', signature ?? ''));
  });

  test('a self value is AES-CTR under the self key with a random ivNonce', async () => {
    assert.equal(await client.put('note', 'my private note'), 14);
    const [iv, ciphertext] = self[0] ?? [];
    assert.equal(selfKey.decryptText(ciphertext ?? '', ivFromBase64(iv ?? '')), 'my private note');
  });

  test('a binary value is base2e15 text, encrypted, flagged isBinary', async () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);
    await client.put('blob', bytes);
    const [iv, ciphertext] = binary[0] ?? [];
    assert.deepEqual(Buffer.from(base2e15.decode(selfKey.decryptText(ciphertext ?? '', ivFromBase64(iv ?? '')))), Buffer.from(bytes));
  });

  test('sharing with bob the first time creates and stores both copies of a new shared key', async () => {
    assert.equal(await client.put('@bob🛠:phone', exchange.value, { ttl: 60_000 }), 18);
    const bobPrivate = RsaPrivateKey.fromBase64(exchange.bobEncryptionPrivateKey);
    const alicePrivate = aliceKeys().encryptionPrivateKey;
    const bobsKey = bobPrivate.decryptAesKey(bobCopy[0]?.[0] ?? '');
    const alicesKey = alicePrivate.decryptAesKey(aliceCopy[0]?.[0] ?? '');
    assert.ok(bobsKey.equals(alicesKey), 'both copies hold the same AES key');
    const [sharedKeyEnc, pubKeyCS, iv, ciphertext] = shared[0] ?? [];
    assert.equal(pubKeyCS, exchange.pubKeyCS);
    assert.ok(bobPrivate.decryptAesKey(sharedKeyEnc ?? '').equals(bobsKey), 'sharedKeyEnc is a copy for bob');
    assert.equal(bobsKey.decryptText(ciphertext ?? '', ivFromBase64(iv ?? '')), exchange.value);
  });

  test('the next shared value reuses the key without any lookup', async () => {
    assert.equal(await client.put(`${BOB}:email.wavi${ALICE}`, 'bob@example.com'), 19);
    const bobsKey = RsaPrivateKey.fromBase64(exchange.bobEncryptionPrivateKey).decryptAesKey(bobCopy[0]?.[0] ?? '');
    const [, , iv, ciphertext] = shared[1] ?? [];
    assert.equal(bobsKey.decryptText(ciphertext ?? '', ivFromBase64(iv ?? '')), 'bob@example.com');
  });

  test('notify with a value encrypts it for the recipient; text messages are encrypted by default', async () => {
    const id = await client.notify({ key: '@bob🛠:phone', value: exchange.value, ttln: 86_400_000, ttr: -1 });
    assert.equal(id, '5f3c6a2e-9d1b-4c7e-8a0f-2b4d6e8f0a1c');
    assert.equal(await client.notify({ text: 'hello there', recipient: BOB }), 'n2');
    const bobsKey = RsaPrivateKey.fromBase64(exchange.bobEncryptionPrivateKey).decryptAesKey(bobCopy[0]?.[0] ?? '');
    const [, iv, ciphertext] = notifies[0] ?? [];
    assert.equal(bobsKey.decryptText(ciphertext ?? '', ivFromBase64(iv ?? '')), exchange.value);
    const [, textCiphertext] = notifies[1] ?? [];
    assert.equal(bobsKey.decryptText(textCiphertext ?? ''), 'hello there');
    assert.equal(await client.notify({ key: '@bob🛠:phone', operation: 'delete', strategy: 'latest', latestN: 2 }), 'n3');
    assert.equal(await client.notifyStatus('n3'), 'delivered');
  });

  test('delete, putMeta', async () => {
    assert.equal(await client.delete('@bob🛠:phone'), 20);
    assert.equal(await client.putMeta('note', { ttl: 1000 }), 21);
  });

  test('getAtKeys filters by owner and recipient, skipping what is not a key', async () => {
    const mine = await client.getAtKeys({ sharedBy: ALICE });
    assert.deepEqual(mine.map((key) => key.text), [`public:location.wavi${ALICE}`, `note.wavi${ALICE}`, `${BOB}:phone.wavi${ALICE}`]);
    const withBob = await client.getAtKeys({ sharedWith: '@BOB🛠' });
    assert.deepEqual(withBob.map((key) => key.text), [`${BOB}:phone.wavi${ALICE}`]);
  });

  test("writing someone else's key is refused before anything is sent", async () => {
    const sent = peer.connections[0]?.lines.length;
    await assert.rejects(client.put(`phone.wavi${BOB}`, 'x'), InvalidAtKeyError);
    await assert.rejects(client.delete(`phone.wavi${BOB}`), InvalidAtKeyError);
    assert.equal(peer.connections[0]?.lines.length, sent);
  });

  test('the script was followed exactly', () => {
    assert.deepEqual(peer.problems, []);
  });
});
