/**
 * `update[<metadata>]:<key> <value>` and `update:json:{…}` (protocol.md §7.6): store a value
 * with merged metadata, answer the commit id (-1 for uncommitted keys). autoNotify for shared
 * keys hangs off the key-change event this write emits.
 */
import { illegalArgument } from '../errors.js';
import { writableKey } from '../keys/writable-key.js';
import { dataReply, type VerbContext, type VerbHandler, type VerbReply } from '../verb-handler.js';
import type { MetadataOptions } from '../../../protocol/index.js';

function store(key: string, sharedBy: string | undefined, value: string | null, metadata: MetadataOptions, { server, session }: VerbContext): VerbReply {
  const stored = writableKey(key, sharedBy, server.atSign);
  server.apkam.requireAccess(session, stored, 'rw');
  if (value !== null && Buffer.byteLength(value, 'utf8') > server.tuning.limits.maxValueBytes) {
    throw illegalArgument(`value is larger than the ${server.tuning.limits.maxValueBytes} bytes this server accepts`);
  }
  return dataReply(server.keys.update(stored, value, metadata));
}

export const updateVerb: VerbHandler<'update'> = {
  verb: 'update',
  ownerOnly: true,
  handle(command, context) {
    return store(command.key, command.sharedBy, command.value, command.metadata, context);
  },
};

export const updateJsonVerb: VerbHandler<'update:json'> = {
  verb: 'update:json',
  ownerOnly: true,
  handle(command, context) {
    return store(command.key, undefined, command.value, command.metadata, context);
  },
};
