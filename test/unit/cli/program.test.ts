/**
 * The program loads only the module of the command being run (a long-running `atagent
 * server` must not carry the client library), and every command for help or an unknown name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProgram } from '../../../agent/src/cli/program.js';
import { CLI_COMMANDS } from '../../../agent/src/cli/commands.js';

const names = async (...args: string[]) => (await buildProgram(['node', 'atagent', ...args])).commands.map((command) => command.name());

test('a named command: only its module is registered', async () => {
  assert.deepEqual(await names('server', '--data-dir', '/tmp/x'), ['server']);
  assert.deepEqual(await names('get', 'k'), ['get']);
});

test('no command, help or an unknown one: every command, in the listed order', async () => {
  const all = CLI_COMMANDS.map((entry) => entry.name);
  assert.deepEqual(await names(), all);
  assert.deepEqual(await names('--help'), all);
  assert.deepEqual(await names('frobnicate'), all);
});
