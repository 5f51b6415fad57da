/**
 * The AtClient against the project's own atServers (two demo atSigns on a real platform:
 * atDirectory + atServers over TLS): public, self and shared values between @alice🛠 and
 * @bob🛠, each written by one client and read by the other where that is the point.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AtClient, createClient, DataSignatureError, getClient } from '../../../agent/src/client/index.js';
import { AtServerError } from '../../../agent/src/protocol/index.js';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform.js';

const ALICE = '@alice🛠';
const BOB = '@bob🛠';

describe('AtClient against our atServer', () => {
  let env: TestPlatform;
  let alice: AtClient;
  let bob: AtClient;
  const run = Date.now().toString(36);

  before(async () => {
    env = await startTestPlatform(null, { demo: [ALICE, BOB] });
    alice = await createClient(ALICE, 'itest', env.clientPreferences(ALICE));
    bob = await createClient(BOB, 'itest', env.clientPreferences(BOB));
  });

  after(async () => {
    await alice?.close();
    await bob?.close();
    await env?.close();
  });

  test('createClient registers the client for getClient', () => {
    assert.equal(getClient('@ALICE🛠'), alice);
    assert.equal(getClient(BOB), bob);
    assert.equal(getClient('@nobody'), undefined);
  });

  test('public values: written by alice, read back by her and by bob with the signature checked', async () => {
    await alice.put(`public:location-${run}`, 'Hyderabad');
    const own = await alice.get(`public:location-${run}`);
    assert.equal(own.value, 'Hyderabad');
    assert.equal(own.signatureVerified, true);
    const seen = await bob.get(`public:location-${run}.itest${ALICE}`);
    assert.equal(seen.value, 'Hyderabad');
    assert.equal(seen.signatureVerified, true);
    await alice.put(`public:poem-${run}`, 'two\nlines ');
    assert.equal((await bob.get(`public:poem-${run}.itest${ALICE}`)).value, 'two\nlines ');
  });

  test('a public value changed behind the owner\'s back fails verification', async () => {
    // Written raw, with the signature of another value: what a tampering server would serve.
    const signed = await alice.executeRaw(`llookup:meta:public:location-${run}.itest${ALICE}`);
    const signature = /"dataSignature":"([^"]+)"/.exec(signed)?.[1];
    assert.ok(signature !== undefined);
    await alice.executeRaw(`update:dataSignature:${signature}:isEncrypted:false:public:forged-${run}.itest${ALICE} Mumbai`);
    await assert.rejects(bob.get(`public:forged-${run}.itest${ALICE}`), DataSignatureError);
  });

  test('self values (text, binary, metadata) round-trip and are ciphertext on the server', async () => {
    await alice.put(`note-${run}`, 'my private note 🦄', { ttl: 600_000 });
    assert.equal((await alice.get(`note-${run}`)).value, 'my private note 🦄');
    const raw = await alice.executeRaw(`llookup:note-${run}.itest${ALICE}`);
    assert.doesNotMatch(raw, /private/);
    const metadata = await alice.getMeta(`note-${run}`);
    assert.equal(metadata?.ttl, 600_000);
    assert.equal(metadata?.isEncrypted, true);
    assert.ok(metadata?.ivNonce !== undefined);
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31) & 0xff);
    await alice.put(`blob-${run}`, bytes);
    assert.deepEqual(Buffer.from((await alice.get(`blob-${run}`)).value as Uint8Array), Buffer.from(bytes));
  });

  test('a value alice shares with bob is read by bob (and by alice)', async () => {
    await alice.put(`@bob🛠:phone-${run}`, '+1 555 0100');
    assert.equal((await bob.get(`phone-${run}${ALICE}`)).value, '+1 555 0100');
    assert.equal((await alice.get(`@bob🛠:phone-${run}`)).value, '+1 555 0100');
    // the second value reuses the shared key; bob reads it from alice's server directly
    await alice.put(`@bob🛠:email-${run}`, 'alice@example.com');
    assert.equal((await bob.get(`email-${run}${ALICE}`, { bypassCache: true })).value, 'alice@example.com');
  });

  test('a new alice client finds the existing shared key on her server', async () => {
    const again = await AtClient.create(ALICE, 'itest', env.clientPreferences(ALICE));
    try {
      await again.put(`@bob🛠:later-${run}`, 'same key');
      assert.equal((await bob.get(`later-${run}${ALICE}`)).value, 'same key');
      assert.equal((await again.get(`@bob🛠:phone-${run}`)).value, '+1 555 0100');
    } finally {
      await again.close();
    }
  });

  test('bob can share back: keys exist per direction', async () => {
    await bob.put(`@alice🛠:reply-${run}`, 'got it');
    assert.equal((await alice.get(`reply-${run}${BOB}`)).value, 'got it');
  });

  test('delete, then get is AT0015', async () => {
    await alice.put(`temp-${run}`, 'x');
    await alice.delete(`temp-${run}`);
    await assert.rejects(alice.get(`temp-${run}`), (error: unknown) => error instanceof AtServerError && error.code === 'AT0015');
  });

  test('putMeta changes metadata only', async () => {
    await alice.put(`meta-${run}`, 'value');
    await alice.putMeta(`meta-${run}`, { ttl: 123_456 });
    assert.equal((await alice.getMeta(`meta-${run}`))?.ttl, 123_456);
    assert.equal((await alice.get(`meta-${run}`)).value, 'value');
  });

  test('setPreferences: legacy zero-IV writing, still readable by both sides', async () => {
    const legacy = await AtClient.create(ALICE, 'itest', env.clientPreferences(ALICE));
    try {
      await legacy.setPreferences({ emitIvNonce: false });
      assert.equal(legacy.preferences.emitIvNonce, false);
      await legacy.put(`old-style-${run}`, 'like the Python SDK');
      await legacy.put(`@bob🛠:old-shared-${run}`, 'zero IV');
      assert.equal((await legacy.getMeta(`old-style-${run}`))?.ivNonce, undefined);
      assert.equal((await alice.get(`old-style-${run}`)).value, 'like the Python SDK');
      assert.equal((await bob.get(`old-shared-${run}${ALICE}`)).value, 'zero IV');
    } finally {
      await legacy.close();
    }
  });

  test('getAtKeys: regex, sharedWith, sharedBy', async () => {
    const mine = await alice.getAtKeys({ regex: run });
    const texts = mine.map((key) => key.text);
    assert.ok(texts.includes(`public:location-${run}.itest${ALICE}`));
    assert.ok(texts.includes(`note-${run}.itest${ALICE}`));
    assert.ok(texts.includes(`${BOB}:phone-${run}.itest${ALICE}`));
    const shared = await alice.getAtKeys({ regex: run, sharedWith: BOB });
    assert.ok(shared.length >= 2);
    assert.ok(shared.every((key) => key.sharedWith === BOB));
    const byBob = await alice.getAtKeys({ sharedBy: BOB });
    assert.ok(byBob.every((key) => key.sharedBy === BOB));
  });
});
