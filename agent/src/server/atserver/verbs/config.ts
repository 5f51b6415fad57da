/**
 * `config:block:add|remove|show` (protocol.md §7.13, server.md §9) and the test-mode
 * settings, which a production server declines as the reference does.
 */
import { dataReply, NULL_REPLY, SUCCESS_REPLY, type VerbHandler } from '../verb-handler.js';

export const configVerb: VerbHandler<'config'> = {
  verb: 'config',
  ownerOnly: true,
  handle(command, { server }) {
    if (command.action !== 'block') return dataReply('testing mode disabled by default');
    switch (command.operation) {
      case 'add':
        server.blockList.add(command.atSigns);
        return SUCCESS_REPLY;
      case 'remove':
        return server.blockList.remove(command.atSigns) ? SUCCESS_REPLY : NULL_REPLY;
      case 'show': {
        const list = server.blockList.list();
        return list.length === 0 ? NULL_REPLY : dataReply(JSON.stringify(list));
      }
    }
  },
};
