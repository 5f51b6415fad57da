import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { formatNotification, sdNotify, SdNotifyError } from '../../../agent/src/daemon/sd-notify.js';

// A real AF_UNIX datagram receiver, like systemd's: binds `address` (a path, or "@name" for
// an abstract socket), prints "ready", then prints each datagram it gets as a JSON string.
const RECEIVER = `
import json, socket, sys
address = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind('\\0' + address[1:] if address.startswith('@') else address)
print('ready', flush=True)
while True:
    data = s.recv(65536)
    print(json.dumps(data.decode('utf-8')), flush=True)
`;

interface Receiver {
  next(): Promise<string>;
  close(): Promise<void>;
}

async function startReceiver(address: string): Promise<Receiver> {
  const child: ChildProcessWithoutNullStreams = spawn('python3', ['-c', RECEIVER, address]);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  assert.equal(first.value, 'ready');
  return {
    async next() {
      const line = await lines.next();
      assert.equal(line.done, false, 'receiver ended');
      return JSON.parse(line.value as string) as string;
    },
    async close() {
      child.kill();
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    },
  };
}

describe('sdNotify against a real datagram socket', () => {
  test('returns false when NOTIFY_SOCKET is unset or empty', () => {
    assert.equal(sdNotify({ READY: '1' }, {}), false);
    assert.equal(sdNotify('READY=1', { NOTIFY_SOCKET: '' }), false);
  });

  test('delivers READY, STATUS and WATCHDOG to a pathname socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atagent-notify-'));
    const address = join(dir, 'notify.sock');
    const receiver = await startReceiver(address);
    try {
      const env = { NOTIFY_SOCKET: address };
      assert.equal(sdNotify({ READY: '1', STATUS: 'publishing 3 sensors ✓' }, env), true);
      assert.equal(await receiver.next(), 'READY=1\nSTATUS=publishing 3 sensors ✓');
      assert.equal(sdNotify({ WATCHDOG: '1' }, env), true);
      assert.equal(await receiver.next(), 'WATCHDOG=1');
      assert.equal(sdNotify('STOPPING=1', env), true);
      assert.equal(await receiver.next(), 'STOPPING=1');
    } finally {
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('delivers to an abstract socket named with a leading @', async () => {
    const address = `@atagent-test-${process.pid}-${randomBytes(4).toString('hex')}`;
    const receiver = await startReceiver(address);
    try {
      assert.equal(sdNotify({ READY: '1' }, { NOTIFY_SOCKET: address }), true);
      assert.equal(await receiver.next(), 'READY=1');
    } finally {
      await receiver.close();
    }
  });

  test('a socket nobody listens on raises SdNotifyError naming the socket and the reason', () => {
    const missing = join(tmpdir(), `atagent-missing-${randomBytes(4).toString('hex')}.sock`);
    assert.throws(
      () => sdNotify({ READY: '1' }, { NOTIFY_SOCKET: missing }),
      (e: unknown) => e instanceof SdNotifyError && e.code === 'ERR_ATAGENT_SD_NOTIFY' && e.message.includes(missing) && /No such file/.test(e.message),
    );
    assert.throws(
      () => sdNotify({ READY: '1' }, { NOTIFY_SOCKET: `@atagent-nobody-${randomBytes(4).toString('hex')}` }),
      (e: unknown) => e instanceof SdNotifyError && /Connection refused/.test(e.message),
    );
  });

  test('unsupported or oversized addresses raise SdNotifyError', () => {
    for (const address of ['vsock:2:1234', 'relative/path.sock', '@', `/${'x'.repeat(200)}`]) {
      assert.throws(() => sdNotify({ READY: '1' }, { NOTIFY_SOCKET: address }), SdNotifyError, address);
    }
  });

  test('malformed state raises TypeError before anything is sent', () => {
    assert.throws(() => formatNotification({ STATUS: 'two\nlines' }), TypeError);
    assert.throws(() => formatNotification({ 'bad key': '1' }), TypeError);
    assert.equal(formatNotification({ READY: '1', MAINPID: '42' }), 'READY=1\nMAINPID=42');
  });
});
