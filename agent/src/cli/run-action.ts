/**
 * How every CLI action ends: success quietly, failure with one clear line on stderr and a
 * non-zero exit code. Stack traces only with `--debug`: a user of a device CLI needs the
 * reason, not our call graph.
 */
interface DebugOption {
  readonly debug?: boolean | undefined;
}

/** The message for an error (an AtProtocolError's message starts with its AT code). */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Wraps an action: a thrown error becomes `atagent: <message>` on stderr and exit code 1
 * (or the code the error names in `exitCode`).
 */
export function runAction<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      const options = args.find((arg): arg is DebugOption => typeof arg === 'object' && arg !== null && 'debug' in arg);
      process.stderr.write(`atagent: ${describeError(error)}\n`);
      if (options?.debug === true && error instanceof Error && error.stack !== undefined) process.stderr.write(`${error.stack}\n`);
      const exitCode = (error as { exitCode?: unknown } | null | undefined)?.exitCode;
      process.exitCode = typeof exitCode === 'number' ? exitCode : 1;
    }
  };
}

/** An error meant for the user of the CLI (bad arguments and the like): message only. */
export class CliUsageError extends Error {
  readonly exitCode = 2;

  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}
