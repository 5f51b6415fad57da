/** The AtKey model: parse, format, validation and round trips. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  formatAtKey,
  InvalidAtKeyError,
  isValidAtKey,
  makeAtKey,
  MAX_CACHED_KEY_LENGTH,
  MAX_KEY_LENGTH,
  normalizeStoredKey,
  parseAtKey,
  type AtKeyParts,
} from '../../../agent/src/protocol/index.js';
import { keyTypes } from '../../helpers/vectors.js';

const invalidKey = (error: unknown) => error instanceof InvalidAtKeyError && error.code === 'AT0016';

describe('parseAtKey', () => {
  test('a shared key', () => {
    const key = parseAtKey('@bob:phone.wavi@alice');
    assert.equal(key.type, 'sharedKey');
    assert.equal(key.sharedWith, '@bob');
    assert.equal(key.sharedBy, '@alice');
    assert.equal(key.entity, 'phone.wavi');
    assert.equal(key.name, 'phone');
    assert.equal(key.namespace, 'wavi');
    assert.equal(key.isPublic, false);
    assert.equal(key.isCached, false);
    assert.equal(key.isHidden, false);
    assert.equal(key.isReserved, false);
  });

  test('public, cached, local and hidden keys', () => {
    const publicKey = parseAtKey('public:location.wavi@alice');
    assert.equal(publicKey.type, 'publicKey');
    assert.equal(publicKey.isPublic, true);
    assert.equal(publicKey.visibility, 'public');

    const cachedPublic = parseAtKey('cached:public:publickey@bob');
    assert.equal(cachedPublic.isCached, true);
    assert.equal(cachedPublic.isPublic, true);
    // The reserved regex matches anywhere, so the cached copy of public:publickey@x is reserved too.
    assert.equal(cachedPublic.type, 'reservedKey');
    assert.equal(parseAtKey('cached:public:phone.wavi@bob').type, 'cachedPublicKey');

    const cachedShared = parseAtKey('cached:@bob:phone.wavi@alice');
    assert.equal(cachedShared.type, 'cachedSharedKey');
    assert.equal(cachedShared.sharedWith, '@bob');

    const local = parseAtKey('local:prefs.wavi@alice');
    assert.equal(local.type, 'localKey');
    assert.equal(local.isLocal, true);

    const hidden = parseAtKey('_secret.buzz@bob');
    assert.equal(hidden.isHidden, true);
    assert.equal(hidden.name, '_secret');
    assert.equal(hidden.namespace, 'buzz');
  });

  test('reserved keys, with and without an owner', () => {
    const own = parseAtKey('shared_key.bob@alice');
    assert.equal(own.type, 'reservedKey');
    assert.equal(own.isReserved, true);
    assert.equal(own.namespace, undefined, 'the dot of shared_key.<atSign> is not a namespace');
    assert.equal(own.name, 'shared_key.bob');

    const secret = parseAtKey('privatekey:at_secret');
    assert.equal(secret.type, 'reservedKey');
    assert.equal(secret.visibility, 'privatekey');
    assert.equal(secret.entity, 'at_secret');
    assert.equal(secret.sharedBy, undefined);

    assert.equal(parseAtKey('@bob:shared_key@alice').sharedWith, '@bob');
    assert.equal(parseAtKey('configkey').entity, 'configkey');
    assert.equal(parseAtKey('_latestNotificationIdv2').isHidden, true);
    assert.equal(parseAtKey('private:blocklist@alice').visibility, 'private');
  });

  test('emoji atSigns and entities', () => {
    const key = parseAtKey('@🦄:emoji.name@alice🛠');
    assert.equal(key.sharedWith, '@🦄');
    assert.equal(key.sharedBy, '@alice🛠');
    assert.equal(parseAtKey('public:🦄🦄-1234@alice🛠').entity, '🦄🦄-1234');
  });

  test('refuses invalid keys with AT0016', () => {
    for (const bad of [
      'public:country,current@alice',
      'public:@public:image.wavi@colin',
      'phone@alice@bob',
      '',
      'junk:public:publickey@alice',
      'xyz privatekey:at_secret',
    ]) {
      assert.throws(() => parseAtKey(bad), invalidKey, bad);
    }
  });

  test('enforces 248 characters, 255 for cached keys', () => {
    const owner = '@alice';
    const ok = `${'a'.repeat(MAX_KEY_LENGTH - owner.length)}${owner}`;
    assert.equal(parseAtKey(ok).text.length, 248);
    assert.throws(() => parseAtKey(`a${ok}`), invalidKey);

    const cachedBody = `cached:@bob:${'b'.repeat(MAX_CACHED_KEY_LENGTH - 'cached:@bob:'.length - owner.length)}${owner}`;
    assert.equal(cachedBody.length, 255);
    assert.equal(parseAtKey(cachedBody).isCached, true);
    assert.throws(() => parseAtKey(cachedBody.replace('cached:@bob:', 'cached:@bob:b')), invalidKey);
  });

  test('enforceNamespace', () => {
    assert.throws(() => parseAtKey('phone@bob', { enforceNamespace: true }), invalidKey);
    assert.equal(parseAtKey('phone.wavi@bob', { enforceNamespace: true }).namespace, 'wavi');
  });

  test('every valid key of key_types.json round-trips', () => {
    for (const { key, enforceNamespace } of keyTypes().cases) {
      if (!isValidAtKey(key, { enforceNamespace })) continue;
      assert.equal(formatAtKey(parseAtKey(key, { enforceNamespace })), key);
    }
  });
});

describe('formatAtKey and makeAtKey', () => {
  test('formats parts and adds missing @', () => {
    assert.equal(formatAtKey({ sharedWith: 'bob', entity: 'phone.wavi', sharedBy: 'alice' }), '@bob:phone.wavi@alice');
    assert.equal(formatAtKey({ cached: true, visibility: 'public', entity: 'publickey', sharedBy: '@bob' }), 'cached:public:publickey@bob');
  });

  test('refuses parts that make an invalid key', () => {
    assert.throws(() => formatAtKey({ entity: 'bad key', sharedBy: '@alice' }), invalidKey);
    assert.throws(() => formatAtKey({ entity: 'x:y', sharedBy: '@alice' }), invalidKey);
  });

  test('makeAtKey builds from a spec and normalises atSigns', () => {
    assert.equal(makeAtKey({ name: 'phone', namespace: 'wavi', sharedBy: 'Alice', sharedWith: '@Bob' }).text, '@bob:phone.wavi@alice');
    assert.equal(makeAtKey({ name: 'location', namespace: 'wavi', sharedBy: '@alice', isPublic: true }).type, 'publicKey');
    assert.equal(makeAtKey({ name: 'note', sharedBy: '@alice' }).type, 'selfKey');
    assert.throws(() => makeAtKey({ name: 'x', sharedBy: '@a', sharedWith: '@b', isPublic: true }), invalidKey);
    assert.throws(() => makeAtKey({ name: 'x', sharedBy: '@a', isLocal: true, isPublic: true }), invalidKey);
  });

  test('normalizeStoredKey lower-cases, trims and drops spaces', () => {
    assert.equal(normalizeStoredKey('  Public:Phone.Wavi@Alice '), 'public:phone.wavi@alice');
  });
});

const atSignChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789_-'.split(''), '🛠', '🦄', '©', '™');
const atSignBody = fc.array(atSignChar, { minLength: 1, maxLength: 10 }).map((chars) => chars.join(''));
const entityChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABC0123456789_-.\'*"'.split(''), '🦄');
const entity = fc
  .array(entityChar, { minLength: 1, maxLength: 20 })
  .map((chars) => chars.join(''))
  // Entities that spell a reserved name would change the key type, which is fine but not this test's subject.
  .filter((text) => !/^(shared_key|publickey|signing_|blocklist|configkey)/i.test(text) && !text.startsWith('_'));

const keyParts: fc.Arbitrary<AtKeyParts> = fc.oneof(
  fc.record({ visibility: fc.constant('public' as const), entity, sharedBy: atSignBody.map((a) => `@${a}`) }),
  fc.record({ entity, sharedBy: atSignBody.map((a) => `@${a}`) }),
  fc.record({ sharedWith: atSignBody.map((a) => `@${a}`), entity, sharedBy: atSignBody.map((a) => `@${a}`) }),
  fc.record({ cached: fc.constant(true), sharedWith: atSignBody.map((a) => `@${a}`), entity, sharedBy: atSignBody.map((a) => `@${a}`) }),
  fc.record({ cached: fc.constant(true), visibility: fc.constant('public' as const), entity, sharedBy: atSignBody.map((a) => `@${a}`) }),
  fc.record({ visibility: fc.constant('local' as const), entity, sharedBy: atSignBody.map((a) => `@${a}`) }),
);

describe('AtKey properties', () => {
  test('random keys round-trip format → parse → format', () => {
    fc.assert(
      fc.property(keyParts, (parts) => {
        const text = formatAtKey(parts);
        const parsed = parseAtKey(text);
        assert.equal(parsed.entity, parts.entity);
        assert.equal(parsed.sharedBy, parts.sharedBy);
        assert.equal(parsed.sharedWith, parts.sharedWith);
        assert.equal(parsed.cached, parts.cached === true);
        assert.equal(parsed.visibility, parts.visibility);
        assert.equal(formatAtKey(parsed), text);
      }),
      { numRuns: 500 },
    );
  });

  test('any text either parses or throws InvalidAtKeyError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (text) => {
        try {
          const key = parseAtKey(text);
          assert.equal(formatAtKey(key).toLowerCase(), text.toLowerCase());
        } catch (error) {
          assert.ok(invalidKey(error), String(error));
        }
      }),
      { numRuns: 1000 },
    );
  });
});
