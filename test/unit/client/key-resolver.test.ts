import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KeyResolver } from '../../../agent/src/client/index.js';
import { InvalidAtKeyError, parseAtKey } from '../../../agent/src/protocol/index.js';

describe('KeyResolver (SDK key conventions)', () => {
  const withNamespace = new KeyResolver('@Alice', 'wavi');
  const without = new KeyResolver('alice', undefined);

  test('short forms get the owner and the namespace', () => {
    const cases: [string, string][] = [
      ['phone', 'phone.wavi@alice'],
      ['@bob:phone', '@bob:phone.wavi@alice'],
      ['public:location', 'public:location.wavi@alice'],
      ['Phone@ALICE', 'phone.wavi@alice'],
      ['@bob:phone@alice', '@bob:phone.wavi@alice'],
      ['_hidden', '_hidden.wavi@alice'],
      ['phone@bob', 'phone.wavi@bob'],
    ];
    for (const [input, expected] of cases) assert.equal(withNamespace.resolve(input).text, expected, input);
    assert.equal(without.resolve('phone').text, 'phone@alice');
  });

  test('keys with a namespace, reserved keys, cached copies and keys ending in @ are kept', () => {
    const cases: [string, string][] = [
      ['phone.home', 'phone.home@alice'],
      ['@bob:phone.buzz@alice', '@bob:phone.buzz@alice'],
      ['shared_key.bob@alice', 'shared_key.bob@alice'],
      ['@bob:shared_key@alice', '@bob:shared_key@alice'],
      ['public:publickey@alice', 'public:publickey@alice'],
      ['cached:@alice:phone@bob', 'cached:@alice:phone@bob'],
      ['public:location@', 'public:location@alice'],
      ['public:location@bob@', 'public:location@bob'],
      ['privatekey:at_secret', 'privatekey:at_secret'],
    ];
    for (const [input, expected] of cases) assert.equal(withNamespace.resolve(input).text, expected, input);
  });

  test('AtKey objects and specs', () => {
    assert.equal(withNamespace.resolve(parseAtKey('@bob:phone@alice')).text, '@bob:phone.wavi@alice');
    assert.equal(withNamespace.resolve({ entity: 'phone', sharedWith: 'BOB' }).text, '@bob:phone.wavi@alice');
    assert.equal(withNamespace.resolve({ name: 'phone', sharedWith: '@bob' }).text, '@bob:phone.wavi@alice');
    assert.equal(withNamespace.resolve({ name: 'location', isPublic: true, namespace: '' }).text, 'public:location@alice');
    assert.equal(withNamespace.resolve({ name: 'x', namespace: 'buzz', sharedBy: '@bob' }).text, 'x.buzz@bob');
  });

  test('bad keys and namespaces are refused with AT0016', () => {
    for (const bad of ['', 'a b', '@bob:', 'public:@bob:x']) {
      assert.throws(() => withNamespace.resolve(bad), (error: unknown) => error instanceof Error && 'code' in error, bad);
    }
    assert.throws(() => new KeyResolver('@alice', 'wa.vi'), InvalidAtKeyError);
  });
});
