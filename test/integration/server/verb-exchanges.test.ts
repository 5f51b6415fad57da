/**
 * Every exchange of verb_exchanges.json that is not about notifications, sent to a live
 * atServer over TLS by a raw line client, reply and prompt checked against the vector.
 * Time-dependent exchanges (ttl, ttb) move the server's clock instead of waiting.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, randomUUID } from 'node:crypto';
import { RsaPrivateKey } from '../../../agent/src/crypto/index.js';
import { ManualClock } from '../../../agent/src/server/index.js';
import type { LineClient } from '../../helpers/line-client.js';
import { demoKeysOf, lastCommitId, startTestPlatform, type TestPlatform } from '../../helpers/platform.js';
import { DirectoryTestClient } from '../directory/directory-client.js';
import { assertExchange, EXCHANGES, exchange, fill, NOTIFICATION_EXCHANGES, type Placeholders } from './exchange-vectors.js';

const ME = '@alice🛠';
const OTHER = '@bob🛠';
const uid = randomUUID().slice(0, 8);
const values: Placeholders = { me: ME, other: OTHER, uid };
const covered = new Set<number>();

describe('verb_exchanges.json against a live atServer', () => {
  const clock = new ManualClock();
  let env: TestPlatform;
  let owner: LineClient;

  before(async () => {
    env = await startTestPlatform(null, { demo: [ME, OTHER], tuning: { clock } });
    owner = await env.pkamClient(ME);
  });
  after(() => env.close());

  /** Runs exchange #index as the owner: fills the command, checks reply and prompt. */
  async function asOwner(index: number, extra: Partial<Placeholders> = {}): Promise<void> {
    covered.add(index);
    const filled = { ...values, ...extra };
    assertExchange(index, await owner.send(fill(exchange(index).command, filled)), filled);
  }

  async function anonymous(index: number): Promise<void> {
    covered.add(index);
    const client = await env.connect(ME);
    assertExchange(index, await client.send(fill(exchange(index).command, values)), values);
  }

  test('#0 the server greets with a bare @', async () => {
    covered.add(0);
    const client = await env.connect(ME, { greeting: false });
    assert.match(await client.readExactly(1), new RegExp(exchange(0).responseRegex));
  });

  test('#1 #2 from: own atSign answers a challenge (with and without clientConfig)', async () => {
    for (const index of [1, 2]) await anonymous(index);
  });

  test('#3 #4 from: another atSign needs a client certificate naming its directory host', async () => {
    covered.add(3).add(4);
    const asServer = await env.connect(ME, env.serverCredentials());
    assertExchange(3, await asServer.send(fill(exchange(3).command, values)), values);
    const plain = await env.connect(ME);
    assertExchange(4, await plain.send(fill(exchange(4).command, values)), values);
  });

  test('#5 #6 pkam: legacy and signingAlgo/hashingAlgo forms', async () => {
    const privateKey = RsaPrivateKey.fromBase64(demoKeysOf(ME).pkamPrivateKey);
    for (const [index, prefix] of [[5, 'pkam:'], [6, 'pkam:signingAlgo:rsa2048:hashingAlgo:sha256:']] as const) {
      covered.add(index);
      const client = await env.connect(ME);
      const challenge = await client.data(`from:${ME}`);
      assertExchange(index, await client.send(`${prefix}${privateKey.signText(challenge)}`, `${ME}@`), values);
    }
    // sha512 too (crypto.md §5).
    const client = await env.connect(ME);
    const challenge = await client.data(`from:${ME}`);
    const reply = await client.send(`pkam:signingAlgo:rsa2048:hashingAlgo:sha512:${privateKey.signText(challenge, 'sha512')}`, `${ME}@`);
    assert.equal(reply.line, 'data:success');
  });

  test('#7 pkam: ECDSA P-256 against an EC public key stored as at_pkam_publickey', async () => {
    covered.add(7);
    const eccAtSign = `@ecc${uid}`;
    const registered = await env.platform.registerAtSign(eccAtSign);
    const setup = await env.cramClient(eccAtSign, registered.cramSecret);
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const pointHex = `04${Buffer.from(jwk.x ?? '', 'base64url').toString('hex')}${Buffer.from(jwk.y ?? '', 'base64url').toString('hex')}`;
    assert.equal(await setup.data(`update:privatekey:at_pkam_publickey ${pointHex}`), '-1');
    const client = await env.connect(eccAtSign);
    const challenge = await client.data(`from:${eccAtSign}`);
    const rs = sign('sha256', Buffer.from(challenge), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('hex');
    const reply = await client.send(`pkam:signingAlgo:ecc_secp256r1:hashingAlgo:sha256:${Buffer.from(rs, 'ascii').toString('base64')}`, `${eccAtSign}@`);
    assertExchange(7, reply, { ...values, me: eccAtSign });
  });

  test('#8 pkam: a bad signature is AT0401 and the connection stays open', async () => {
    covered.add(8);
    const client = await env.connect(ME);
    await client.data(`from:${ME}`);
    assertExchange(8, await client.send(`pkam:${Buffer.alloc(256, 7).toString('base64')}`), values);
    assert.equal(await client.data('info:brief').then((text) => text.startsWith('{')), true);
  });

  test('#9 cram with the demo secret', async () => {
    covered.add(9);
    const client = await env.cramClient(ME, demoKeysOf(ME).cramSecret);
    assert.equal(client.owner, ME);
  });

  test('#12 unauthenticated llookup is AT0401', async () => anonymous(12));

  test('#13–#17 update and llookup of public values (special characters, spaces, emoji)', async () => {
    for (const index of [13, 14, 15, 16, 17]) await asOwner(index);
    assert.equal(await owner.data(`llookup:public:passcode-${uid}${ME}`), '@!ice^&##');
    assert.equal(await owner.data(`llookup:public:message-${uid}${ME}`), 'Hey Hello! welcome to the tests');
    assert.equal(await owner.data(`llookup:public:emoji-${uid}${ME}`), '🦄');
  });

  test('#18 #19 update without a value or with two @ is AT0003', async () => {
    for (const index of [18, 19]) await asOwner(index);
  });

  test('#20 #21 JSON errors after clientConfig version > 3.0.37', async () => {
    covered.add(20).add(21);
    const client = await env.connect(ME);
    const challenge = await client.data(`from:${ME}:clientConfig:{"version":"3.0.57"}`);
    const signature = RsaPrivateKey.fromBase64(demoKeysOf(ME).pkamPrivateKey).signText(challenge);
    assert.equal((await client.send(`pkam:${signature}`, `${ME}@`)).line, 'data:success');
    client.owner = ME;
    for (const index of [20, 21]) assertExchange(index, await client.send(fill(exchange(index).command, values)), values);
  });

  test('#22 an emoji atSign as recipient', async () => asOwner(22));

  test('#23–#25 ttl: metadata shows it, the key answers data:null once expired', async () => {
    await asOwner(23);
    await asOwner(24);
    clock.advance(3_001);
    await asOwner(25);
  });

  test('#26 #27 ttb: not yet born answers data:null', async () => {
    await asOwner(26);
    await asOwner(27);
    clock.advance(2_001);
    assert.equal(await owner.data(`llookup:${ME}:auth-code-${uid}${ME}`), '3289');
  });

  test('#28 a missing key is AT0015 naming the key', async () => asOwner(28));

  test('#29 #30 unknown verb and malformed plookup are AT0003', async () => {
    for (const index of [29, 30]) await asOwner(index);
  });

  test('#31 update:privatekey:at_pkam_publickey is not committed (data:-1)', async () => {
    covered.add(31);
    const command = exchange(31).command.replace('<key>', demoKeysOf(ME).pkamPublicKey);
    assertExchange(31, await owner.send(command), values);
    // Still the same key: PKAM keeps working.
    await env.pkamClient(ME);
  });

  test('#32 #33 #34 owner scan, scan with a regex, malformed scan', async () => {
    await owner.data(`update:public:mobile-${uid}${ME} 12345`);
    for (const index of [32, 33, 34]) await asOwner(index);
    const keys = JSON.parse(await owner.data('scan')) as string[];
    assert.ok(keys.includes(`${ME}:signing_privatekey${ME}`));
    assert.ok(keys.includes(`public:publickey${ME}`));
  });

  test('#35 unauthenticated scan: public keys only, prefix removed, no public:_ keys', async () => {
    await owner.data(`update:public:_hidden-${uid}${ME} x`);
    await anonymous(35);
    const client = await env.connect(ME);
    const keys = JSON.parse(await client.data('scan')) as string[];
    assert.ok(keys.includes(`mobile-${uid}${ME}`));
    assert.ok(keys.every((key) => !key.startsWith('public:') && !key.startsWith('_')));
  });

  test('#36–#42 delete: commit ids, missing keys, protected keys, bad syntax', async () => {
    for (const index of [36, 37, 38, 39, 40, 41, 42]) await asOwner(index);
  });

  test('#43–#47 config: block list and production settings', async () => {
    for (const index of [43, 44, 45, 46, 47]) await asOwner(index);
  });

  test('#48 #49 stats:3 and stats:-1', async () => {
    for (const index of [48, 49]) await asOwner(index);
  });

  test('#50–#53 info, info:brief, noop, noop over 5000 ms', async () => {
    for (const index of [50, 51, 52, 53]) await anonymous(index);
  });

  test('#54 sync:from returns the entries after n with current values', async () => {
    covered.add(54);
    const n = await lastCommitId(owner);
    await owner.data(`update:public:twitter.persona${ME} @alice_tweets`);
    const filled = { ...values, n };
    assertExchange(54, await owner.send(fill(exchange(54).command, filled)), filled);
  });

  test('#55 #56 the legacy sync forms are AT0003', async () => {
    for (const index of [55, 56]) await asOwner(index);
  });

  test('#73 pol: the whole reply is @other@, without a newline', async () => {
    covered.add(73);
    const client = await env.connect(ME, env.serverCredentials());
    const proof = await client.data(`from:${OTHER}`);
    const [, sessionKey, challenge] = proof.split(':');
    // Play bob's server: publish the signed proof where alice's server will look it up.
    const bob = env.platform.server(OTHER);
    assert.ok(bob !== undefined && sessionKey !== undefined && challenge !== undefined);
    bob.proofs.put(`public:${sessionKey}`, bob.signingKey.signText(challenge));
    await client.write('pol\n');
    const reply = await client.readExactly(`${OTHER}@`.length);
    assert.match(reply, new RegExp(fill(exchange(73).responseRegex, values)));
    client.pol = OTHER;
    assert.equal(client.unread, '');
  });

  test('#76 batch', async () => asOwner(76));

  test('#77 #78 root lookups', async () => {
    covered.add(77).add(78);
    const registry = env.platform.registry;
    await registry.register('alice🛠-vector', 'vip.ve.atsign.zone', 25000);
    const root = await DirectoryTestClient.connect(env.platform.rootPort, { ca: env.ca });
    assert.match(await root.lookup('alice🛠-vector'), /^vip\.ve\.atsign\.zone:25000$/);
    assert.match(await root.lookup('nosuchatsign'), new RegExp(exchange(78).responseRegex));
    root.destroy();
  });

  test('every exchange is covered here or in the notification exchanges', () => {
    const missing = EXCHANGES.map((_, index) => index).filter((index) => !covered.has(index) && !NOTIFICATION_EXCHANGES.has(index));
    // APKAM enrollment exchanges are tested in apkam.test.ts.
    assert.deepEqual(missing.filter((index) => index !== 10 && index !== 11), []);
  });
});

