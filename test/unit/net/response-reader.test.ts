import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ResponseReader, type Framing } from '../../../agent/src/net/response-reader.js';

interface Seen {
  responses: string[];
  notifications: string[];
}

function reader(framing: Framing = 'atserver'): { reader: ResponseReader; seen: Seen } {
  const seen: Seen = { responses: [], notifications: [] };
  const instance = new ResponseReader(
    { onResponse: (text) => seen.responses.push(text), onNotification: (line) => seen.notifications.push(line) },
    framing,
  );
  return { reader: instance, seen };
}

function feed(target: ResponseReader, bytes: Buffer, cuts: readonly number[]): void {
  let at = 0;
  for (const position of [...cuts, bytes.length]) {
    target.push(bytes.subarray(at, position));
    at = position;
  }
}

describe('ResponseReader', () => {
  test('strips the initial lone @ and the prompts that follow each response', () => {
    const { reader: r, seen } = reader();
    r.push(Buffer.from('@'));
    r.push(Buffer.from('data:_abc@alice🛠:def\n@'));
    r.push(Buffer.from('data:success\n@alice🛠@'));
    r.push(Buffer.from('data:12\n@alice🛠@'));
    assert.deepEqual(seen.responses, ['data:_abc@alice🛠:def', 'data:success', 'data:12']);
    assert.equal(r.pending, '@alice🛠@');
  });

  test('a response split at every byte boundary (emoji included) and merged with the next prompt', () => {
    const bytes = Buffer.from('@data:{"key":"@bob🛠:phone.wavi@alice🛠","data":"x"}\n@alice🛠@error:AT0015-key not found : x@alice🛠 does not exist in keystore\n@alice🛠@');
    for (let cut = 1; cut < bytes.length; cut++) {
      const { reader: r, seen } = reader();
      feed(r, bytes, [cut]);
      assert.deepEqual(
        seen.responses,
        ['data:{"key":"@bob🛠:phone.wavi@alice🛠","data":"x"}', 'error:AT0015-key not found : x@alice🛠 does not exist in keystore'],
        `cut at ${cut}`,
      );
    }
    const { reader: r, seen } = reader();
    feed(r, bytes, [...bytes.keys()].slice(1));
    assert.equal(seen.responses.length, 2, 'one byte at a time');
  });

  test('waits for the byte after \\n: a response ends only where a prompt starts', () => {
    const { reader: r, seen } = reader();
    r.push(Buffer.from('@data:line one\n'));
    assert.deepEqual(seen.responses, []);
    r.push(Buffer.from('line two\r\n'));
    assert.deepEqual(seen.responses, []);
    r.push(Buffer.from('@'));
    assert.deepEqual(seen.responses, ['data:line one\nline two']);
  });

  test('accepts \\r\\n line endings', () => {
    const { reader: r, seen } = reader();
    r.push(Buffer.from('@data:ok\r\n@alice@data:1\r\n@alice@'));
    assert.deepEqual(seen.responses, ['data:ok', 'data:1']);
  });

  test('notification lines complete at their newline and are dispatched apart from responses, in fragments', () => {
    const line1 = 'notification: {"id":"n1","from":"@bob","to":"@alice","key":"@alice:x@bob","value":"v","operation":"update","epochMillis":1,"messageType":"MessageType.key","isEncrypted":false,"metadata":null}';
    const line2 = 'notification: {"id":"-1","from":"@alice","to":"@alice","key":"statsNotification.@alice","value":"3","operation":"update","epochMillis":2,"messageType":"MessageType.key","isEncrypted":false,"metadata":null}';
    const stream = Buffer.from(`@alice@${line1}\n${line2}\ndata:ok\n@alice@${line1}\r\n`);
    for (let cut = 1; cut < stream.length; cut += 7) {
      const { reader: r, seen } = reader();
      feed(r, stream, [cut, Math.min(stream.length, cut + 3)]);
      assert.deepEqual(seen.notifications, [line1, line2, line1], `cut at ${cut}`);
      assert.deepEqual(seen.responses, ['data:ok'], `cut at ${cut}`);
    }
  });

  test('bare pol reply completes without a newline', () => {
    const { reader: r, seen } = reader();
    r.push(Buffer.from('@data:proof:_s@bob:p\n@'));
    r.bareReply = true;
    r.push(Buffer.from('@b'));
    assert.deepEqual(seen.responses, ['data:proof:_s@bob:p']);
    r.push(Buffer.from('ob@'));
    assert.deepEqual(seen.responses, ['data:proof:_s@bob:p', '@bob@']);
    assert.equal(r.bareReply, false);
  });

  test('an error answer to pol still completes normally', () => {
    const { reader: r, seen } = reader();
    r.bareReply = true;
    r.push(Buffer.from('@error:AT0011-Exception: no from\n@'));
    assert.deepEqual(seen.responses, ['error:AT0011-Exception: no from']);
  });

  test('line framing (atDirectory) completes at \\n without waiting for the prompt', () => {
    const { reader: r, seen } = reader('line');
    r.push(Buffer.from('@'));
    r.push(Buffer.from('vip.ve.atsign.zone:25000\r\n'));
    assert.deepEqual(seen.responses, ['vip.ve.atsign.zone:25000']);
    r.push(Buffer.from('@null\r\n@'));
    assert.deepEqual(seen.responses, ['vip.ve.atsign.zone:25000', 'null']);
  });

  test('finish() returns a last line written without a prompt before the close', () => {
    const { reader: r, seen } = reader();
    r.push(Buffer.from('@error:AT0012-Inbound connection limit exceeded\n'));
    assert.deepEqual(seen.responses, []);
    assert.equal(r.finish(), 'error:AT0012-Inbound connection limit exceeded');
    const { reader: partial } = reader();
    partial.push(Buffer.from('@data:half'));
    assert.equal(partial.finish(), undefined);
  });
});
