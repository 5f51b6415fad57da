/**
 * `atagent demo` as a user runs it, as a child process: exit 0 with every step in its
 * output, nothing left behind (its temporary directory gone, its ports closed); `--data-dir`
 * kept and reusable; `--keep` serving the printed commands until SIGINT.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { runAtagent, startAtagent, type CliRun } from '../../helpers/atagent-process.js';
import { tempDir } from '../../helpers/temp-dir.js';

const STEPS = [
  '1. start the @platform (atDirectory + one atServer per atSign)',
  '2. register @device and @phone',
  '3. onboard both with their CRAM secrets (CRAM → PKAM, .atKeys written)',
  '4. connect both as AtClients, authenticating with PKAM',
  '5. @device publishes a signed public value',
  '6. @device stores an encrypted self value',
  '7. @phone starts its monitor',
  '8. @device shares an encrypted sensor reading with @phone',
  "9. @phone's monitor receives the notification and decrypts it",
  '10. @phone reads the shared value with get',
  '11. the plaintext never reached a server',
];

/** Whether something accepts TCP connections on localhost:port. */
function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function portsIn(output: string): number[] {
  return [...output.matchAll(/localhost:(\d+)/g)].map((match) => Number(match[1]));
}

function dataDirIn(output: string): string {
  const dir = /^data directory: (\S+)/m.exec(output)?.[1];
  assert.ok(dir !== undefined, output);
  return dir;
}

function assertEveryStep(run: CliRun): void {
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
  let from = 0;
  for (const step of STEPS) {
    const at = run.stdout.indexOf(`${step}\n`, from);
    assert.ok(at >= 0, `missing or out of order: ${step}\n${run.stdout}`);
    from = at;
  }
  assert.match(run.stdout, /decrypted on @phone: "temperature 21\.5 °C at /);
  assert.match(run.stdout, /@phone get temperature\.demo@device → "temperature 21\.5 °C at /);
  assert.match(run.stdout, /data: +\S+… \(88 chars\) +← AES-256-CTR ciphertext/);
  assert.match(run.stdout, /the public value \(stored in clear, as public data is\) is in [1-9]\d* of them/);
  assert.match(run.stdout, /the shared reading and the self value are in 0 of them/);
  assert.match(run.stdout, /done in \d+\.\d s: every step worked\.\n$/);
}

describe('atagent demo (CLI)', () => {
  // The demo's temporary directory goes here, so the test can see that it is removed.
  const tmp = tempDir({ after });
  const environment: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp };

  test('runs every step, exits 0, removes its temporary directory and closes its ports', { timeout: 60_000 }, async () => {
    const run = await runAtagent(['demo'], '', environment);
    assertEveryStep(run);
    assert.equal(run.stderr, '');
    const dataDir = dataDirIn(run.stdout);
    assert.ok(dataDir.startsWith(path.join(tmp, 'atagent-demo-')), dataDir);
    assert.equal(fs.existsSync(dataDir), false, 'the temporary data directory is removed');
    assert.deepEqual(fs.readdirSync(tmp).filter((name) => name.startsWith('atagent-demo-')), []);
    const ports = portsIn(run.stdout);
    assert.ok(ports.length >= 3, run.stdout);
    for (const port of ports) assert.equal(await isListening(port), false, `port ${port} is still open`);
  });

  test('--data-dir keeps the platform and keys; a second run reuses them', { timeout: 60_000 }, async () => {
    const dataDir = path.join(tmp, 'kept');
    const first = await runAtagent(['demo', '--data-dir', dataDir], '', environment);
    assertEveryStep(first);
    assert.equal(fs.statSync(path.join(dataDir, 'keys', '@device_key.atKeys')).mode & 0o777, 0o600);
    const second = await runAtagent(['demo', '--data-dir', dataDir], '', environment);
    assertEveryStep(second);
    assert.match(second.stdout, /@device: onboarded in an earlier run/);
    assert.ok(fs.existsSync(path.join(dataDir, 'keys', '@phone_key.atKeys')));
  });

  test('--keep serves the printed commands until SIGINT, then cleans up and exits 0', { timeout: 60_000 }, async () => {
    const demo = startAtagent(['demo', '--keep'], environment);
    await demo.waitForOutput('  atagent exec ');
    const get = /^ {2}atagent (get .*)$/m.exec(demo.stdout())?.[1];
    assert.ok(get !== undefined, demo.stdout());
    const read = await runAtagent(get.split(' '), '', environment);
    assert.equal(read.code, 0, read.stderr);
    assert.match(read.stdout, /^temperature 21\.5 °C at \S+\n$/);

    demo.child.kill('SIGINT');
    const run = await demo.finish();
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /stopping the @platform\n$/);
    assert.equal(fs.existsSync(dataDirIn(run.stdout)), false);
    for (const port of portsIn(run.stdout)) assert.equal(await isListening(port), false, `port ${port} is still open`);
  });
});
