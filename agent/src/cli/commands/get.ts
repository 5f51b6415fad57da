/** `atagent get <key>`: the decrypted value alone on stdout (bytes as they are for binary values). */
import type { Command } from 'commander';
import type { GetOptions } from '../../client/index.js';
import { metadataToJson } from '../../protocol/index.js';
import { withClient, withClientOptions, type ClientFlags } from '../client-options.js';
import type { CliCommandModule } from '../command-module.js';
import { runAction } from '../run-action.js';

interface GetFlags extends ClientFlags, GetOptions {
  readonly meta?: boolean | undefined;
}

async function get(key: string, flags: GetFlags): Promise<void> {
  await withClient(flags, async (client) => {
    if (flags.meta === true) {
      const metadata = await client.getMeta(key, { bypassCache: flags.bypassCache });
      process.stdout.write(`${JSON.stringify(metadata === undefined ? null : metadataToJson(metadata))}\n`);
      return;
    }
    const value = await client.get(key, { bypassCache: flags.bypassCache });
    if (value.value === null) throw new Error(`${value.key} has no value now (expired, or not yet available)`);
    if (typeof value.value === 'string') process.stdout.write(`${value.value}\n`);
    else process.stdout.write(value.value);
  });
}

export const getCommand: CliCommandModule = {
  name: 'get',
  register(program: Command): void {
    withClientOptions(
      program
        .command('get')
        .description('read and decrypt a value; prints the value alone')
        .argument('<key>', "e.g. phone, @bob:phone, public:location, phone@bob (someone else's key shared with you)")
        .option('--meta', 'print the metadata as JSON instead of the value')
        .option('--bypass-cache', "read from the owner's server, not our cached copy"),
    ).action(runAction(get));
  },
};
