/**
 * `atagent exec '<verb line>'…`: raw @protocol, like atsign's at_cli. Authenticates first
 * (unless `--no-auth`), sends each line, prints each reply as the server wrote it (prompt
 * stripped). A `monitor` line streams notification lines until interrupted.
 * Exit code 1 when any reply is an error.
 */
import type { Command } from 'commander';
import { authenticateWithPkam } from '../../client/index.js';
import { defaultAtKeysPath, loadAtKeys } from '../../crypto/index.js';
import { AtConnection, AtDirectory, loadCa } from '../../net/index.js';
import { atSignOf, withClientOptions, type ClientFlags } from '../client-options.js';
import type { CliCommandModule } from '../command-module.js';
import { CliUsageError, runAction } from '../run-action.js';
import { untilInterrupted } from '../signals.js';

interface ExecFlags extends ClientFlags {
  readonly auth: boolean;
}

async function streamMonitor(connection: AtConnection, verb: string): Promise<void> {
  const stop = connection.onNotification((line) => process.stdout.write(`${line}\n`));
  try {
    await connection.send(verb);
    await untilInterrupted(connection.closed);
  } finally {
    stop();
  }
}

async function exec(verbs: string[], flags: ExecFlags): Promise<void> {
  const atSign = atSignOf(flags);
  const ca = flags.ca === undefined ? undefined : await loadCa(flags.ca);
  const address = await new AtDirectory({ root: flags.root, ca }).resolve(atSign);
  const connection = await AtConnection.open({ host: address.host, port: address.port, ca });
  try {
    if (flags.auth) {
      const keys = await loadAtKeys(flags.keys ?? defaultAtKeysPath(atSign));
      if (keys.pkamPrivateKey === undefined) throw new CliUsageError(`the keys file holds no PKAM private key for ${atSign}`);
      await authenticateWithPkam(connection, atSign, keys.pkamPrivateKey, { enrollmentId: keys.enrollmentId });
    }
    let failed = false;
    for (const verb of verbs) {
      if (/^monitor(?=$|[:\s])/.test(verb)) {
        await streamMonitor(connection, verb);
        continue;
      }
      const reply = await connection.execute(verb);
      process.stdout.write(`${reply}\n`);
      if (reply.startsWith('error:')) failed = true;
    }
    if (failed) process.exitCode = 1;
  } finally {
    await connection.close();
  }
}

export const execCommand: CliCommandModule = {
  name: 'exec',
  register(program: Command): void {
    withClientOptions(
      program
        .command('exec')
        .description('send raw @protocol verbs (after authenticating) and print the replies')
        .argument('<verbs...>', "verb lines, e.g. 'scan' 'llookup:phone.wavi@alice'")
        .option('--no-auth', 'do not authenticate (lookup, plookup of public data, scan, info, noop)'),
    ).action(runAction(exec));
  },
};
