/**
 * Everything a verb handler or module may use of one atSign's server. The concrete class is
 * AtSignServer (at-sign-server.ts); handlers depend on this interface only.
 */
import type { RsaPrivateKey } from '../../crypto/index.js';
import type { ServerStorage } from '../storage/index.js';
import type { Apkam } from './apkam/apkam.js';
import type { BlockList } from './block-list.js';
import type { ConnectionHandle } from './connection-handle.js';
import type { Dispatcher } from './dispatcher.js';
import type { KeyEvents } from './key-events.js';
import type { OwnerKeyStore } from './keys/owner-key-store.js';
import type { StoredRecord } from './keys/stored-record.js';
import type { ModuleInstance, ModuleKey } from './module-registry.js';
import type { AtSignResolver } from './outbound/atsign-resolver.js';
import type { OutboundPool } from './outbound/outbound-pool.js';
import type { ProofStore } from './proof-store.js';
import type { RemoteLookups } from './remote-lookups.js';
import type { ResolvedTuning } from './server-options.js';
import type { ServerStats } from './server-stats.js';

export interface AtSignServerContext {
  /** The atSign this server serves, normalised (`@alice🛠`). */
  readonly atSign: string;
  readonly tuning: ResolvedTuning;
  /** The atSign's storage directory. */
  readonly dataDir: string;
  /** Epoch ms the server started (uptime in `info`). */
  readonly startedAt: number;
  /** The raw stores: the notification store is the notification stack's. */
  readonly storage: ServerStorage<StoredRecord>;
  readonly keys: OwnerKeyStore;
  readonly events: KeyEvents;
  readonly blockList: BlockList;
  /** Enrollments, one-time passwords and APKAM namespace checks. */
  readonly apkam: Apkam;
  readonly proofs: ProofStore;
  readonly signingKey: RsaPrivateKey;
  readonly resolver: AtSignResolver;
  readonly outbound: OutboundPool;
  readonly remote: RemoteLookups;
  readonly stats: ServerStats;
  /** Open inbound connections. */
  readonly connections: ReadonlySet<ConnectionHandle>;
  readonly dispatcher: Dispatcher;
  /** A started module's instance (throws if the module is not part of this server). */
  module<T extends ModuleInstance>(key: ModuleKey<T>): T;
}
