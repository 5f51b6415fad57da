/**
 * Engine selection: ATAGENT_CRYPTO in real child processes importing the package, a board
 * without any addon binary (node-gyp-build told to look only for prebuilds of an
 * architecture that has none), and the selection rules with an injected loader.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import type { CryptoBackend } from '../../../agent/src/crypto/backend.js';
import { jsBackend } from '../../../agent/src/crypto/js-backend.js';
import {
  CryptoBackendSettingError,
  NativeCryptoUnavailableError,
  chooseCryptoBackend,
} from '../../../agent/src/crypto/select-backend.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));

const PROBE = `
import { cryptoBackendName, AesKey } from 'atagent';
const name = cryptoBackendName();
const key = AesKey.generate();
if (key.decryptText(key.encryptText('probe')) !== 'probe') throw new Error('round trip failed');
console.log(name);
`;

/** Environment that makes node-gyp-build find no binary at all, as on a board without a prebuild. */
const NO_ADDON_BINARY = { PREBUILDS_ONLY: '1', npm_config_arch: 'atagent-test-no-such-arch' };

interface ProbeResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function probe(env: Record<string, string | undefined>): Promise<ProbeResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv['ATAGENT_CRYPTO'];
  delete childEnv['NODE_TEST_CONTEXT'];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[name];
    else childEnv[name] = value;
  }
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--conditions=atagent:source', '--import', 'tsx', '--input-type=module', '--eval', PROBE],
      { cwd: root, env: childEnv },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('ATAGENT_CRYPTO in a real process', { concurrency: true }, () => {
  test('=js selects the node:crypto engine, silently', async () => {
    const result = await probe({ ATAGENT_CRYPTO: 'js' });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), 'js');
    assert.equal(result.stderr, '');
  });

  test('=native selects the addon', async () => {
    const result = await probe({ ATAGENT_CRYPTO: 'native' });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), 'native');
    assert.equal(result.stderr, '');
  });

  test('unset prefers the addon, silently', async () => {
    const result = await probe({});
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), 'native');
    assert.equal(result.stderr, '');
  });

  test('unset, with no addon binary: the fallback, announced in exactly one stderr line', async () => {
    const result = await probe(NO_ADDON_BINARY);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), 'js');
    const lines = result.stderr.split('\n').filter((line) => line !== '');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0] as string, /^atagent: native crypto addon unavailable \(.+\); using the node:crypto fallback$/);
  });

  test('=native with no addon binary fails clearly instead of falling back', async () => {
    const result = await probe({ ...NO_ADDON_BINARY, ATAGENT_CRYPTO: 'native' });
    assert.notEqual(result.code, 0);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /ERR_ATAGENT_NATIVE_CRYPTO_UNAVAILABLE/);
    assert.match(result.stderr, /ATAGENT_CRYPTO=native but the native crypto addon cannot be loaded/);
  });

  test('=js with no addon binary works and says nothing', async () => {
    const result = await probe({ ...NO_ADDON_BINARY, ATAGENT_CRYPTO: 'js' });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), 'js');
    assert.equal(result.stderr, '');
  });

  test('an unknown value is a configuration error', async () => {
    const result = await probe({ ATAGENT_CRYPTO: 'openssl' });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /ERR_ATAGENT_CRYPTO_SETTING/);
    assert.match(result.stderr, /ATAGENT_CRYPTO must be 'native' or 'js' \(or unset\), got 'openssl'/);
  });
});

describe('chooseCryptoBackend rules', () => {
  const fakeNative = { ...jsBackend, name: 'native' } as CryptoBackend;
  const failingLoader = () => {
    throw new Error('cannot open shared object file:\n  No such file or directory');
  };

  test('js never touches the loader', () => {
    let loads = 0;
    const chosen = chooseCryptoBackend({ setting: 'js', loadNative: () => { loads++; return fakeNative; } });
    assert.equal(chosen, jsBackend);
    assert.equal(loads, 0);
  });

  test('native and unset use the loader\'s engine', () => {
    assert.equal(chooseCryptoBackend({ setting: 'native', loadNative: () => fakeNative }), fakeNative);
    assert.equal(chooseCryptoBackend({ setting: undefined, loadNative: () => fakeNative }), fakeNative);
    assert.equal(chooseCryptoBackend({ setting: '', loadNative: () => fakeNative }), fakeNative);
    assert.equal(chooseCryptoBackend({ setting: ' native ', loadNative: () => fakeNative }), fakeNative);
  });

  test('unset + failing loader: one warning line with the reason on one line, then js', () => {
    const lines: string[] = [];
    const chosen = chooseCryptoBackend({ loadNative: failingLoader, warn: (line) => lines.push(line) });
    assert.equal(chosen, jsBackend);
    assert.deepEqual(lines, [
      'atagent: native crypto addon unavailable (cannot open shared object file: No such file or directory); using the node:crypto fallback',
    ]);
  });

  test('native + failing loader: NativeCryptoUnavailableError with the reason and the cause', () => {
    assert.throws(
      () => chooseCryptoBackend({ setting: 'native', loadNative: failingLoader, warn: () => assert.fail('no warning expected') }),
      (error: unknown) => {
        assert.ok(error instanceof NativeCryptoUnavailableError);
        assert.equal(error.code, 'ERR_ATAGENT_NATIVE_CRYPTO_UNAVAILABLE');
        assert.match(error.message, /cannot open shared object file: No such file or directory/);
        assert.match(error.message, /npm run build:native/);
        assert.ok(error.cause instanceof Error);
        return true;
      },
    );
  });

  test('unknown settings are refused', () => {
    for (const setting of ['JS', 'openssl', 'auto', 'false']) {
      assert.throws(() => chooseCryptoBackend({ setting, loadNative: () => fakeNative }), CryptoBackendSettingError);
    }
  });
});
