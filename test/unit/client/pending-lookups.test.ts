import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pendingLookup } from '../../../agent/src/client/pending-lookups.js';

describe('pendingLookup', () => {
  test('concurrent first uses share one request; later uses get the remembered result', async () => {
    const pending = new Map<string, Promise<string>>();
    const started: string[] = [];
    const start = async (name: string) => {
      started.push(name);
      return `key of ${name}`;
    };
    const [first, second] = await Promise.all([pendingLookup(pending, '@bob', start), pendingLookup(pending, '@bob', start)]);
    assert.equal(first, 'key of @bob');
    assert.equal(second, 'key of @bob');
    assert.equal(await pendingLookup(pending, '@bob', start), 'key of @bob');
    assert.deepEqual(started, ['@bob']);
  });

  test('a failed request is forgotten: the next call asks again', async () => {
    const pending = new Map<string, Promise<string>>();
    let calls = 0;
    const start = async () => {
      calls++;
      if (calls === 1) throw new Error('AT0015');
      return 'found';
    };
    await assert.rejects(pendingLookup(pending, '@bob', start), /AT0015/);
    assert.equal(pending.has('@bob'), false);
    assert.equal(await pendingLookup(pending, '@bob', start), 'found');
    assert.equal(calls, 2);
  });
});
