/**
 * The answer to a read of a local key, shared by llookup, lookup and plookup: AT0015 when
 * the key does not exist, `data:null` when it is not active (unborn or expired), otherwise
 * the value, its metadata JSON (`meta`) or `{key,data,metaData}` (`all`). Proxied lookups
 * (remote-lookups.ts) answer their fetched or cached copy the same way.
 */
import type { LookupOperation } from '../../../protocol/index.js';
import { keyNotFound } from '../errors.js';
import type { Lookup } from '../keys/owner-key-store.js';
import { lookupAllJsonText, metadataJsonText, type StoredRecord } from '../keys/stored-record.js';
import { dataReply, NULL_REPLY, type VerbReply } from '../verb-handler.js';

export function answerLocal(key: string, found: Lookup, operation: LookupOperation | undefined, notFoundName = key): VerbReply {
  if (found.state === 'missing') throw keyNotFound(notFoundName);
  if (found.state === 'inactive') return NULL_REPLY;
  return answerRecord(key, found.record, operation);
}

/** An active record as a lookup answers it (also a proxied lookup's cached or fresh copy). */
export function answerRecord(key: string, record: StoredRecord, operation: LookupOperation | undefined): VerbReply {
  if (operation === 'all') return dataReply(lookupAllJsonText(key, record));
  if (operation === 'meta') return dataReply(metadataJsonText(record.metadata));
  return dataReply(record.value);
}
