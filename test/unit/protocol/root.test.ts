/** The atDirectory exchange (protocol.md §2). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  formatRootAnswer,
  IllegalArgumentError,
  parseRootAnswer,
  ROOT_EXIT_COMMAND,
  rootLookupCommand,
  UnexpectedResponseError,
} from '../../../agent/src/protocol/index.js';

describe('root lookup', () => {
  test('sends the atSign without its @', () => {
    assert.equal(rootLookupCommand('@Alice🛠'), 'alice🛠');
    assert.equal(rootLookupCommand('bob'), 'bob');
    assert.equal(ROOT_EXIT_COMMAND, '@exit');
  });

  test('reads host:port with or without the CRLF and prompt', () => {
    assert.deepEqual(parseRootAnswer('vip.ve.atsign.zone:25000\r\n@'), { host: 'vip.ve.atsign.zone', port: 25000 });
    assert.deepEqual(parseRootAnswer('vip.ve.atsign.zone:25000'), { host: 'vip.ve.atsign.zone', port: 25000 });
    assert.deepEqual(parseRootAnswer('@3b419d7a-2fee-5080-9289-f0e1853abb47.swarm0002.atsign.zone:5770\r\n'), {
      host: '3b419d7a-2fee-5080-9289-f0e1853abb47.swarm0002.atsign.zone',
      port: 5770,
    });
  });

  test('null, empty and legacy data:null mean the atSign does not exist', () => {
    for (const answer of ['null\r\n@', 'null', '', '@', 'data:null']) assert.equal(parseRootAnswer(answer), null, answer);
  });

  test('anything else is UnexpectedResponseError', () => {
    for (const answer of ['host', 'host:', ':64', 'host:port', 'host:0', 'host:70000']) {
      assert.throws(() => parseRootAnswer(answer), (e: unknown) => e instanceof UnexpectedResponseError, answer);
    }
  });

  test('root answers as the reference writes them', () => {
    assert.equal(formatRootAnswer({ host: 'vip.ve.atsign.zone', port: 25000 }), 'vip.ve.atsign.zone:25000\r\n@');
    assert.equal(formatRootAnswer(null), 'null\r\n@');
    assert.throws(() => formatRootAnswer({ host: 'a b', port: 1 }), (e: unknown) => e instanceof IllegalArgumentError);
    assert.throws(() => formatRootAnswer({ host: 'a', port: 0 }), (e: unknown) => e instanceof IllegalArgumentError);
  });
});
