/**
 * native/CMakeLists.txt is how the cross builds make the addon: build it here with the command
 * its header documents and run the addon's vector suites against that binary, so it cannot drift
 * from binding.gyp unnoticed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from '../../helpers/temp-dir.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const VECTOR_SUITES = ['aes', 'rsa', 'base2e15', 'robustness'].map((name) => `test/unit/native/${name}.test.ts`);

test('the cmake-js build loads and passes the AES, RSA, base2e15 and robustness suites', async (t) => {
  const dir = tempDir(t);
  // npm exec, like the documented `npx cmake-js`, hands cmake-js npm's nodedir (Node's headers).
  await run('npm', ['exec', '--offline', '--', 'cmake-js', 'compile', '--directory', 'native', '--out', path.join(dir, 'build')], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
  // node-gyp-build loads from <dir>/build/Release when ATAGENT_PREBUILD names <dir>.
  // Without NODE_TEST_CONTEXT the inner node --test reports as a top-level run, not as our child.
  const { NODE_TEST_CONTEXT: _, ...outer } = process.env;
  const env = { ...outer, ATAGENT_PREBUILD: dir };
  const { stdout: chosen } = await run(process.execPath, ['-p', `require('node-gyp-build').path(${JSON.stringify(root)})`], { cwd: root, env });
  assert.equal(chosen.trim(), path.join(dir, 'build', 'Release', 'atagent.node'));

  const suites = await run(process.execPath, ['--conditions=atagent:source', '--import', 'tsx', '--test', '--test-reporter=tap', ...VECTOR_SUITES], {
    cwd: root,
    env,
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: { stdout?: string; message: string }) => assert.fail(`vector suites failed on the cmake build:\n${error.stdout ?? error.message}`));
  assert.match(suites.stdout, /^# fail 0$/m);
  const passed = Number(/^# pass (\d+)$/m.exec(suites.stdout)?.[1]);
  assert.ok(passed >= 40, `${passed} vector tests passed`);
});
