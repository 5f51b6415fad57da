/**
 * `atagent notify <key> [value]` (a key notification, the value encrypted for the
 * recipient) or `atagent notify --text <message> --to <atSign>`; prints the notification id.
 */
import type { Command } from 'commander';
import type { NotifyParams, NotifyTextParams, PutOptions } from '../../client/index.js';
import { withClient, withClientOptions, type ClientFlags } from '../client-options.js';
import { integerFlag } from '../flag-values.js';
import type { CliCommandModule } from '../command-module.js';
import { CliUsageError, runAction } from '../run-action.js';

interface NotifyFlags extends ClientFlags, Pick<NotifyTextParams, 'id' | 'ttln' | 'priority' | 'notifier'>, Pick<PutOptions, 'ttr'> {
  readonly text?: string | undefined;
  readonly to?: string | undefined;
  readonly delete?: boolean | undefined;
  readonly encrypt: boolean;
  readonly latest?: number | undefined;
}

function params(key: string | undefined, value: string | undefined, flags: NotifyFlags): NotifyParams {
  const common = {
    id: flags.id,
    ttln: flags.ttln,
    priority: flags.priority,
    ...(flags.latest === undefined ? {} : { strategy: 'latest' as const, latestN: flags.latest }),
    notifier: flags.notifier,
  };
  if (flags.text !== undefined) {
    if (key !== undefined) throw new CliUsageError('a --text notification takes no key');
    if (flags.to === undefined) throw new CliUsageError('--text needs --to <atSign>');
    return { ...common, text: flags.text, recipient: flags.to, encrypt: flags.encrypt };
  }
  if (key === undefined) throw new CliUsageError('give a key to notify about, or --text <message> --to <atSign>');
  if (flags.delete === true && value !== undefined) throw new CliUsageError('a --delete notification carries no value');
  return {
    ...common,
    key,
    recipient: flags.to,
    operation: flags.delete === true ? 'delete' : 'update',
    ...(value === undefined ? {} : { value }),
    ttr: flags.ttr,
  };
}

async function notify(key: string | undefined, value: string | undefined, flags: NotifyFlags): Promise<void> {
  const notification = params(key, value, flags);
  await withClient(flags, async (client) => {
    process.stdout.write(`${await client.notify(notification)}\n`);
  });
}

export const notifyCommand: CliCommandModule = {
  name: 'notify',
  register(program: Command): void {
    withClientOptions(
      program
        .command('notify')
        .description('send a notification about a key (with its value, encrypted) or a text message')
        .argument('[key]', 'e.g. @bob:phone')
        .argument('[value]', 'value sent with the notification')
        .option('--text <message>', 'send a text message instead')
        .option('--to <atSign>', 'recipient (text messages, public and self keys)')
        .option('--delete', 'a delete notification')
        .option('--no-encrypt', 'send a text message in clear')
        .option('--id <id>', 'notification id (default: a new UUID)')
        .option('--ttln <ms>', 'how long the notification is kept for delivery', integerFlag('--ttln'))
        .option('--ttr <seconds>', "the recipient's server may cache the value this long (-1: forever)", integerFlag('--ttr', -1))
        .option('--priority <priority>', 'low, medium or high')
        .option('--latest <n>', 'strategy latest: keep only the newest n undelivered per notifier', integerFlag('--latest', 1))
        .option('--notifier <name>', 'notifier for --latest (default SYSTEM)'),
    ).action(runAction(notify));
  },
};
