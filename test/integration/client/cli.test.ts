/**
 * The CLI end to end on our platform, as child processes: put/get/delete/scan between two
 * demo atSigns, raw exec, and notify → monitor with decryption.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runAtagent as atagent, startAtagent } from '../../helpers/atagent-process.js';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform.js';

const ALICE = '@alice🛠';
const BOB = '@bob🛠';

describe('atagent CLI on our platform', () => {
  let env: TestPlatform;
  let files: Map<string, string>;
  const run = Date.now().toString(36);
  const as = (atSign: string) => ['--atsign', atSign, '--keys', files.get(atSign) ?? '', '--root', env.platform.root, '--ca', env.platform.caPath];

  before(async () => {
    env = await startTestPlatform(null, { demo: [ALICE, BOB] });
    files = env.atKeysFiles();
  });

  after(async () => {
    await env?.close();
  });

  test('put then get: self, shared with bob, public', { timeout: 60_000 }, async () => {
    const put = await atagent(['put', ...as(ALICE), '-n', 'cli', `note-${run}`, 'hello from the CLI']);
    assert.equal(put.code, 0, put.stderr);
    assert.match(put.stdout, /^\d+\n$/);
    const get = await atagent(['get', ...as(ALICE), '-n', 'cli', `note-${run}`]);
    assert.deepEqual([get.code, get.stdout, get.stderr], [0, 'hello from the CLI\n', '']);

    assert.equal((await atagent(['put', ...as(ALICE), '-n', 'cli', `@bob🛠:msg-${run}`], 'piped in\n')).code, 0);
    const bobGets = await atagent(['get', ...as(BOB), '-n', 'cli', `msg-${run}@alice🛠`]);
    assert.deepEqual([bobGets.code, bobGets.stdout], [0, 'piped in\n']);

    assert.equal((await atagent(['put', ...as(ALICE), `public:where-${run}.cli`, 'Hyderabad'])).code, 0);
    const pub = await atagent(['get', ...as(BOB), `public:where-${run}.cli@alice🛠`]);
    assert.deepEqual([pub.code, pub.stdout], [0, 'Hyderabad\n']);
  });

  test('scan, delete, and a clear error for what is gone', { timeout: 60_000 }, async () => {
    const scan = await atagent(['scan', ...as(ALICE), run]);
    assert.equal(scan.code, 0, scan.stderr);
    assert.ok(scan.stdout.split('\n').includes(`note-${run}.cli${ALICE}`), scan.stdout);
    assert.equal((await atagent(['delete', ...as(ALICE), '-n', 'cli', `note-${run}`])).code, 0);
    const gone = await atagent(['get', ...as(ALICE), '-n', 'cli', `note-${run}`]);
    assert.equal(gone.code, 1);
    assert.equal(gone.stdout, '');
    assert.match(gone.stderr, /^atagent: AT0015: .*does not exist/);
  });

  test('exec sends raw verbs after authenticating', { timeout: 60_000 }, async () => {
    const exec = await atagent(['exec', ...as(ALICE), 'noop:0', `llookup:public:where-${run}.cli${ALICE}`]);
    assert.deepEqual([exec.code, exec.stdout], [0, 'data:ok\ndata:Hyderabad\n']);
    const anonymous = await atagent(['exec', '--no-auth', ...as(ALICE), `llookup:public:where-${run}.cli${ALICE}`]);
    assert.equal(anonymous.code, 1);
    assert.match(anonymous.stdout, /^error:AT0401/);
  });

  test('notify → monitor prints the decrypted notification as one JSON line', { timeout: 60_000 }, async () => {
    const monitor = startAtagent(['monitor', ...as(BOB), '--count', '1', `ping-${run}`]);
    const done = monitor.finish();
    // The monitor says on stderr when the server is monitoring; notify after that.
    await monitor.waitForOutput('atagent: monitoring', 'stderr');
    const notify = await atagent(['notify', ...as(ALICE), '-n', 'cli', `@bob🛠:ping-${run}`, 'pong']);
    assert.equal(notify.code, 0, notify.stderr);
    const result = await done;
    assert.equal(result.code, 0, result.stderr);
    const line = JSON.parse(result.stdout.trim().split('\n')[0] ?? '{}');
    assert.equal(line.from, ALICE);
    assert.equal(line.key, `${BOB}:ping-${run}.cli${ALICE}`);
    assert.equal(line.value, 'pong');
    assert.equal(line.decrypted, true);
  });
});
