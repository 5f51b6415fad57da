/**
 * `stats[:<id>[,<id>…]][:<regex>]` (protocol.md §7.12): a Dart-printed list
 * `data: [{"id":"3","name":"lastCommitID","value":"42"}, …]` (note the spaces). Values are
 * strings; structured ones are JSON text inside the string. Bare `stats` reports them all.
 */
import fs from 'node:fs';
import path from 'node:path';
import { formatAtDate } from '../../../protocol/index.js';
import { clientRegex } from '../regex-cache.js';
import type { AtSignServerContext } from '../server-context.js';
import type { VerbHandler } from '../verb-handler.js';

const STAT_NAMES: Readonly<Record<number, string>> = {
  1: 'activeInboundConnections',
  2: 'activeOutboundConnections',
  3: 'lastCommitID',
  4: 'secondaryStorageSize',
  5: 'topAtSigns',
  6: 'topKeys',
  7: 'secondaryServerVersion',
  8: 'LastLoggedInDatetime',
  9: 'diskSize',
  10: 'LastPkam',
  11: 'NotificationCount',
  12: 'CommitLogCompactionStats',
  13: 'AccessLogCompactionStats',
  14: 'NotificationCompactionStats',
  15: 'LatestCommitEntryOfEachKey',
};

function directoryBytes(dir: string): number {
  let total = 0;
  try {
    for (const name of fs.readdirSync(dir)) {
      try {
        total += fs.statSync(path.join(dir, name)).size;
      } catch {
        // A file removed by compaction between list and stat.
      }
    }
  } catch {
    return 0;
  }
  return total;
}

function lastCommitId(server: AtSignServerContext, regex: RegExp | undefined): number {
  if (regex === undefined) return server.keys.lastCommitId;
  let highest = -1;
  for (const entry of server.storage.commitLog.entries()) {
    if (entry.commitId > highest && regex.test(entry.atKey)) highest = entry.commitId;
  }
  return highest;
}

function notificationCount(server: AtSignServerContext): string {
  const byType: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  let total = 0;
  for (const notification of server.storage.notifications.list()) {
    total++;
    const type = notification['type'];
    const status = notification['notificationStatus'];
    if (typeof type === 'string') byType[type] = (byType[type] ?? 0) + 1;
    if (typeof status === 'string') byStatus[status] = (byStatus[status] ?? 0) + 1;
  }
  return JSON.stringify({ total, type: byType, status: byStatus });
}

function latestEntries(server: AtSignServerContext, regex: RegExp | undefined): string {
  const entries: Record<string, [number, string]> = {};
  for (const entry of server.storage.commitLog.entries()) {
    if (regex === undefined || regex.test(entry.atKey)) entries[entry.atKey] = [entry.commitId, entry.operation];
  }
  return JSON.stringify(entries);
}

function statValue(id: number, server: AtSignServerContext, regex: RegExp | undefined, storageBytes: () => number): string {
  switch (id) {
    case 1:
      return String(server.connections.size);
    case 2:
      return String(server.outbound.size);
    case 3:
      return String(lastCommitId(server, regex));
    case 4:
    case 9:
      return String(storageBytes());
    case 5:
      return JSON.stringify(server.stats.topAtSigns());
    case 6:
      return JSON.stringify(server.stats.topKeys());
    case 7:
      return server.tuning.version;
    case 8:
      return server.stats.lastLoggedInAt === undefined ? '' : formatAtDate(new Date(server.stats.lastLoggedInAt));
    case 10:
      return server.stats.lastPkamAt === undefined ? '' : formatAtDate(new Date(server.stats.lastPkamAt));
    case 11:
      return notificationCount(server);
    case 15:
      return latestEntries(server, regex);
    default:
      return '{}';
  }
}

export const statsVerb: VerbHandler<'stats'> = {
  verb: 'stats',
  ownerOnly: true,
  handle(command, { server }) {
    const regex = command.regex === undefined ? undefined : clientRegex(command.regex);
    const ids = command.statIds.length === 0 ? Object.keys(STAT_NAMES).map(Number) : command.statIds;
    // Stats 4 and 9 report the same size: list and stat the data directory once per command.
    let bytes: number | undefined;
    const storageBytes = () => (bytes ??= directoryBytes(server.dataDir));
    const stats = ids
      .filter((id) => STAT_NAMES[id] !== undefined)
      .map((id) => JSON.stringify({ id: String(id), name: STAT_NAMES[id], value: statValue(id, server, regex, storageBytes) }));
    return { kind: 'data', payload: `[${stats.join(', ')}]`, spaced: true };
  },
};
