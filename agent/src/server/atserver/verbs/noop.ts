/** `noop:<ms>` (protocol.md §7.23): waits, then `data:ok`; more than 5000 ms is AT0022. */
import { setTimeout as delay } from 'node:timers/promises';
import { illegalArgument } from '../errors.js';
import { dataReply, type VerbHandler } from '../verb-handler.js';

export const noopVerb: VerbHandler<'noop'> = {
  verb: 'noop',
  ownerOnly: false,
  async handle(command, { server }) {
    const max = server.tuning.limits.maxNoopMs;
    if (command.delayMillis > max) {
      throw illegalArgument(`noop:${command.delayMillis} where the duration maximum is ${max} milliseconds`);
    }
    if (command.delayMillis > 0) await delay(command.delayMillis);
    return dataReply('ok');
  },
};
