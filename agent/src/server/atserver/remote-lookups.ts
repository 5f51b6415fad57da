/**
 * Reading other atSigns' data through this server (server.md §5): the owner's `lookup` of a
 * foreign key over a pol-authenticated connection, `plookup` over an anonymous one, the
 * `cached:` copies they keep (per ttr; deleted when the owner says the key is gone), the
 * public-key refresh every outbound connection makes first (§5.4), and `scan:@bob`.
 */
import { parseLookupAll, type AtResponse, type LookupAllAnswer, type LookupCommand } from '../../protocol/index.js';
import { AtServerVerbError, internalError } from './errors.js';
import { isActive } from './keys/key-activity.js';
import { writeStamp } from './keys/metadata-merge.js';
import type { OwnerKeyStore } from './keys/owner-key-store.js';
import { encryptionPublicKeyName } from './keys/reserved-keys.js';
import { fromProtocolMetadata, type StoredMetadata, type StoredRecord } from './keys/stored-record.js';
import type { OutboundConnection } from './outbound/outbound-connection.js';
import type { OutboundPool } from './outbound/outbound-pool.js';
import type { Clock } from './clock.js';
import type { AtServerTimings } from './server-options.js';
import { dataReply, NULL_REPLY, type VerbReply } from './verb-handler.js';
import { answerRecord } from './verbs/key-answer.js';

export interface RemoteLookupsOptions {
  readonly keys: OwnerKeyStore;
  readonly pool: OutboundPool;
  readonly clock: Clock;
  readonly timings: Pick<AtServerTimings, 'publicCacheTtlMs'>;
  readonly readTimeoutMs: number;
}

type Answer = { readonly kind: 'found'; readonly answer: LookupAllAnswer } | { readonly kind: 'null' };

const CACHE_METADATA_SKIP = new Set(['createdAt', 'updatedAt', 'availableAt', 'expiresAt', 'refreshAt', 'status']);

export class RemoteLookups {
  readonly #options: RemoteLookupsOptions;

  constructor(options: RemoteLookupsOptions) {
    this.#options = options;
  }

  /** Owner `lookup` of `<atKey>@<remote>` (remote ≠ me): cache first, then the remote over pol. */
  async lookup(command: LookupCommand, remoteAtSign: string): Promise<VerbReply> {
    const me = this.#options.keys.atSign;
    const name = `${me}:${command.atKey}${remoteAtSign}`.toLowerCase();
    return this.#cachedOrRemote(command, remoteAtSign, `cached:${name}`, name, 'authenticated');
  }

  /** `plookup:<atKey>@<remote>`: public data, cached as `cached:public:…`. */
  async plookup(command: LookupCommand, remoteAtSign: string): Promise<VerbReply> {
    const name = `public:${command.atKey}${remoteAtSign}`.toLowerCase();
    return this.#cachedOrRemote(command, remoteAtSign, `cached:${name}`, name, 'anonymous');
  }

  /** `scan:@bob …`: bob's server's own scan answer for us, over pol. */
  async scan(remoteAtSign: string, showHidden: boolean, regex: string | undefined): Promise<VerbReply> {
    const command = `scan${showHidden ? ':showHidden:true' : ''}${regex === undefined ? '' : ` ${regex}`}`;
    const response = await this.#request(remoteAtSign, 'authenticated', command);
    if (response.kind === 'data') return dataReply(response.payload);
    throw this.#relay(response, remoteAtSign);
  }

