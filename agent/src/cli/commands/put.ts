/** `atagent put <key> [value]`: encrypt (unless public) and store; prints the commit id. */
import { readFile } from 'node:fs/promises';
import { buffer } from 'node:stream/consumers';
import type { Command } from 'commander';
import type { AtValueData, PutOptions } from '../../client/index.js';
import { withClient, withClientOptions, type ClientFlags } from '../client-options.js';
import { integerFlag } from '../flag-values.js';
import type { CliCommandModule } from '../command-module.js';
import { CliUsageError, runAction } from '../run-action.js';

interface PutFlags extends ClientFlags, PutOptions {
  readonly file?: string | undefined;
  readonly binary?: boolean | undefined;
}

async function valueFrom(value: string | undefined, flags: PutFlags): Promise<AtValueData> {
  if (value !== undefined && flags.file !== undefined) throw new CliUsageError('give the value or --file, not both');
  let bytes: Buffer | undefined;
  if (flags.file !== undefined) bytes = await readFile(flags.file);
  else if (value === undefined || value === '-') bytes = await buffer(process.stdin);
  if (bytes === undefined) return flags.binary === true ? Buffer.from(value ?? '', 'utf8') : (value as string);
  if (flags.binary === true) return bytes;
  const text = bytes.toString('utf8');
  // `echo value | atagent put key` should not store the newline echo added.
  return flags.file === undefined && text.endsWith('\n') ? text.slice(0, text.endsWith('\r\n') ? -2 : -1) : text;
}

async function put(key: string, value: string | undefined, flags: PutFlags): Promise<void> {
  const data = await valueFrom(value, flags);
  await withClient(flags, async (client) => {
    const commitId = await client.put(key, data, { ttl: flags.ttl, ttb: flags.ttb, ttr: flags.ttr, ccd: flags.ccd });
    process.stdout.write(`${commitId ?? ''}\n`);
  });
}

export const putCommand: CliCommandModule = {
  name: 'put',
  register(program: Command): void {
    withClientOptions(
      program
        .command('put')
        .description('encrypt (public values: sign) and store a value; prints the commit id')
        .argument('<key>', 'e.g. phone (self), @bob:phone (shared with @bob), public:location')
        .argument('[value]', 'the value; omit it or give - to read stdin')
        .option('--file <path>', 'read the value from a file')
        .option('--binary', 'store bytes as a binary value (isBinary)')
        .option('--ttl <ms>', 'time to live', integerFlag('--ttl'))
        .option('--ttb <ms>', 'time to birth', integerFlag('--ttb'))
        .option('--ttr <seconds>', 'recipients may cache it this long (-1: forever)', integerFlag('--ttr', -1))
        .option('--ccd', "delete recipients' cached copies with it"),
    ).action(runAction(put));
  },
};
