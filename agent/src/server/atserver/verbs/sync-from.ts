/**
 * `sync:from:<commitId>:limit:<n>[:<regex>]` (protocol.md §7.14, server.md §8): commit-log
 * entries after the client's commit id, ascending, each with the key's CURRENT value and
 * metadata (deletes carry nulls; entries whose key no longer exists are skipped), at most
 * 25 per page and cut at ~5 MB (always at least one). The regex never hides the keys every
 * client needs (shared keys, the encryption public key, namespace-less public keys).
 */
import { formatSyncEntries, type SyncEntry } from '../../../protocol/index.js';
import type { CommitEntry } from '../../storage/index.js';
import { toProtocolMetadata } from '../keys/stored-record.js';
import { MANAGE_NAMESPACE } from '../apkam/enrollment-record.js';
import { namespacesAllow } from '../apkam/namespace-access.js';
import { clientRegex } from '../regex-cache.js';
import type { AtSignServerContext } from '../server-context.js';
import type { Session } from '../session.js';
import { dataReply, type VerbHandler } from '../verb-handler.js';

const SHARED_KEY_FOR_US = /^@[^:]+:shared_key@/;
const OWN_SHARED_KEY = /^shared_key\.[^@]+@/;
const PUBLIC_KEY = /^public:publickey@/;
const PUBLIC_WITHOUT_NAMESPACE = /^public:[^.@]+@/;

function alwaysSynced(key: string): boolean {
  return SHARED_KEY_FOR_US.test(key) || OWN_SHARED_KEY.test(key) || PUBLIC_KEY.test(key) || PUBLIC_WITHOUT_NAMESPACE.test(key);
}

/**
 * An APKAM connection gets the keys of its namespaces and namespace-less keys; an enrollment
 * holding `*` or `__manage` gets everything (server.md §3.2).
 */
function apkamFilter(server: AtSignServerContext, session: Session): ((key: string) => boolean) | undefined {
  if (session.enrollmentId === undefined) return undefined;
  const enrollment = server.apkam.enrollmentOf(session);
  if (enrollment === undefined) return () => false;
  if (enrollment.namespaces['*'] !== undefined || enrollment.namespaces[MANAGE_NAMESPACE] !== undefined) return undefined;
  // The enrollment read above, not re-read per commit entry (Apkam.allows would).
  const { namespaces } = enrollment;
  return (key) => !/\.[^.@:]+@[^@]*$/.test(key) || namespacesAllow(namespaces, key, 'r');
}

const SCAN_CHUNK = 100;

export const syncFromVerb: VerbHandler<'sync:from'> = {
  verb: 'sync:from',
  ownerOnly: true,
  handle(command, { server, session }) {
    const { syncPageEntries, syncPageBytes } = server.tuning.timings;
    const regex = command.regex === undefined ? undefined : clientRegex(command.regex);
    const visible = apkamFilter(server, session);
    const filter =
      regex === undefined && visible === undefined
        ? undefined
        : (entry: CommitEntry) =>
            (visible === undefined || visible(entry.atKey)) && (regex === undefined || alwaysSynced(entry.atKey) || regex.test(entry.atKey));
    const page: SyncEntry[] = [];
    let bytes = 0;
    let after = command.fromCommitId;
    for (;;) {
      const chunk = server.storage.commitLog.since(after, SCAN_CHUNK, filter);
      for (const entry of chunk) {
        after = entry.commitId;
        let synced: SyncEntry;
        if (entry.operation === '-') {
          synced = { atKey: entry.atKey, value: null, metadata: null, commitId: entry.commitId, operation: '-' };
        } else {
          const record = server.keys.get(entry.atKey);
          if (record === undefined) continue;
          synced = { atKey: entry.atKey, value: record.value, metadata: toProtocolMetadata(record.metadata), commitId: entry.commitId, operation: entry.operation };
        }
        const size = (synced.value?.length ?? 0) + 512;
        if (page.length > 0 && bytes + size > syncPageBytes) return dataReply(formatSyncEntries(page));
        page.push(synced);
        bytes += size;
        if (page.length >= syncPageEntries) return dataReply(formatSyncEntries(page));
      }
      if (chunk.length < SCAN_CHUNK) return dataReply(formatSyncEntries(page));
    }
  },
};
