import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { allowedIdleMs } from '../../../../agent/src/server/atserver/idle-policy.js';
import { DEFAULT_LIMITS } from '../../../../agent/src/server/index.js';
import { isCommitted } from '../../../../agent/src/server/atserver/keys/commit-policy.js';
import { isProtectedKey } from '../../../../agent/src/server/atserver/keys/protected-keys.js';
import { visibleName } from '../../../../agent/src/server/atserver/scan-visibility.js';
import { clientRegex } from '../../../../agent/src/server/atserver/regex-cache.js';

describe('idle policy (server.md §2.2)', () => {
  test('full allowance up to half the pool, then shrinking linearly to the minimum', () => {
    const limits = DEFAULT_LIMITS;
    assert.equal(allowedIdleMs(false, 100, limits), 10 * 60_000);
    assert.equal(allowedIdleMs(true, 100, limits), 30 * 24 * 60 * 60_000);
    assert.equal(allowedIdleMs(false, 200, limits), 5_000);
    assert.equal(allowedIdleMs(true, 200, limits), 60_000);
    assert.equal(allowedIdleMs(false, 150, limits), Math.round(600_000 - (600_000 - 5_000) / 2));
    assert.equal(allowedIdleMs(false, 400, limits), 5_000);
  });
});

describe('commit policy (server.md §4.1)', () => {
  test('private, privatekey, local and single-underscore public keys are not committed', () => {
    for (const key of ['private:blocklist@a', 'privatekey:at_secret', 'local:x@a', 'public:_proof@a']) assert.equal(isCommitted(key), false, key);
    for (const key of ['public:__x@a', 'public:x@a', 'x@a', '@b:x@a', 'cached:public:x@b', '_hidden@a']) assert.equal(isCommitted(key), true, key);
  });
});

describe('protected keys (server.md §3.4)', () => {
  test('signing keys, encryption public key and the PKAM key; never cached copies', () => {
    for (const key of ['signing_publickey@a', 'signing_privatekey@a', 'publickey@a', 'privatekey:at_pkam_publickey']) assert.equal(isProtectedKey(key, '@a', false), true, key);
    assert.equal(isProtectedKey('publickey@a', '@a', true), false);
    assert.equal(isProtectedKey('publickey@b', '@a', false), false);
    assert.equal(isProtectedKey('phone@a', '@a', false), false);
  });
});

describe('scan visibility (protocol.md §7.5)', () => {
  const owner = { kind: 'owner' } as const;
  const anonymous = { kind: 'anonymous' } as const;
  const bob = { kind: 'pol', atSign: '@bob' } as const;

  test('owner: all but private; hidden only with showHidden (public:_ never)', () => {
    assert.equal(visibleName('phone@a', owner, false), 'phone@a');
    assert.equal(visibleName('privatekey:at_secret', owner, true), undefined);
    assert.equal(visibleName('private:blocklist@a', owner, true), undefined);
    assert.equal(visibleName('_x@a', owner, false), undefined);
    assert.equal(visibleName('_x@a', owner, true), '_x@a');
    assert.equal(visibleName('public:_x@a', owner, true), undefined);
    assert.equal(visibleName('public:__x@a', owner, true), 'public:__x@a');
    assert.equal(visibleName('@bob:_x@a', owner, false), '@bob:_x@a');
  });

  test('pol: its own shared keys, prefix removed; anonymous: public non-hidden, prefix removed', () => {
    assert.equal(visibleName('@bob:phone@a', bob, false), 'phone@a');
    assert.equal(visibleName('@colin:phone@a', bob, false), undefined);
    assert.equal(visibleName('public:x@a', bob, false), undefined);
    assert.equal(visibleName('public:x@a', anonymous, false), 'x@a');
    assert.equal(visibleName('public:_x@a', anonymous, true), undefined);
    assert.equal(visibleName('x@a', anonymous, true), undefined);
  });
});

describe('client regexes', () => {
  test('compiled once and reused; invalid ones are AT0003', () => {
    assert.equal(clientRegex('\\.wavi'), clientRegex('\\.wavi'));
    assert.throws(() => clientRegex('(['), /AT0003/);
  });
});
