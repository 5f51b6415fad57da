/** `info[:brief]` (protocol.md §7.22): version and uptime. */
import { dataReply, type VerbHandler } from '../verb-handler.js';

function uptimeAsWords(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 3600)} hours ${Math.floor((seconds % 3600) / 60)} minutes ${seconds % 60} seconds`;
}

export const infoVerb: VerbHandler<'info'> = {
  verb: 'info',
  ownerOnly: false,
  handle(command, { server }) {
    const uptime = Math.max(0, server.tuning.clock.now() - server.startedAt);
    const info = command.brief
      ? { version: server.tuning.version, uptimeAsMillis: uptime }
      : { version: server.tuning.version, uptimeAsWords: uptimeAsWords(uptime) };
    return dataReply(JSON.stringify(info));
  },
};
