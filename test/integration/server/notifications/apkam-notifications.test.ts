/**
 * Notifications on an APKAM device's connection (server.md §3.2): an enrollment holding
 * `buzz:rw` and `wavi:r` may notify about buzz keys only (AT0009 otherwise), fetch, list and
 * see the status of buzz and wavi notifications only, and its monitor shows only those.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { generateRsaKeyPair, type RsaKeyPair } from '../../../../agent/src/crypto/index.js';
import type { LineClient } from '../../../helpers/line-client.js';
import { apkamLogin, startTestPlatform, type TestPlatform } from '../../../helpers/platform.js';
import { readNotification } from './support.js';

const ME = '@apkamnotify';
const SENDER = '@alice🛠';

describe('notifications on an APKAM device connection', () => {
  let env: TestPlatform;
  let device: LineClient;
  let deviceKeys: RsaKeyPair;
  let enrollmentId: string;

  async function apkamClient(id: string, keys: RsaKeyPair): Promise<LineClient> {
    const client = await env.connect(ME);
    assert.equal(await apkamLogin(client, ME, id, keys.privateKey), 'data:success');
    return client;
  }

  before(async () => {
    env = await startTestPlatform(null, { atSigns: [ME], demo: [SENDER], tuning: { notifications: { statsIntervalMs: -1 } } });
    // Onboarding as at_auth does it, then a second device limited to buzz (rw) and wavi (r).
    const managerKeys = await generateRsaKeyPair();
    const onboarding = await env.cramClient(ME);
    const first = JSON.parse(await onboarding.data(`enroll:request:${JSON.stringify({ appName: 'manager', deviceName: 'laptop', apkamPublicKey: managerKeys.publicKey.toBase64() })}`)) as { enrollmentId: string };
    const manager = await apkamClient(first.enrollmentId, managerKeys);
    const otp = await manager.data('otp:get');
    deviceKeys = await generateRsaKeyPair();
    const anonymous = await env.connect(ME);
    const request = { appName: 'buzz', deviceName: 'phone', namespaces: { buzz: 'rw', wavi: 'r' }, otp, apkamPublicKey: deviceKeys.publicKey.toBase64() };
    enrollmentId = (JSON.parse(await anonymous.data(`enroll:request:${JSON.stringify(request)}`)) as { enrollmentId: string }).enrollmentId;
    await manager.data(`enroll:approve:${JSON.stringify({ enrollmentId })}`);
    device = await apkamClient(enrollmentId, deviceKeys);
  });
  after(() => env.close());

  test('notify: only about keys the device may write', async () => {
    assert.match(await device.data(`notify:${ME}:item.buzz${ME}:ok`), /^[0-9a-f-]{36}$/);
    assert.match((await device.send(`notify:${ME}:item.wavi${ME}:read-only`)).line, /^error:AT0009-/);
    assert.match((await device.send(`notify:${ME}:item.other${ME}:nope`)).line, /^error:AT0009-/);
    assert.match((await device.send(`notify:all:${ME}:item.other${ME}:nope`)).line, /^error:AT0009-/);
  });

  test('monitor, notify:list, notify:fetch, notify:status: buzz and wavi only', async () => {
    const monitor = await apkamClient(enrollmentId, deviceKeys);
    await monitor.write('monitor\nnoop:0\n');
    assert.equal((await monitor.read()).line, 'data:ok');
    const server = await env.polClient(ME, SENDER);
    const ids: Record<string, string> = {};
    for (const namespace of ['other', 'wavi', 'buzz']) {
      ids[namespace] = randomUUID();
      assert.equal((await server.send(`notify:id:${ids[namespace]}:update:${ME}:reading.${namespace}${SENDER}:${namespace}`)).line, 'data:success');
    }
    // The first line the device's monitor shows is the wavi one: the other one was not for it.
    assert.deepEqual([(await readNotification(monitor)).id, (await readNotification(monitor)).id], [ids['wavi'], ids['buzz']]);
    const listed = (JSON.parse(await device.data('notify:list:reading')) as Array<{ id: string }>).map((entry) => entry.id);
    assert.deepEqual(listed, [ids['wavi'], ids['buzz']]);
    assert.match(await device.data(`notify:fetch:${ids['wavi']}`), /"notification":"@apkamnotify:reading\.wavi@alice🛠"/);
    assert.match((await device.send(`notify:fetch:${ids['other']}`)).line, /^error:AT0009-/);
    assert.match((await device.send(`notify:status:${ids['other']}`)).line, /^error:AT0009-/);
    assert.match((await device.send(`notify:remove:${ids['wavi']}`)).line, /^error:AT0009-/, 'removing is writing');
    assert.equal(await device.data(`notify:remove:${ids['buzz']}`), 'success');
  });
});
