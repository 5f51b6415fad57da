/** `atagent scan [regex]`: one key per line. */
import type { Command } from 'commander';
import type { GetAtKeysOptions } from '../../client/index.js';
import { withClient, withClientOptions, type ClientFlags } from '../client-options.js';
import type { CliCommandModule } from '../command-module.js';
import { runAction } from '../run-action.js';

type ScanFlags = ClientFlags & Omit<GetAtKeysOptions, 'regex'>;

async function scan(regex: string | undefined, flags: ScanFlags): Promise<void> {
  await withClient(flags, async (client) => {
    const keys = await client.getAtKeys({ regex, sharedBy: flags.sharedBy, sharedWith: flags.sharedWith, showHidden: flags.showHidden });
    process.stdout.write(keys.map((key) => `${key.text}\n`).join(''));
  });
}

export const scanCommand: CliCommandModule = {
  name: 'scan',
  register(program: Command): void {
    withClientOptions(
      program
        .command('scan')
        .description('list keys on your atServer (cached copies of others’ keys included)')
        .argument('[regex]', 'only keys matching this (searched, not anchored)')
        .option('--shared-by <atSign>', 'only keys owned by this atSign')
        .option('--shared-with <atSign>', 'only keys shared with this atSign')
        .option('--show-hidden', 'include hidden keys (_name)'),
    ).action(runAction(scan));
  },
};
