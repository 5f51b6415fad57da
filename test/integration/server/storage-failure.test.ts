/**
 * A storage failure reaches the client as AT0002 and closes that connection (server.md §11);
 * the process stays up and keeps serving what it has. The failure is real: the server runs
 * as a child process under a file-size limit (`ulimit -f`, EFBIG), so its log cannot grow.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineClient } from '../../helpers/line-client.js';
import { cramLogin } from '../../helpers/platform.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ATSIGN = '@fullstore';

test('a write the disk refuses is AT0002 and closes; the server keeps serving', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atagent-full-'));
  const child = spawn(
    '/bin/sh',
    ['-c', 'ulimit -f 1024 && exec "$0" "$@"', process.execPath, '--conditions=atagent:source', '--import', 'tsx', 'agent/src/cli/main.ts', 'server', '--data-dir', dataDir, '--atsign', ATSIGN],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  t.after(() => {
    child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  while (!output.includes('atagent server: root')) {
    const exited = once(child, 'exit').then(() => {
      throw new Error(`server exited:\n${output}`);
    });
    await Promise.race([once(child.stdout, 'data'), exited]);
  }
  const secret = /CRAM secret \(shown once\): ([0-9a-f]{128})/.exec(output)?.[1] ?? '';
  const ready = JSON.parse(fs.readFileSync(path.join(dataDir, 'ready.json'), 'utf8')) as { ca: string; atSigns: Record<string, string> };
  const port = Number(ready.atSigns[ATSIGN]?.split(':')[1]);
  const ca = fs.readFileSync(ready.ca, 'utf8');
  const writer = await LineClient.connect(port, { ca });
  await cramLogin(writer, ATSIGN, secret);
  assert.match(await writer.data(`update:first${ATSIGN} kept`), /^\d+$/);
  const value = 'x'.repeat(100 * 1024);
  let failure = '';
  for (let i = 0; i < 20 && failure === ''; i++) {
    const reply = await writer.send(`update:big${i}${ATSIGN} ${value}`);
    if (reply.line.startsWith('error:')) failure = reply.line;
  }
  assert.match(failure, /^error:AT0002-DataStore exception : /);
  await writer.waitClosed();
  const reader = await LineClient.connect(port, { ca });
  await cramLogin(reader, ATSIGN, secret);
  assert.equal(await reader.data(`llookup:first${ATSIGN}`), 'kept');
  assert.equal(child.exitCode, null, 'the server process is still running');
});
