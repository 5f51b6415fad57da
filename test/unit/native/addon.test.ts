import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { findPrebuild, loadAddon } from '../../../agent/src/crypto/addon.js';
import { AtCryptoError, BadKeyError, errorConstructors } from '../../../agent/src/crypto/errors.js';
import { loadNativeBackend } from '../../../agent/src/crypto/native-backend.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('native addon loader', () => {
  test('loads once and serves the same backend', () => {
    assert.equal(loadAddon(), loadAddon());
    assert.equal(loadNativeBackend(), loadNativeBackend());
    assert.equal(loadNativeBackend().name, 'native');
  });

  test('a shipped N-API prebuild for this platform is chosen before build/, the most specific first', (t) => {
    const root = tempDir(t);
    assert.equal(findPrebuild(root), undefined, 'no prebuilds/ directory');
    const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
    fs.mkdirSync(dir, { recursive: true });
    for (const name of ['atagent.abi115.node', 'atagent.napi.musl.node', 'README']) fs.writeFileSync(path.join(dir, name), '');
    assert.equal(findPrebuild(root), undefined, 'no glibc N-API build among them');
    fs.writeFileSync(path.join(dir, 'atagent.napi.node'), '');
    assert.equal(findPrebuild(root), path.join(dir, 'atagent.napi.node'));
    fs.writeFileSync(path.join(dir, 'atagent.napi.glibc.node'), '');
    assert.equal(findPrebuild(root), path.join(dir, 'atagent.napi.glibc.node'));
  });

  test('without a binary, loadNativeBackend throws an Error that says why, and does not search again', async () => {
    // node-gyp-build honours <PACKAGE>_PREBUILD: point it at a directory with no build.
    const script = `
      import { loadNativeBackend } from './agent/src/crypto/native-backend.ts';
      import { loadAddon } from './agent/src/crypto/addon.ts';
      let first;
      try { loadNativeBackend(); console.log('loaded'); } catch (e) { first = e; console.log('error: ' + e.message.split('\\n')[0]); }
      try { loadAddon(); } catch (e) { console.log('again: ' + (e === first ? 'same error' : 'searched again')); }
    `;
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      env: { ...process.env, ATAGENT_PREBUILD: '/nonexistent-atagent-build' },
    });
    assert.match(stdout, /^error: No native build was found for platform=/);
    assert.match(stdout, /^again: same error$/m);
  });

  test('errors are the errors.ts classes, with their stable code and name', () => {
    try {
      loadNativeBackend().createAes(new Uint8Array(5));
      assert.fail('expected BadKeyError');
    } catch (error) {
      assert.ok(error instanceof BadKeyError);
      assert.ok(error instanceof AtCryptoError);
      assert.equal(error.code, 'ERR_ATAGENT_BAD_KEY');
      assert.equal(error.name, 'BadKeyError');
      assert.match(error.message, /32 bytes/);
    }
  });

  test('init rejects an object missing a constructor', () => {
    const addon = loadAddon();
    assert.throws(() => addon.init({} as typeof errorConstructors), TypeError);
    assert.throws(() => (addon.init as (x: unknown) => void)(undefined), TypeError);
    addon.init(errorConstructors);
  });

  test('the addon loads and works in a worker thread, with its own state', async () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const worker = new Worker(
      `
      const { createRequire } = require('node:module');
      const { parentPort, workerData } = require('node:worker_threads');
      const requireFromRoot = createRequire(workerData.root + 'package.json');
      const addon = requireFromRoot('node-gyp-build')(workerData.root);
      let code;
      try { addon.createAes(new Uint8Array(1)); } catch (e) { code = e.code; }
      class BadKeyError extends Error { constructor(m) { super(m); this.code = 'from-worker'; } }
      const ctors = {};
      for (const name of ['BadKeyError','BadIvError','BadCiphertextError','BadPaddingError','PlaintextTooLongError','BadBase64Error','BadBase2e15Error','CryptoFailedError']) ctors[name] = BadKeyError;
      addon.init(ctors);
      let after;
      try { addon.createAes(new Uint8Array(1)); } catch (e) { after = e.code; }
      const out = Buffer.alloc(16);
      addon.createAes(Buffer.alloc(32)).encryptInto(Buffer.alloc(16), Buffer.from('hi'), out);
      parentPort.postMessage({ code, after, text: addon.base2e15Encode(Buffer.from([0xff])), ct: out.toString('hex') });
      `,
      { eval: true, workerData: { root } },
    );
    // A worker that posts and ends at once can deliver 'message' and 'exit' in one tick: listen for both now.
    const exited = once(worker, 'exit');
    const [message] = (await once(worker, 'message')) as [{ code: string; after: string; text: string; ct: string }];
    await exited;
    // Before init the worker's instance falls back to plain errors with the stable code.
    assert.equal(message.code, 'ERR_ATAGENT_BAD_KEY');
    assert.equal(message.after, 'from-worker');
    assert.equal(message.text, '\uD724');
    // The main thread's constructors are untouched.
    assert.throws(() => loadNativeBackend().createAes(new Uint8Array(1)), BadKeyError);
    assert.equal(message.ct.length, 32);
  });
});
