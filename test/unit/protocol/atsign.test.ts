/** atSign normalisation (protocol.md §4.1). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  InvalidAtSignError,
  isSameAtSign,
  isValidAtSign,
  normalizeAtSign,
  withoutAt,
} from '../../../agent/src/protocol/index.js';

const invalidAtSign = (error: unknown) => error instanceof InvalidAtSignError && error.code === 'AT0003';

describe('normalizeAtSign', () => {
  test('lower-cases and prepends the @', () => {
    assert.equal(normalizeAtSign('Alice'), '@alice');
    assert.equal(normalizeAtSign('@ALICE'), '@alice');
  });

  test('removes dots after the @', () => {
    assert.equal(normalizeAtSign('@colin.constable'), '@colinconstable');
    assert.equal(normalizeAtSign('colin.constable'), '@colinconstable');
  });

  test('keeps emoji, hyphens and underscores', () => {
    assert.equal(normalizeAtSign('alice🛠'), '@alice🛠');
    assert.equal(normalizeAtSign('@☎️_0002'), '@☎️_0002');
    assert.equal(normalizeAtSign('@🦄'), '@🦄');
    assert.equal(normalizeAtSign('@some-one_x'), '@some-one_x');
  });

  test('refuses a second @', () => {
    assert.throws(() => normalizeAtSign('@alice@bob'), invalidAtSign);
    assert.throws(() => normalizeAtSign('alice@'), invalidAtSign);
  });

  test('refuses every reserved character', () => {
    for (const reserved of "!*'`();:&=+$,/?#[]{}") {
      assert.throws(() => normalizeAtSign(`@al${reserved}ice`), invalidAtSign, reserved);
    }
  });

  test('refuses whitespace and control characters', () => {
    for (const bad of ['@al ice', '@alice\t', '@ali\nce', '\u00a0alice', '@al\u0000ice', '@al\u007fice', '@al\u0085ice']) {
      assert.throws(() => normalizeAtSign(bad), invalidAtSign, JSON.stringify(bad));
    }
  });

  test('refuses empty names', () => {
    for (const bad of ['', '@', '@...', '.']) {
      assert.throws(() => normalizeAtSign(bad), invalidAtSign, JSON.stringify(bad));
    }
  });

  test('is idempotent and only ever throws InvalidAtSignError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (input) => {
        let normalised: string;
        try {
          normalised = normalizeAtSign(input);
        } catch (error) {
          assert.ok(invalidAtSign(error), String(error));
          return;
        }
        assert.equal(normalizeAtSign(normalised), normalised);
        assert.ok(normalised.startsWith('@'));
        assert.equal(normalised.indexOf('@', 1), -1);
      }),
    );
  });
});

describe('atSign helpers', () => {
  test('withoutAt gives the root lookup form', () => {
    assert.equal(withoutAt('@Alice🛠'), 'alice🛠');
    assert.equal(withoutAt('bob'), 'bob');
  });

  test('isValidAtSign and isSameAtSign', () => {
    assert.equal(isValidAtSign('@alice'), true);
    assert.equal(isValidAtSign('@al:ice'), false);
    assert.equal(isSameAtSign('@Alice', 'alice'), true);
    assert.equal(isSameAtSign('@alice', '@bob'), false);
  });
});