  /**
   * The first thing on every outbound connection: `lookup:all:publickey@<remote>`, keeping
   * `cached:public:publickey@<remote>` fresh (and noticing a re-onboarded remote).
   */
  async refreshPublicKey(connection: OutboundConnection): Promise<void> {
    const remote = connection.remoteAtSign;
    const response = await connection.request(`lookup:all:publickey${remote}`, this.#options.readTimeoutMs);
    if (response.kind !== 'data' || response.isNull) return;
    const answer = parseLookupAll(response.payload);
    if (answer.data === null) return;
    const current = this.#options.keys.getActive(cachedPublicKeyName(remote));
    if (current?.value === answer.data) return;
    this.#storePublicKey(remote, answer);
  }

  /**
   * The cache refresh job (server.md §5.3): every active `cached:` copy with a ttr > 0 whose
   * refreshAt has passed is looked up again; gone at the owner → deleted, changed → replaced,
   * unchanged → left alone. Remotes that cannot be reached keep their copies. Returns how many
   * copies were replaced or deleted.
   */
  async refreshStaleCaches(): Promise<number> {
    const keys = this.#options.keys;
    const now = this.#options.clock.now();
    const stale: Array<{ name: string; remote: string; command: string; kind: 'authenticated' | 'anonymous'; value: string | null }> = [];
    const prefix = `cached:${keys.atSign}:`;
    for (const [name, record] of keys.entries()) {
      const { ttr, refreshAt } = record.metadata;
      if (!name.startsWith('cached:') || ttr === undefined || ttr <= 0 || refreshAt === undefined || refreshAt >= now) continue;
      if (!isActive(record.metadata, now)) continue;
      const at = name.lastIndexOf('@');
      if (at <= 0) continue;
      const remote = name.slice(at);
      const isPublic = name.startsWith('cached:public:');
      const entity = isPublic ? name.slice('cached:public:'.length) : name.startsWith(prefix) ? name.slice(prefix.length) : undefined;
      if (entity === undefined) continue;
      stale.push({ name, remote, command: `lookup:all:${entity}`, kind: isPublic ? 'anonymous' : 'authenticated', value: record.value });
    }
    let changed = 0;
    for (const entry of stale) {
      let answer: Answer;
      try {
        answer = await this.#remoteLookup(entry.remote, entry.command, entry.kind, entry.name);
      } catch (error) {
        if (error instanceof AtServerVerbError && error.code === 'AT0015') changed++;
        continue;
      }
      if (answer.kind === 'null') {
        changed++;
      } else if (answer.answer.data !== entry.value) {
        this.#putCached(entry.name, answer.answer.data, fromProtocolMetadata(answer.answer.metaData));
        changed++;
      }
    }
    return changed;
  }

  async #cachedOrRemote(
    command: LookupCommand,
    remoteAtSign: string,
    cachedName: string,
    freshName: string,
    kind: 'authenticated' | 'anonymous',
  ): Promise<VerbReply> {
    const keys = this.#options.keys;
    const now = this.#options.clock.now();
    if (!command.bypassCache) {
      const cached = keys.get(cachedName);
      if (cached !== undefined && isActive(cached.metadata, now) && isFresh(cached.metadata, now)) {
        return answerRecord(cachedName, cached, command.operation);
      }
    }
    const remote = await this.#remoteLookup(remoteAtSign, `lookup:all:${command.atKey}${remoteAtSign}`, kind, cachedName);
    if (remote.kind === 'null') return NULL_REPLY;
    const answer = remote.answer;
    const record = this.#cache(cachedName, answer, kind === 'anonymous', remoteAtSign);
    return answerRecord(freshName, record, command.operation);
  }

