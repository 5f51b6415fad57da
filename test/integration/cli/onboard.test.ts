/**
 * `atagent onboard` end to end as a child process against our platform: the CRAM secret from
 * a file, from stdin and (with a warning) from argv; the keys it writes then work with
 * put/get; a wrong secret is one clear line, exit 1, no file; the secret is never printed.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { loadAtKeys } from '../../../agent/src/crypto/index.js';
import { atagentCommandLine, REPOSITORY, runAtagent } from '../../helpers/atagent-process.js';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform.js';
import { tempDir } from '../../helpers/temp-dir.js';

const FROM_FILE = '@fromfile';
const FROM_STDIN = '@fromstdin';
const FROM_ARGV = '@fromargv';
const WRONG = '@cliwrong';
const TYPED = '@typed';

/** Single-quoted for sh. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

describe('atagent onboard (CLI)', () => {
  let env: TestPlatform;
  const dir = tempDir({ after });
  const keysOf = (atSign: string) => path.join(dir, `${atSign}_key.atKeys`);
  const secretOf = (atSign: string) => env.cramSecrets.get(atSign) ?? '';
  const connection = (atSign: string) => ['--atsign', atSign, '--keys', keysOf(atSign), '--root', env.platform.root, '--ca', env.platform.caPath];

  before(async () => {
    env = await startTestPlatform(null, { atSigns: [FROM_FILE, FROM_STDIN, FROM_ARGV, WRONG, TYPED] });
  });

  after(async () => {
    await env?.close();
  });

  test('with the secret in a file: keys written 0600, then put and get work with them', { timeout: 60_000 }, async () => {
    const secretFile = path.join(dir, 'cram-secret');
    fs.writeFileSync(secretFile, `${secretOf(FROM_FILE)}\n`, { mode: 0o600 });
    const run = await runAtagent(['onboard', ...connection(FROM_FILE), '--cram-secret-file', secretFile]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.match(run.stdout, /^onboarding @fromfile \(atDirectory localhost:\d+\)\n/);
    assert.match(run.stdout, /  - authenticate with the CRAM secret\n/);
    assert.match(run.stdout, /  - disable CRAM \(delete:privatekey:at_secret\)\n/);
    assert.match(run.stdout, /@fromfile is onboarded \(atServer localhost:\d+\); CRAM is now disabled\./);
    assert.ok(!run.stdout.includes(secretOf(FROM_FILE)), 'the secret is not printed');
    assert.equal(fs.statSync(keysOf(FROM_FILE)).mode & 0o777, 0o600);
    assert.equal((await loadAtKeys(keysOf(FROM_FILE))).atSign, FROM_FILE);

    const put = await runAtagent(['put', ...connection(FROM_FILE), '-n', 'cli', 'hello', 'from a freshly onboarded device']);
    assert.equal(put.code, 0, put.stderr);
    const get = await runAtagent(['get', ...connection(FROM_FILE), '-n', 'cli', 'hello']);
    assert.deepEqual([get.code, get.stdout], [0, 'from a freshly onboarded device\n']);
  });

  test('with the secret piped on stdin (the default), and with --cram-secret-file -', { timeout: 60_000 }, async () => {
    const piped = await runAtagent(['onboard', ...connection(FROM_STDIN)], `${secretOf(FROM_STDIN)}\n`);
    assert.equal(piped.code, 0, piped.stderr);
    assert.match(piped.stdout, /@fromstdin is onboarded/);
    assert.equal((await loadAtKeys(keysOf(FROM_STDIN))).atSign, FROM_STDIN);

    // Onboarded now: the same secret on stdin again is refused by the server, clearly.
    const again = await runAtagent(['onboard', ...connection(FROM_STDIN), '--keys', path.join(dir, 'second.atKeys'), '--cram-secret-file', '-'], secretOf(FROM_STDIN));
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^atagent: AT0401: onboarding @fromstdin failed at step 'authenticate with the CRAM secret': .*already onboarded/);
    assert.equal(fs.existsSync(path.join(dir, 'second.atKeys')), false);
  });

  test('with the secret on the command line: works, with a warning about ps', { timeout: 60_000 }, async () => {
    const run = await runAtagent(['onboard', ...connection(FROM_ARGV), '--cram-secret', secretOf(FROM_ARGV)]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^atagent: warning: a secret on the command line is visible to other users \(ps\)/);
    assert.ok(fs.existsSync(keysOf(FROM_ARGV)));
  });

  test('typed at a terminal: prompted on the terminal, not echoed', { timeout: 60_000 }, async () => {
    // script(1) (util-linux, in every Debian) gives the CLI a pseudo-terminal as stdin.
    const atagent = atagentCommandLine(['onboard', ...connection(TYPED)]);
    const child = spawn('script', ['-q', '-e', '-c', atagent.map(shellQuote).join(' '), '/dev/null'], { cwd: REPOSITORY });
    let terminal = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        terminal += chunk;
        if (terminal.includes('CRAM secret (not shown): ')) resolve();
      });
      void exited.then(() => reject(new Error(`ended before prompting:\n${terminal}`)));
    });
    child.stdin.write(`${secretOf(TYPED)}\r`);
    const code = await exited;
    assert.equal(code, 0, terminal);
    assert.match(terminal, /@typed is onboarded/);
    assert.ok(!terminal.includes(secretOf(TYPED)), 'the typed secret is not echoed');
    assert.equal((await loadAtKeys(keysOf(TYPED))).atSign, TYPED);
  });

  test('a wrong secret: exit 1, one line naming AT0401, no keys file, the secret not echoed', { timeout: 60_000 }, async () => {
    const wrong = 'a'.repeat(128);
    const run = await runAtagent(['onboard', ...connection(WRONG)], wrong);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^atagent: AT0401: onboarding @cliwrong failed at step 'authenticate with the CRAM secret': the atServer refused the CRAM secret/);
    assert.equal(run.stderr.split('\n').filter(Boolean).length, 1, run.stderr);
    assert.ok(!run.stderr.includes(wrong) && !run.stdout.includes(wrong));
    assert.equal(fs.existsSync(keysOf(WRONG)), false);
  });

  test('usage errors: both secret flags, an empty secret, no atSign', { timeout: 60_000 }, async () => {
    const both = await runAtagent(['onboard', ...connection(WRONG), '--cram-secret', 'x', '--cram-secret-file', '-']);
    assert.deepEqual([both.code, both.stderr], [2, 'atagent: give --cram-secret or --cram-secret-file, not both\n']);
    const empty = await runAtagent(['onboard', ...connection(WRONG)], '\n');
    assert.deepEqual([empty.code, empty.stderr], [2, 'atagent: the CRAM secret is empty\n']);
    const unnamed = await runAtagent(['onboard', '--root', env.platform.root], 'x', { ...process.env, ATAGENT_ATSIGN: '' });
    assert.equal(unnamed.code, 2);
    assert.match(unnamed.stderr, /which atSign\?/);
  });
});
