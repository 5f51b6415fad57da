/** Waiting for Ctrl-C / `systemctl stop` in commands that run until told to stop. */

/** Resolves on SIGINT or SIGTERM, or when `alsoWhen` settles, whichever comes first. */
export function untilInterrupted(alsoWhen?: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    alsoWhen?.then(done, done);
  });
}