  async #remoteLookup(remoteAtSign: string, command: string, kind: 'authenticated' | 'anonymous', cachedName: string): Promise<Answer> {
    const response = await this.#request(remoteAtSign, kind, command);
    if (response.kind === 'data') {
      if (response.isNull) {
        this.#dropCache(cachedName);
        return { kind: 'null' };
      }
      try {
        return { kind: 'found', answer: parseLookupAll(response.payload) };
      } catch (error) {
        throw new AtServerVerbError('AT0011', `${remoteAtSign} answered a lookup with something unreadable`, { close: false, cause: error });
      }
    }
    if (response.kind === 'error' && response.error.code === 'AT0015') this.#dropCache(cachedName);
    throw this.#relay(response, remoteAtSign);
  }

  /** One command over the pooled connection of `kind` to `remoteAtSign`, lent for just that command. */
  async #request(remoteAtSign: string, kind: 'authenticated' | 'anonymous', command: string): Promise<AtResponse> {
    const lease = await this.#options.pool.lease(remoteAtSign, kind);
    let response: AtResponse;
    try {
      response = await lease.connection.request(command, this.#options.readTimeoutMs);
    } catch (error) {
      // The connection is in an unknown state after a timeout or a socket error.
      lease.discard();
      throw error;
    }
    lease.release();
    return response;
  }

  #relay(response: AtResponse, remoteAtSign: string): AtServerVerbError {
    if (response.kind === 'error') return new AtServerVerbError(response.error.code, response.error.detail, { close: false });
    return internalError(`${remoteAtSign} answered with an unexpected ${response.kind} response`, false);
  }

  #dropCache(cachedName: string): void {
    if (this.#options.keys.has(cachedName)) this.#options.keys.delete(cachedName, { origin: 'cache' });
  }

  /**
   * Stores a remote answer as `cached:…` when the owner allows caching (ttr set); public data
   * from plookup is cached anyway, for 24 h when it has no ttr. Returns the record to answer with.
   */
  #cache(cachedName: string, answer: LookupAllAnswer, isPublic: boolean, remoteAtSign: string): StoredRecord {
    if (isPublic && cachedName === cachedPublicKeyName(remoteAtSign)) return this.#storePublicKey(remoteAtSign, answer);
    const remoteMetadata = fromProtocolMetadata(answer.metaData);
    const ttr = remoteMetadata.ttr;
    if (ttr !== undefined && ttr !== 0) return this.#putCached(cachedName, answer.data, remoteMetadata);
    if (isPublic) return this.#putCached(cachedName, answer.data, remoteMetadata, this.#options.timings.publicCacheTtlMs);
    return { value: answer.data, metadata: remoteMetadata };
  }

  /**
   * Writes `cached:public:publickey@<remote>` (ttr -1 and, like the reference, a 24 h ttl).
   * A value different from the cached one means the remote re-onboarded: our shared key for
   * it is retired as `shared_key.<remote>.until.<epochMillis>@<me>` so the client makes a new one.
   */
  #storePublicKey(remoteAtSign: string, answer: LookupAllAnswer): StoredRecord {
    const keys = this.#options.keys;
    const cachedName = cachedPublicKeyName(remoteAtSign);
    const previous = keys.get(cachedName);
    if (previous?.value != null && previous.value !== answer.data) {
      const sharedKeyName = `shared_key.${remoteAtSign.slice(1)}${keys.atSign}`;
      const sharedKey = keys.get(sharedKeyName);
      if (sharedKey !== undefined) {
        const retiredName = `shared_key.${remoteAtSign.slice(1)}.until.${this.#options.clock.now()}${keys.atSign}`;
        keys.putRecord(retiredName, sharedKey, { origin: 'server' });
        keys.delete(sharedKeyName, { origin: 'server' });
      }
    }
    const metadata = { ...fromProtocolMetadata(answer.metaData), ttr: -1 };
    return this.#putCached(cachedName, answer.data, metadata, this.#options.timings.publicCacheTtlMs);
  }

  #putCached(cachedName: string, value: string | null, remote: StoredMetadata, ttlMs?: number): StoredRecord {
    const now = this.#options.clock.now();
    const metadata: Record<string, unknown> = {};
    for (const [field, fieldValue] of Object.entries(remote)) {
      if (!CACHE_METADATA_SKIP.has(field) && fieldValue !== undefined) metadata[field] = fieldValue;
    }
    const ttl = ttlMs ?? (remote.ttl !== undefined && remote.ttl > 0 ? remote.ttl : undefined);
    Object.assign(metadata, writeStamp(this.#options.keys.get(cachedName)?.metadata, now));
    if (ttl !== undefined) {
      metadata['ttl'] = ttl;
      metadata['expiresAt'] = now + ttl;
    }
    const ttr = remote.ttr;
    if (ttr !== undefined && ttr > 0) metadata['refreshAt'] = now + ttr * 1000;
    const record: StoredRecord = { value, metadata: metadata as StoredMetadata };
    this.#options.keys.putRecord(cachedName, record, { origin: 'cache' });
    return this.#options.keys.get(cachedName) ?? record;
  }
}

function cachedPublicKeyName(remoteAtSign: string): string {
  return `cached:${encryptionPublicKeyName(remoteAtSign)}`;
}

// ttr -1: forever; ttr > 0: until refreshAt; no ttr (public data plookup cached for 24 h):
// until the copy expires, which isActive already checks.
function isFresh(metadata: StoredMetadata, now: number): boolean {
  if (metadata.ttr === undefined || metadata.ttr === -1) return true;
  return metadata.refreshAt !== undefined && now <= metadata.refreshAt;
}
