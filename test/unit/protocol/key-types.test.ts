/** Key classification against key_types.json (regex sources and all 64 cases). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  classifyKey,
  classifyKeyWithGroups,
  KEY_REGEX_SOURCES,
  KEY_REGEX_SOURCES_WITH_NAMESPACE,
} from '../../../agent/src/protocol/index.js';
import { keyTypes } from '../../helpers/vectors.js';

const vectors = keyTypes();

describe('key regex sources', () => {
  test('are composed exactly as upstream (namespace optional)', () => {
    assert.deepEqual({ ...KEY_REGEX_SOURCES }, vectors.withoutNamespace);
  });

  test('are composed exactly as upstream (namespace mandatory)', () => {
    assert.deepEqual({ ...KEY_REGEX_SOURCES_WITH_NAMESPACE }, vectors.withMandatoryNamespace);
  });
});

describe('classifyKey: key_types.json', () => {
  assert.equal(vectors.cases.length, 64);
  for (const { key, enforceNamespace, expected } of vectors.cases) {
    test(`${key} (enforceNamespace ${enforceNamespace}) → ${expected}`, () => {
      const type = classifyKey(key, { enforceNamespace });
      if (expected.startsWith('!')) {
        assert.notEqual(type, expected.slice(1));
      } else {
        assert.equal(type, expected);
      }
    });
  }
});

describe('classifyKey details', () => {
  test('a self key names its owner as sharedWith without becoming shared', () => {
    assert.equal(classifyKey('@bob:phone@bob'), 'selfKey');
    assert.equal(classifyKey('@Bob:phone@bob'), 'selfKey');
  });

  test('returns the groups of the accepting regex', () => {
    assert.deepEqual(classifyKeyWithGroups('@alice:phone.wavi@bob', { enforceNamespace: true }).groups, {
      sharedWith: 'alice',
      entity: 'phone',
      namespace: 'wavi',
      owner: 'bob',
    });
    assert.equal(classifyKeyWithGroups('public:publickey@bob').groups.owner, 'bob');
  });

  test('needs the whole key to match', () => {
    assert.equal(classifyKey('phone@bob extra'), 'invalidKey');
    assert.equal(classifyKey('phone@bob@carol'), 'invalidKey');
    assert.equal(classifyKey(''), 'invalidKey');
  });

  test('an atSign is at most 55 characters; a surrogate-pair emoji counts once', () => {
    assert.equal(classifyKey(`phone@${'a'.repeat(55)}`), 'selfKey');
    assert.equal(classifyKey(`phone@${'a'.repeat(56)}`), 'invalidKey');
    // The emoji alternatives match a whole surrogate pair per repetition (protocol.md §4.1
    // says an emoji counts as 2; the regex itself counts it once).
    assert.equal(classifyKey(`phone@${'🦄'.repeat(55)}`), 'selfKey');
    assert.equal(classifyKey(`phone@${'🦄'.repeat(56)}`), 'invalidKey');
    // A BMP emoji with a variation selector is two repetitions.
    assert.equal(classifyKey(`phone@${'☎️'.repeat(27)}a`), 'selfKey');
    assert.equal(classifyKey(`phone@${'☎️'.repeat(28)}`), 'invalidKey');
  });
});
