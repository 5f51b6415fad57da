/** `atagent delete <key>`: prints the commit id. */
import type { Command } from 'commander';
import { withClient, withClientOptions, type ClientFlags } from '../client-options.js';
import type { CliCommandModule } from '../command-module.js';
import { runAction } from '../run-action.js';

async function remove(key: string, flags: ClientFlags): Promise<void> {
  await withClient(flags, async (client) => {
    const commitId = await client.delete(key);
    process.stdout.write(`${commitId ?? ''}\n`);
  });
}

export const deleteCommand: CliCommandModule = {
  name: 'delete',
  register(program: Command): void {
    withClientOptions(program.command('delete').description('delete one of your keys').argument('<key>')).action(runAction(remove));
  },
};
