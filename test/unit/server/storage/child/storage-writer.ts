/**
 * Child process for the storage crash tests. Opens the atServer storage in argv[2] and
 * runs the shared workload from where the commit log ends, printing `ack <i>` after each
 * operation returned (i.e. was acknowledged). Modes (argv[3]):
 *   stream              write until killed
 *   compact:<step>      write a while, then compact while writing, SIGKILL self at <step>
 *                       ('any' = after a few writes made during the compaction)
 *   until-error         write until a write throws, print `error <code> <errno>`, check the
 *                       store still serves reads and refuses nothing it acknowledged, exit 0
 */
import { openServerStorage, StorageError, StorageWriteError } from '../../../../../agent/src/server/storage/index.js';
import { notificationFor, operation } from './workload.js';

const [dir, mode = 'stream'] = process.argv.slice(2);
if (!dir) throw new Error('usage: storage-writer.ts <dir> <mode>');
const crashAt = mode.startsWith('compact:') ? mode.slice('compact:'.length) : undefined;

const storage = await openServerStorage(dir, {
  compactMinLogBytes: 2 ** 40,
  onCompactionStep: (step) => {
    if (step === crashAt) process.kill(process.pid, 'SIGKILL');
  },
});

/** Which store the operation in progress was writing to. */
let phase: 'keys' | 'notifications' = 'keys';

function apply(i: number): void {
  const op = operation(i);
  phase = 'keys';
  const commitId = op.kind === 'put' ? storage.keys.put(op.key, op.record, op.commit) : storage.keys.delete(op.key);
  if (commitId !== i) throw new Error(`operation ${i} got commit id ${commitId}`);
  const notification = notificationFor(i);
  phase = 'notifications';
  if (notification) storage.notifications.put(notification);
  process.stdout.write(`ack ${i}\n`);
}

let next = storage.commitLog.lastCommitId + 1;
process.stdout.write(`start ${next}\n`);

if (mode === 'until-error') {
  try {
    for (;;) apply(next++);
  } catch (error) {
    next--;
    const errno = error instanceof StorageWriteError ? error.errno : '-';
    process.stdout.write(`error ${error instanceof StorageError ? error.code : String(error)} ${errno} ${phase}\n`);
    if (phase === 'keys') {
      // Nothing of the failed operation is visible, no commit id was used up, and the
      // store is not poisoned: the same write fails the same clean way again.
      if (storage.commitLog.lastCommitId !== next - 1) throw new Error('a failed write left traces in memory');
      try {
        apply(next);
        throw new Error('the retry unexpectedly succeeded');
      } catch (retryError) {
        if (!(retryError instanceof StorageWriteError)) throw retryError;
      }
      if (storage.commitLog.lastCommitId !== next - 1) throw new Error('a failed retry left traces in memory');
    }
    await storage.close();
    process.stdout.write('closed\n');
  }
} else {
  const compactAfter = crashAt ? next + 1500 : Number.POSITIVE_INFINITY;
  for (;;) {
    apply(next++);
    if (next === compactAfter) void storage.compact().catch(() => undefined);
    if (crashAt === 'any' && next === compactAfter + 200) process.kill(process.pid, 'SIGKILL');
    // Yield now and then so group-commit fdatasyncs and the compaction make progress.
    if (next % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}
