import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { integerFlag } from '../../../agent/src/cli/flag-values.js';

test('integer flags take whole numbers in range and name the flag otherwise', () => {
  const ttr = integerFlag('--ttr', -1);
  assert.equal(ttr('-1'), -1);
  assert.equal(ttr('86400'), 86400);
  const port = integerFlag('--root-port', 0, 65535);
  assert.equal(port('0'), 0);
  assert.equal(port('65535'), 65535);
  for (const [parse, value, message] of [
    [ttr, '-2', '--ttr must be an integer >= -1'],
    [ttr, '1.5', '--ttr must be an integer >= -1'],
    [ttr, '1e3', '--ttr must be an integer >= -1'],
    [ttr, '', '--ttr must be an integer >= -1'],
    [ttr, '9007199254740993', '--ttr must be an integer >= -1'],
    [port, '65536', '--root-port must be an integer from 0 to 65535'],
    [port, ' 80', '--root-port must be an integer from 0 to 65535'],
  ] as const) {
    assert.throws(() => parse(value), (error: unknown) => error instanceof InvalidArgumentError && error.message === message, `${value}`);
  }
});
