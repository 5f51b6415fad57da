/**
 * APKAM on a live server (protocol.md §7.26, §8, crypto.md §10, server.md §3.2): onboarding
 * as at_auth does it (CRAM, enroll:request auto-approved, pkam with the enrollment id),
 * a second device enrolling with an OTP (pending → approved, keys:get, namespace limits),
 * denial, revocation and its closing of the device's connections, list/fetch/delete, and the
 * verb_exchanges.json exchanges #10 and #11.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateRsaKeyPair, type RsaKeyPair } from '../../../agent/src/crypto/index.js';
import { ManualClock } from '../../../agent/src/server/index.js';
import type { LineClient } from '../../helpers/line-client.js';
import { apkamLogin, startTestPlatform, type TestPlatform } from '../../helpers/platform.js';
import { assertExchange } from './exchange-vectors.js';

const ME = '@apkam';

describe('APKAM enrollments', () => {
  const clock = new ManualClock();
  let env: TestPlatform;
  let firstApp: RsaKeyPair;
  let firstEnrollment: string;
  let manager: LineClient;

  async function request(client: LineClient, params: Record<string, unknown>): Promise<{ enrollmentId: string; status: string }> {
    return JSON.parse(await client.data(`enroll:request:${JSON.stringify(params)}`)) as { enrollmentId: string; status: string };
  }

  before(async () => {
    env = await startTestPlatform(null, { atSigns: [ME], tuning: { clock } });
    firstApp = await generateRsaKeyPair();
    // Onboarding (protocol.md §8): CRAM, then an enrollment that is approved at once.
    const onboarding = await env.cramClient(ME);
    const enrolled = await request(onboarding, {
      appName: 'firstApp',
      deviceName: 'firstDevice',
      apkamPublicKey: firstApp.publicKey.toBase64(),
      encryptedDefaultEncryptionPrivateKey: 'ZW5jLXByaXY=',
      encryptedDefaultSelfEncryptionKey: 'c2VsZg==',
    });
    assert.equal(enrolled.status, 'approved');
    firstEnrollment = enrolled.enrollmentId;
    manager = await env.connect(ME);
    assert.equal(await apkamLogin(manager, ME, firstEnrollment, firstApp.privateKey), 'data:success');
  });
  after(() => env.close());

  test('onboarding: the first enrollment manages everything, and its key also works as legacy PKAM', async () => {
    assert.match(await manager.data(`update:public:publickey${ME} MIIBencryptionkey`), /^\d+$/);
    assert.match(await manager.data(`update:anything.anyns${ME} v`), /^\d+$/);
    const legacy = await env.connect(ME);
    const challenge = await legacy.data(`from:${ME}`);
    assert.equal((await legacy.send(`pkam:${firstApp.privateKey.signText(challenge)}`, `${ME}@`)).line, 'data:success');
    const keys = JSON.parse(await manager.data(`keys:get:keyName:${firstEnrollment}.default_enc_private_key.__manage${ME}`)) as { value: string };
    assert.equal(keys.value, 'ZW5jLXByaXY=');
  });

  test('a second device: OTP, pending (exchange #10), approval, keys:get, namespace limits', async () => {
    const device = await generateRsaKeyPair();
    const otp = await manager.data('otp:get');
    assert.match(otp, /^[A-NP-Z1-9]{6}$/);
    const watcher = await env.cramClient(ME);
    await watcher.write('monitor:selfNotifications\n');
    const anonymous = await env.connect(ME);
    assert.match((await anonymous.send(`enroll:request:${JSON.stringify({ appName: 'buzz', deviceName: 'phone', namespaces: { buzz: 'rw', wavi: 'r' }, otp: 'WRONG1', apkamPublicKey: device.publicKey.toBase64() })}`)).line, /^error:AT0011-Exception: invalid otp/);
    const params = { appName: 'buzz', deviceName: 'phone', namespaces: { buzz: 'rw', wavi: 'r' }, otp, apkamPublicKey: device.publicKey.toBase64(), encryptedAPKAMSymmetricKey: 'YXBrYW0=' };
    const pending = await request(anonymous, params);
    assert.equal(pending.status, 'pending');
    assert.match((await anonymous.send(`enroll:request:${JSON.stringify(params)}`)).line, /^error:AT0011-Exception: invalid otp/, 'an OTP works once');
    // Manager apps learn of the request from a self notification (crypto.md §10 step 3).
    for (;;) {
      const line = await watcher.readUntil('\n');
      if (!line.includes(`${pending.enrollmentId}.new.enrollments.__manage${ME}`)) continue;
      const notification = JSON.parse(line.replace(/^notification: /, '')) as { value: string };
      assert.equal(JSON.parse(notification.value).encryptedAPKAMSymmetricKey, 'YXBrYW0=');
      break;
    }

    const waiting = await env.connect(ME);
    const challenge = await waiting.data(`from:${ME}`);
    const reply = await waiting.send(`pkam:enrollmentId:${pending.enrollmentId}:${device.privateKey.signText(challenge)}`);
    assertExchange(10, reply, { me: ME, other: '@x', uid: '' });

    const listed = JSON.parse(await manager.data('enroll:list:{"enrollmentStatusFilter":["pending"]}')) as Record<string, { status: string; namespace: unknown }>;
    assert.deepEqual(Object.values(listed).map((entry) => [entry.status, entry.namespace]), [['pending', { buzz: 'rw', wavi: 'r' }]]);
    const approved = JSON.parse(await manager.data(`enroll:approve:${JSON.stringify({ enrollmentId: pending.enrollmentId, encryptedDefaultEncryptionPrivateKey: 'cHJpdg==', encryptedDefaultSelfEncryptionKey: 'c2VsZg==' })}`)) as { status: string };
    assert.equal(approved.status, 'approved');

    const app = await env.connect(ME);
    assert.equal(await apkamLogin(app, ME, pending.enrollmentId, device.privateKey), 'data:success');
    assert.equal(JSON.parse(await app.data(`keys:get:keyName:${pending.enrollmentId}.default_self_enc_key.__manage${ME}`)).value, 'c2VsZg==');
    assert.match((await app.send(`keys:get:keyName:${firstEnrollment}.default_self_enc_key.__manage${ME}`)).line, /^error:AT0009-/);
    // Namespaces: buzz read-write, wavi read-only, nothing else; public and reserved keys always.
    assert.match(await app.data(`update:item.buzz${ME} b`), /^\d+$/);
    await manager.data(`update:item.wavi${ME} w`);
    assert.equal(await app.data(`llookup:item.wavi${ME}`), 'w');
    assert.match((await app.send(`update:item.wavi${ME} no`)).line, /^error:AT0009-/);
    assert.match((await app.send(`llookup:anything.anyns${ME}`)).line, /^error:AT0009-/);
    assert.match((await app.send(`delete:item.wavi${ME}`)).line, /^error:AT0009-/);
    assert.equal(await app.data(`llookup:public:publickey${ME}`), 'MIIBencryptionkey');
    const scanned = JSON.parse(await app.data('scan')) as string[];
    assert.ok(scanned.includes(`item.buzz${ME}`) && scanned.includes(`item.wavi${ME}`) && scanned.includes(`public:publickey${ME}`));
    assert.ok(!scanned.includes(`anything.anyns${ME}`));
    const synced = (JSON.parse(await app.data('sync:from:-1:limit:25')) as { atKey: string }[]).map((entry) => entry.atKey);
    assert.ok(!synced.includes(`anything.anyns${ME}`));
    assert.match((await app.send('otp:get')).line, /^error:AT0009-/, 'no __manage: no OTPs');
    assert.match((await app.send(`enroll:approve:{"enrollmentId":"${firstEnrollment}"}`)).line, /^error:AT0009-/);
    const own = JSON.parse(await app.data('enroll:list')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(own), [`${pending.enrollmentId}.new.enrollments.__manage${ME}`]);
    assert.equal(JSON.parse(await app.data(`enroll:fetch:{"enrollmentId":"${pending.enrollmentId}"}`)).appName, 'buzz');
  });

  test('denied (exchange #11) and revoked enrollments; revocation closes the device; unrevoke; delete', async () => {
    const device = await generateRsaKeyPair();
    const passcode = 'PASSCODE1';
    assert.equal(await manager.data(`otp:put:${passcode}`), 'ok');
    const anonymous = await env.connect(ME);
    const params = { appName: 'app', deviceName: 'dev', namespaces: { app: 'rw' }, otp: passcode, apkamPublicKey: device.publicKey.toBase64() };
    const denied = await request(anonymous, params);
    const other = await request(anonymous, params);
    assert.equal(JSON.parse(await manager.data(`enroll:deny:{"enrollmentId":"${denied.enrollmentId}"}`)).status, 'denied');
    const client = await env.connect(ME);
    const challenge = await client.data(`from:${ME}`);
    assertExchange(11, await client.send(`pkam:enrollmentId:${denied.enrollmentId}:${device.privateKey.signText(challenge)}`), { me: ME, other: '@x', uid: '' });
    assert.match((await manager.send(`enroll:approve:{"enrollmentId":"${denied.enrollmentId}"}`)).line, /^error:AT0011-.*Cannot approve a denied enrollment/);

    await manager.data(`enroll:approve:{"enrollmentId":"${other.enrollmentId}"}`);
    const app = await env.connect(ME);
    assert.equal(await apkamLogin(app, ME, other.enrollmentId, device.privateKey), 'data:success');
    assert.equal(await app.data('noop:0'), 'ok');
    assert.equal(JSON.parse(await manager.data(`enroll:revoke:{"enrollmentId":"${other.enrollmentId}"}`)).status, 'revoked');
    await app.waitClosed();
    const again = await env.connect(ME);
    const challenge2 = await again.data(`from:${ME}`);
    assert.match((await again.send(`pkam:enrollmentId:${other.enrollmentId}:${device.privateKey.signText(challenge2)}`)).line, /^error:AT0027:enrollment_id: .* is revoked$/);
    assert.equal(JSON.parse(await manager.data(`enroll:unrevoke:{"enrollmentId":"${other.enrollmentId}"}`)).status, 'approved');
    assert.equal(await apkamLogin(await env.connect(ME), ME, other.enrollmentId, device.privateKey), 'data:success');

    assert.match((await manager.send(`enroll:delete:{"enrollmentId":"${other.enrollmentId}"}`)).line, /^error:AT0011-.*Only denied or revoked/);
    assert.equal(JSON.parse(await manager.data(`enroll:delete:{"enrollmentId":"${denied.enrollmentId}"}`)).status, 'deleted');
    assert.match((await manager.send(`enroll:fetch:{"enrollmentId":"${denied.enrollmentId}"}`)).line, /^error:AT0011-.*not found/);
  });

  test('a manager cannot revoke its own enrollment without force (AT0031); anonymous list is AT0401', async () => {
    assert.match((await manager.send(`enroll:revoke:{"enrollmentId":"${firstEnrollment}"}`)).line, /^error:AT0031-/);
    const anonymous = await env.connect(ME);
    assert.match((await anonymous.send('enroll:list')).line, /^error:AT0401-/);
    assert.match((await anonymous.send('enroll:request:{"appName":"a","deviceName":"d","apkamPublicKey":"x"}')).line, /^error:AT0022-/);
  });

  test('a pending request expires after 48 h (AT0028); enrollment keys are neither committed nor scanned', async () => {
    const device = await generateRsaKeyPair();
    const otp = await manager.data('otp:get');
    const anonymous = await env.connect(ME);
    const pending = await request(anonymous, { appName: 'late', deviceName: 'dev', namespaces: { late: 'rw' }, otp, apkamPublicKey: device.publicKey.toBase64() });
    clock.advance(48 * 60 * 60 * 1000 + 1);
    assert.match((await manager.send(`enroll:approve:{"enrollmentId":"${pending.enrollmentId}"}`)).line, /^error:AT0028:/);
    const client = await env.connect(ME);
    const challenge = await client.data(`from:${ME}`);
    assert.match((await client.send(`pkam:enrollmentId:${pending.enrollmentId}:${device.privateKey.signText(challenge)}`)).line, /^error:AT0028:enrollment_id: .* is expired or invalid$/);
    const keys = JSON.parse(await manager.data('scan:showHidden:true')) as string[];
    assert.ok(!keys.some((key) => key.includes('__manage')));
    const synced = JSON.parse(await manager.data('sync:from:-1:limit:25')) as { atKey: string }[];
    assert.ok(!synced.some((entry) => entry.atKey.includes('__manage')));
  });
});
