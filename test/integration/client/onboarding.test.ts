/**
 * Onboarding (legacy CRAM → PKAM, protocol.md §8) against our own platform: the keys file
 * written 0600 and loadable, PKAM working and CRAM refused afterwards, the public key
 * published; and every refusal clear, leaving files and the atSign as they were.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  AtClient,
  CramRefusedError,
  onboard,
  OnboardingError,
  type OnboardingStep,
  type OnboardOptions,
} from '../../../agent/src/client/index.js';
import { KeyFileExistsError, loadAtKeys } from '../../../agent/src/crypto/index.js';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform.js';
import { tempDir } from '../../helpers/temp-dir.js';

const FRESH = '@fresh';
const TWICE = '@twice';
const WRONG = '@wrongsecret';
const BLOCKED = '@blockedfile';
const UNSAVED = '@unsaved';

describe('onboard() on our platform', () => {
  let env: TestPlatform;
  const keysDir = tempDir({ after });
  const options = (atSign: string, extra: Partial<OnboardOptions> = {}): OnboardOptions => ({
    atSign,
    cramSecret: env.cramSecrets.get(atSign) ?? '',
    root: env.platform.root,
    ca: env.platform.caPath,
    keysPath: path.join(keysDir, `${atSign}_key.atKeys`),
    ...extra,
  });
  const rejection = async (promise: Promise<unknown>): Promise<OnboardingError> => {
    const error = await promise.then(
      () => assert.fail('onboarding should have failed'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof OnboardingError, String(error));
    return error;
  };

  before(async () => {
    env = await startTestPlatform(null, { atSigns: [FRESH, TWICE, WRONG, BLOCKED, UNSAVED] });
  });

  after(async () => {
    await env?.close();
  });

  test('writes a 0600 keys file that loads, PKAM works, the public key is published, CRAM is refused', { timeout: 30_000 }, async () => {
    const steps: OnboardingStep[] = [];
    const result = await onboard(options(FRESH, { onStep: (step) => steps.push(step) }));
    assert.deepEqual(steps, ['checkKeysFile', 'generateKeys', 'connect', 'cram', 'storePkamKey', 'writeKeysFile', 'pkam', 'publishEncryptionKey', 'disableCram']);
    assert.equal(result.address, `localhost:${env.port(FRESH)}`);

    assert.equal(fs.statSync(result.keysPath).mode & 0o777, 0o600);
    const saved = await loadAtKeys(result.keysPath);
    assert.equal(saved.atSign, FRESH);
    assert.ok(saved.pkamPublicKey.equals(result.keys.pkamPublicKey));
    assert.ok(saved.encryptionPublicKey.equals(result.keys.encryptionPublicKey));
    assert.ok(saved.selfEncryptionKey.equals(result.keys.selfEncryptionKey));
    assert.notEqual(saved.apkamSymmetricKey, undefined);
    assert.equal(saved.enrollmentId, undefined, 'legacy onboarding makes no enrollment');
    // 294 bytes: the SPKI of an RSA-2048 key with e = 65537.
    assert.deepEqual([saved.pkamPublicKey.toDer().length, saved.encryptionPublicKey.toDer().length], [294, 294]);

    const anonymous = await env.connect(FRESH);
    assert.equal(await anonymous.data(`lookup:publickey${FRESH}`), result.keys.encryptionPublicKey.toBase64());

    const client = await AtClient.create(FRESH, 'onboard', env.clientPreferences(FRESH, result.keysPath));
    try {
      await client.put('greeting', 'hello after onboarding');
      assert.equal((await client.get('greeting')).value, 'hello after onboarding');
    } finally {
      await client.close();
    }

    await assert.rejects(env.cramClient(FRESH), /cram failed: error:AT0401/);
  });

  test('a second onboarding is refused clearly, by the existing file or by the server', { timeout: 30_000 }, async () => {
    const first = await onboard(options(TWICE));
    const before = fs.readFileSync(first.keysPath);

    const sameFile = await rejection(onboard(options(TWICE)));
    assert.equal(sameFile.step, 'checkKeysFile');
    assert.equal(sameFile.state, 'unchanged');
    assert.ok(sameFile.cause instanceof KeyFileExistsError);
    assert.match(sameFile.message, /already exists \(is @twice onboarded on this machine already\?\)/);
    assert.deepEqual(fs.readFileSync(first.keysPath), before);

    const elsewhere = path.join(keysDir, 'elsewhere', 'twice.atKeys');
    const byServer = await rejection(onboard(options(TWICE, { keysPath: elsewhere })));
    assert.equal(byServer.code, 'AT0401');
    assert.equal(byServer.step, 'cram');
    assert.equal(byServer.state, 'unchanged');
    assert.ok(byServer.cause instanceof CramRefusedError && byServer.cause.alreadyOnboarded === true);
    assert.match(byServer.message, /^AT0401: onboarding @twice failed at step 'authenticate with the CRAM secret': .*already onboarded/);
    assert.equal(fs.existsSync(elsewhere), false);
    // The first onboarding's keys still work.
    const client = await AtClient.create(TWICE, undefined, env.clientPreferences(TWICE, first.keysPath));
    await client.close();
  });

  test('a wrong CRAM secret is a clear AT0401, writes no file and changes nothing', { timeout: 30_000 }, async () => {
    const wrong = await rejection(onboard(options(WRONG, { cramSecret: 'f'.repeat(128) })));
    assert.equal(wrong.code, 'AT0401');
    assert.equal(wrong.step, 'cram');
    assert.equal(wrong.state, 'unchanged');
    assert.ok(wrong.cause instanceof CramRefusedError && wrong.cause.alreadyOnboarded === false);
    assert.match(wrong.message, /refused the CRAM secret of @wrongsecret: check that it is the secret issued/);
    assert.match(wrong.message, /Nothing was changed on the atServer and no keys file was written/);
    assert.doesNotMatch(wrong.message, /f{16}/, 'the secret tried is not in the message');
    assert.equal(fs.existsSync(options(WRONG).keysPath ?? ''), false);
    // Nothing was broken: the right secret still onboards.
    await onboard(options(WRONG));
  });

  test('an existing keys file is not overwritten, and the server is not touched', { timeout: 30_000 }, async () => {
    const keysPath = options(BLOCKED).keysPath ?? '';
    fs.writeFileSync(keysPath, 'somebody else\'s keys', { mode: 0o600 });
    const refused = await rejection(onboard(options(BLOCKED)));
    assert.equal(refused.step, 'checkKeysFile');
    assert.equal(fs.readFileSync(keysPath, 'utf8'), 'somebody else\'s keys');
    (await env.cramClient(BLOCKED)).destroy();

    const replaced = await onboard(options(BLOCKED, { overwrite: true }));
    assert.ok((await loadAtKeys(keysPath)).pkamPublicKey.equals(replaced.keys.pkamPublicKey));
  });

  test('a keys file that cannot be written leaves CRAM enabled, so onboarding again works', { timeout: 30_000 }, async () => {
    // A directory where the file should go passes the early checks (overwrite skips the
    // existence check) and fails only when the file is put in place: after the PKAM key was stored.
    const inTheWay = path.join(keysDir, 'in-the-way');
    fs.mkdirSync(path.join(inTheWay, 'occupied'), { recursive: true });
    const failed = await rejection(onboard(options(UNSAVED, { keysPath: inTheWay, overwrite: true })));
    assert.equal(failed.step, 'writeKeysFile');
    assert.equal(failed.state, 'pkam-key-not-saved');
    assert.match(failed.message, /CRAM is still enabled, so fix the problem and onboard @unsaved again/);

    const result = await onboard(options(UNSAVED));
    const client = await AtClient.create(UNSAVED, undefined, env.clientPreferences(UNSAVED, result.keysPath));
    await client.close();
  });

  test('an atSign the directory does not know fails at connect, AT0007', { timeout: 30_000 }, async () => {
    const unknown = await rejection(onboard(options('@nobodyhere', { cramSecret: 'secret' })));
    assert.equal(unknown.code, 'AT0007');
    assert.equal(unknown.step, 'connect');
    assert.equal(unknown.state, 'unchanged');
  });
});
