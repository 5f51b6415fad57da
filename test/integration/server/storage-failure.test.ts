/**
 * A storage failure reaches the client as AT0002 and closes that connection (server.md §11);
 * the process stays up and keeps serving what it has. The failure is real: the server runs
 * as a child process under a file-size limit (`ulimit -f`, EFBIG), so its log cannot grow.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAtagentServer, type StartedServer } from '../../helpers/atagent-process.js';
import { LineClient } from '../../helpers/line-client.js';
import { cramLogin } from '../../helpers/platform.js';
import { tempDir } from '../../helpers/temp-dir.js';

const ATSIGN = '@fullstore';

test('a write the disk refuses is AT0002 and closes; the server keeps serving', async (t) => {
  let server: StartedServer | undefined;
  // Registered first so that it runs first: the process is gone before its directory is removed.
  t.after(async () => {
    server?.child.kill('SIGKILL');
    await server?.finish();
  });
  server = await startAtagentServer(tempDir(t), ['--atsign', ATSIGN], ['/bin/sh', '-c', 'ulimit -f 1024 && exec "$0" "$@"']);
  const secret = /CRAM secret \(shown once\): ([0-9a-f]{128})/.exec(server.output())?.[1] ?? '';
  const port = server.port(ATSIGN);
  const ca = server.caPem;
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
  assert.equal(server.child.exitCode, null, 'the server process is still running');
});
