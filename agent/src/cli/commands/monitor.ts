/**
 * `atagent monitor [regex]`: one JSON line per (decrypted) notification on stdout until
 * interrupted (or `--count` notifications); reconnects on its own.
 */
import type { Command } from 'commander';
import type { ReceivedNotification } from '../../client/index.js';
import { withClient, withClientOptions, type ClientFlags } from '../client-options.js';
import { integerFlag } from '../flag-values.js';
import type { CliCommandModule } from '../command-module.js';
import { runAction } from '../run-action.js';
import { untilInterrupted } from '../signals.js';

interface MonitorFlags extends ClientFlags {
  readonly fromEpoch?: number | undefined;
  readonly stats?: boolean | undefined;
  readonly count?: number | undefined;
}

/** The JSON line for a notification: what arrived, decrypted, and whether that worked. */
function notificationJsonLine(notification: ReceivedNotification): string {
  return JSON.stringify({
    id: notification.id,
    from: notification.from,
    to: notification.to,
    key: notification.key,
    value: notification.value,
    ...(notification.text === undefined ? {} : { text: notification.text }),
    operation: notification.operation,
    messageType: notification.messageType,
    epochMillis: notification.epochMillis,
    decrypted: notification.decrypted,
    ...(notification.decryptionError === undefined ? {} : { error: notification.decryptionError.message }),
  });
}

async function monitor(regex: string | undefined, flags: MonitorFlags): Promise<void> {
  await withClient(flags, async (client) => {
    const running = await client.startMonitor({ regex, fromEpochMillis: flags.fromEpoch, includeStats: flags.stats });
    // On stderr, so stdout stays one JSON line per notification; scripts can wait for it.
    process.stderr.write(`atagent: monitoring ${client.atSign}${regex === undefined ? '' : ` (${regex})`}\n`);
    let counted = 0;
    const enough = new Promise<void>((resolve) => {
      running.on('notification', (notification) => {
        process.stdout.write(`${notificationJsonLine(notification)}\n`);
        counted++;
        if (flags.count !== undefined && counted >= flags.count) resolve();
      });
    });
    running.on('disconnected', (reason) => {
      if (reason !== undefined) process.stderr.write(`atagent: monitor connection lost (${reason.message}); reconnecting\n`);
    });
    const failed = new Promise<never>((_, reject) => running.once('failed', reject));
    try {
      await Promise.race([untilInterrupted(enough), failed]);
    } finally {
      await running.stop();
    }
  });
}

export const monitorCommand: CliCommandModule = {
  name: 'monitor',
  register(program: Command): void {
    withClientOptions(
      program
        .command('monitor')
        .description('print incoming notifications, decrypted, one JSON line each')
        .argument('[regex]', 'only notifications whose key (or sender) matches')
        .option('--from-epoch <ms>', 'first replay stored notifications newer than this', integerFlag('--from-epoch'))
        .option('--stats', 'include the stats notification (id -1)')
        .option('--count <n>', 'exit after n notifications', integerFlag('--count', 1)),
    ).action(runAction(monitor));
  },
};
