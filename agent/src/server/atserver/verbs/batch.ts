/**
 * `batch:[{"id":…,"command":"update:…"},…]` (protocol.md §7.24): each command runs as if sent
 * alone on this connection; the answer lists `{"id","response":{"data":…}}` or
 * `{"id","response":{"error_code","error_message"}}` per command, in order. Commands that
 * change the connection itself (auth, monitor, batch) are refused inside a batch.
 */
import { AtProtocolError, dispatchVerb, type VerbName } from '../../../protocol/index.js';
import { StorageError } from '../../storage/index.js';
import { dataReply, type VerbHandler } from '../verb-handler.js';

const NOT_IN_BATCH: ReadonlySet<VerbName> = new Set<VerbName>(['batch', 'from', 'cram', 'pkam', 'pol', 'monitor', 'exit', 'stream']);

type BatchResponse = { data: string } | { error_code: string; error_message: string };

export const batchVerb: VerbHandler<'batch'> = {
  verb: 'batch',
  ownerOnly: true,
  async handle(command, context) {
    const results: { id: unknown; response: BatchResponse }[] = [];
    for (const request of command.requests) {
      const line = request.command.trim();
      const verb = dispatchVerb(line);
      let response: BatchResponse;
      if (verb === undefined || NOT_IN_BATCH.has(verb)) {
        response = { error_code: 'AT0003', error_message: 'Invalid syntax' };
      } else {
        try {
          const reply = await context.server.dispatcher.execute(line, context, verb);
          response = { data: reply.kind === 'data' ? reply.payload : '' };
        } catch (error) {
          // A storage failure fails the whole batch (and the connection), as alone it would.
          if (error instanceof StorageError) throw error;
          response =
            error instanceof AtProtocolError
              ? { error_code: error.code, error_message: error.detail }
              : { error_code: 'AT0011', error_message: 'Internal server exception' };
        }
      }
      results.push({ id: request.id, response });
    }
    return dataReply(JSON.stringify(results));
  },
};
