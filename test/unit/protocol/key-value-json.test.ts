/** llookup/lookup `all` answers and sync entries. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  formatLookupAll,
  formatSyncEntries,
  parseLookupAll,
  parseSyncEntries,
  UnexpectedResponseError,
} from '../../../agent/src/protocol/index.js';

const created = new Date(Date.UTC(2024, 9, 24, 1, 35, 2, 123));

describe('lookup all answers', () => {
  test('written as the reference writes them, nulls left out of metaData', () => {
    const text = formatLookupAll({ key: 'public:publickey@bob', data: 'MIIBIj', metaData: { createdBy: '@bob', createdAt: created, version: 0, ttr: -1, isEncrypted: false } });
    assert.equal(
      text,
      '{"key":"public:publickey@bob","data":"MIIBIj","metaData":{"createdBy":"@bob","createdAt":"2024-10-24 01:35:02.123Z","version":0,"ttr":-1,"isEncrypted":false}}',
    );
    assert.deepEqual(parseLookupAll(text), { key: 'public:publickey@bob', data: 'MIIBIj', metaData: { createdBy: '@bob', createdAt: created, version: 0, ttr: -1, isEncrypted: false } });
  });

  test('reads inactive keys and answers without metadata', () => {
    assert.deepEqual(parseLookupAll('{"key":"cached:@alice:phone@bob","data":null,"metaData":null}'), { key: 'cached:@alice:phone@bob', data: null, metaData: {} });
  });

  test('refuses unusable answers', () => {
    for (const bad of ['nope', '[]', '{"data":"x"}', '{"key":"k","data":5}', '{"key":"k","metaData":{"ttl":"x"}}']) {
      assert.throws(() => parseLookupAll(bad), (e: unknown) => e instanceof UnexpectedResponseError, bad);
    }
  });
});

describe('sync entries', () => {
  test('metadata values are all strings; deletes carry nulls', () => {
    const text = formatSyncEntries([
      { atKey: '@bob:phone.wavi@alice', value: 'Q1Q=', metadata: { createdBy: '@alice', version: 0, isEncrypted: true }, commitId: 43, operation: '*' },
      { atKey: 'old@alice', value: null, metadata: null, commitId: 44, operation: '-' },
    ]);
    assert.equal(
      text,
      '[{"atKey":"@bob:phone.wavi@alice","value":"Q1Q=","metadata":{"createdBy":"@alice","version":"0","isEncrypted":"true"},"commitId":43,"operation":"*"},' +
        '{"atKey":"old@alice","value":null,"metadata":null,"commitId":44,"operation":"-"}]',
    );
    assert.deepEqual(parseSyncEntries(text), [
      { atKey: '@bob:phone.wavi@alice', value: 'Q1Q=', metadata: { createdBy: '@alice', version: 0, isEncrypted: true }, commitId: 43, operation: '*' },
      { atKey: 'old@alice', value: null, metadata: null, commitId: 44, operation: '-' },
    ]);
    assert.deepEqual(parseSyncEntries('[]'), []);
  });

  test('refuses unusable entries', () => {
    for (const bad of ['{}', '[{"commitId":1,"operation":"+"}]', '[{"atKey":"k","commitId":"x","operation":"+"}]', '[{"atKey":"k","commitId":1,"operation":"?"}]']) {
      assert.throws(() => parseSyncEntries(bad), (e: unknown) => e instanceof UnexpectedResponseError, bad);
    }
  });
});
