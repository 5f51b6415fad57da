import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CliUsageError, runAction } from '../../../agent/src/cli/run-action.js';

test('runAction reports any thrown value on stderr and sets the exit code, even null', async (t) => {
  const written: string[] = [];
  t.mock.method(process.stderr, 'write', (chunk: string) => written.push(chunk));
  const previous = process.exitCode;
  t.after(() => {
    process.exitCode = previous;
  });
  for (const [thrown, line, code] of [
    [null, 'atagent: null\n', 1],
    [undefined, 'atagent: undefined\n', 1],
    [new CliUsageError('bad flag'), 'atagent: bad flag\n', 2],
  ] as const) {
    written.length = 0;
    await runAction(async () => {
      throw thrown;
    })();
    assert.deepEqual(written, [line]);
    assert.equal(process.exitCode, code);
  }
});
