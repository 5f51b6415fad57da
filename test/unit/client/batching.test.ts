/**
 * Puts queued behind a command in flight travel as one `batch` (the connection coalesces,
 * batchCodec speaks the verb), over real TLS to a scripted server: each put still gets its
 * own answer, order is kept around commands that are not batchable, and a server that
 * refuses batches gets the commands one by one from then on.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { batchCodec } from '../../../agent/src/client/batch-codec.js';
import { AtServerError } from '../../../agent/src/protocol/index.js';
import { withScriptedConnection } from '../net/support/scripted-peer.js';

const PROMPT = '\n@alice@';
const batchOf = (...commands: string[]) => `batch:${JSON.stringify(commands.map((command, index) => ({ id: index + 1, command })))}`;

describe('batching queued puts', () => {
  test('queued batchable commands go as one batch; each gets its own answer; order is kept', async () => {
    const lines = await withScriptedConnection(
      [
        { expect: 'update:a@alice 1', reply: `data:1${PROMPT}` },
        {
          expect: batchOf('update:b@alice 2', 'update:c@alice 3'),
          reply: `data:[{"id":1,"response":{"data":"2"}},{"id":2,"response":{"error_code":"AT0016","error_message":"You may not update keys of type KeyType.invalidKey"}}]${PROMPT}`,
        },
        { expect: 'llookup:b@alice', reply: `data:2${PROMPT}` },
        { expect: 'update:d@alice 4', reply: `data:4${PROMPT}` },
      ],
      async (connection) => {
        const put = (command: string) => connection.data(command, { batchable: true });
        const results = await Promise.allSettled([
          put('update:a@alice 1'),
          put('update:b@alice 2'),
          put('update:c@alice 3'),
          connection.data('llookup:b@alice'),
          put('update:d@alice 4'),
        ]);
        assert.deepEqual(results[0], { status: 'fulfilled', value: '1' });
        assert.deepEqual(results[1], { status: 'fulfilled', value: '2' });
        assert.equal(results[2]?.status, 'rejected');
        const error = (results[2] as PromiseRejectedResult).reason;
        assert.ok(error instanceof AtServerError);
        assert.equal(error.code, 'AT0016');
        assert.deepEqual(results[3], { status: 'fulfilled', value: '2' });
        assert.deepEqual(results[4], { status: 'fulfilled', value: '4' });
      },
      { batcher: batchCodec },
    );
    assert.equal(lines.filter((line) => line !== '@exit').length, 4);
  });

  test('a server that refuses batch gets the same commands one by one, and no batch again', async () => {
    await withScriptedConnection(
      [
        { expect: 'update:a@alice 1', reply: `data:1${PROMPT}` },
        { expect: batchOf('update:b@alice 2', 'update:c@alice 3'), reply: `error:AT0003-Invalid syntax${PROMPT}` },
        { expect: 'update:b@alice 2', reply: `data:2${PROMPT}` },
        { expect: 'update:c@alice 3', reply: `data:3${PROMPT}` },
        { expect: 'noop:0', reply: `data:ok${PROMPT}` },
        { expect: 'update:d@alice 4', reply: `data:4${PROMPT}` },
        { expect: 'update:e@alice 5', reply: `data:5${PROMPT}` },
      ],
      async (connection) => {
        const put = (command: string) => connection.data(command, { batchable: true });
        assert.deepEqual(await Promise.all([put('update:a@alice 1'), put('update:b@alice 2'), put('update:c@alice 3')]), ['1', '2', '3']);
        assert.deepEqual(await Promise.all([connection.data('noop:0'), put('update:d@alice 4'), put('update:e@alice 5')]), ['ok', '4', '5']);
      },
      { batcher: batchCodec },
    );
  });

  test('batches are cut at the command limit', () => {
    const commands = Array.from({ length: 250 }, (_, i) => `update:k${i}@alice ${i}`);
    const combined = batchCodec.combine(commands.slice(0, batchCodec.maxCommands));
    assert.equal(JSON.parse(combined.slice('batch:'.length)).length, 100);
    const reply = `data:${JSON.stringify(commands.slice(0, 3).map((_, i) => ({ id: i + 1, response: { data: String(i) } })))}`;
    assert.deepEqual(batchCodec.split(reply, 3), ['data:0', 'data:1', 'data:2']);
    assert.equal(batchCodec.split(reply, 4), undefined, 'a reply for the wrong number of commands is not trusted');
    assert.equal(batchCodec.split('data:not json', 1), undefined);
  });
});
