/**
 * Test helpers: every crypto test runs once per engine. The native engine is part of the
 * build, so when it cannot load its tests fail (with the loader's reason), never skip.
 */
import { before, describe } from 'node:test';
import type { CryptoBackend } from '../../../agent/src/crypto/backend.js';
import { jsBackend } from '../../../agent/src/crypto/js-backend.js';
import { loadNativeBackend } from '../../../agent/src/crypto/native-backend.js';

export interface Engine {
  readonly name: 'js' | 'native';
  readonly load: () => CryptoBackend;
}

export const engines: readonly Engine[] = [
  { name: 'js', load: () => jsBackend },
  { name: 'native', load: () => loadNativeBackend() },
];

/** Declares `body` as a describe block per engine; `engine()` returns the loaded backend inside tests. */
export function forEachEngine(title: string, body: (engine: () => CryptoBackend, name: Engine['name']) => void): void {
  for (const { name, load } of engines) {
    describe(`${title} [${name}]`, () => {
      let backend: CryptoBackend | undefined;
      before(() => {
        backend = load();
      });
      body(() => {
        if (backend === undefined) throw new Error(`${name} engine did not load`);
        return backend;
      }, name);
    });
  }
}
