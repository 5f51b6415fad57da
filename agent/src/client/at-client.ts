/**
 * The AtClient: put/get/delete of public, self and shared values with the encryption of
 * crypto.md §7 done at the edge, metadata, key listing, notifications out, monitors in.
 * One authenticated command connection (re-established on demand); each monitor has its own.
 */
import { randomUUID } from 'node:crypto';
import { defaultAtKeysPath, loadAtKeys } from '../crypto/index.js';
import { AtDirectory, loadCa } from '../net/index.js';
import {
  deleteCommand,
  InvalidAtKeyError,
  IllegalArgumentError,
  isNotificationStatus,
  llookupCommand,
  lookupCommand,
  metadataFromJson,
  normalizeAtSign,
  notificationFromJson,
  notifyCommand,
  notifyListCommand,
  notifyStatusCommand,
  parseAtKey,
  parseDataJson,
  parseMetadataJson,
  plookupCommand,
  scanCommand,
  UnexpectedResponseError,
  updateCommand,
  updateMetaCommand,
  type AtKey,
  type LookupOperation,
  type Metadata,
  type MetadataOptions,
  type NotificationPriority,
  type NotificationStatus,
  type NotifyInput,
  type NotifyListOptions,
  type NotifyOperation,
  type NotifyStrategy,
} from '../protocol/index.js';
import { ClientClosedError, MissingKeyError } from './errors.js';
import { KeyResolver, type AtKeyInput } from './key-resolver.js';
import { Monitor, type MonitorStartOptions } from './monitor.js';
import { NotificationDecoder, type ReceivedNotification } from './notification-decoder.js';
import { resolvePreferences, type AtClientPreferences, type ResolvedPreferences } from './preferences.js';
import { PublicKeyCache } from './public-keys.js';
import { openAuthenticated, ServerSession, type SessionSettings } from './session.js';
import { SharedKeyStore } from './shared-keys.js';
import { batchCodec } from './batch-codec.js';
import { encryptedUpdateCommand } from './update-text.js';
import { ownerOf, ValueCodec, type AtValueData } from './value-codec.js';

/** Metadata an application sets on a value (the rest is the client's business). */
export interface PutOptions {
  /** Time to live, ms. */
  readonly ttl?: number | undefined;
  /** Time to birth, ms. */
  readonly ttb?: number | undefined;
  /** Recipients' servers may cache a shared value for this many SECONDS (-1: forever). */
  readonly ttr?: number | undefined;
  /** Delete recipients' cached copies when this value is deleted. */
  readonly ccd?: boolean | undefined;
}

export interface GetOptions {
  /** For values shared with us: ask the owner's server, not our server's cached copy. */
  readonly bypassCache?: boolean | undefined;
}

export interface AtValue {
  /** The full key read. */
  readonly key: string;
  /** Decrypted value (Uint8Array for binary values); null when the key exists but is not active (expired, not yet born). */
  readonly value: AtValueData | null;
  readonly metadata: Metadata | undefined;
  /** Public values: whether the owner's signature was checked (and held). */
  readonly signatureVerified?: boolean | undefined;
}

export interface GetAtKeysOptions {
  /** Searched (unanchored) in each key by the server. */
  readonly regex?: string | undefined;
  /** Only keys owned by this atSign. */
  readonly sharedBy?: string | undefined;
  /** Only keys shared with this atSign. */
  readonly sharedWith?: string | undefined;
  /** Include hidden keys (entities starting with `_`). */
  readonly showHidden?: boolean | undefined;
}

interface NotifyCommon {
  /** Default: a fresh UUID (the server returns it as the notification id). */
  readonly id?: string | undefined;
  readonly priority?: NotificationPriority | undefined;
  /** `latest` keeps only the newest `latestN` per `notifier` while undelivered. */
  readonly strategy?: NotifyStrategy | undefined;
  readonly latestN?: number | undefined;
  /** Default `SYSTEM` with strategy latest. */
  readonly notifier?: string | undefined;
  /** How long the notification is kept for delivery, ms. */
  readonly ttln?: number | undefined;
}

/** A notification about a key, with or without its value. */
export interface NotifyKeyParams extends NotifyCommon, PutOptions {
  readonly key: AtKeyInput;
  /** Required for public and self keys; shared keys name their recipient. */
  readonly recipient?: string | undefined;
  /** Default `update`. */
  readonly operation?: NotifyOperation | undefined;
  /** Sent with an update (encrypted for the recipient unless the key is public). */
  readonly value?: AtValueData | undefined;
}

/** A text message. */
export interface NotifyTextParams extends NotifyCommon {
  readonly text: string;
  readonly recipient: string;
  /**
   * Encrypt the text with the shared key. Default true. Text messages cannot carry an
   * ivNonce (servers drop their metadata), so they use the legacy zero IV: put anything
   * sensitive in a key notification's value instead.
   */
  readonly encrypt?: boolean | undefined;
}

export type NotifyParams = NotifyKeyParams | NotifyTextParams;

export interface NotifyAllResult {
  readonly recipient: string;
  readonly id?: string | undefined;
  readonly error?: Error | undefined;
}

interface ClientParts {
  readonly preferences: ResolvedPreferences;
  readonly session: ServerSession;
  readonly sessionSettings: SessionSettings;
  readonly codec: ValueCodec;
  readonly decoder: NotificationDecoder;
}

function putMetadata(options: PutOptions | undefined): MetadataOptions {
  if (options === undefined) return {};
  return {
    ...(options.ttl === undefined ? {} : { ttl: options.ttl }),
    ...(options.ttb === undefined ? {} : { ttb: options.ttb }),
    ...(options.ttr === undefined ? {} : { ttr: options.ttr }),
    ...(options.ccd === undefined ? {} : { ccd: options.ccd }),
  };
}

/** Puts may ride in a `batch` with the puts queued behind them. */
const BATCHABLE = { batchable: true } as const;

function commitIdOf(payload: string): number | undefined {
  const id = Number(payload);
  return Number.isSafeInteger(id) ? id : undefined;
}

export class AtClient {
  readonly atSign: string;
  readonly #resolver: KeyResolver;
  #parts: ClientParts;
  readonly #monitors = new Set<Monitor>();
  #closed = false;
  readonly #onClose: (client: AtClient) => void;

  private constructor(atSign: string, resolver: KeyResolver, parts: ClientParts, onClose: (client: AtClient) => void) {
    this.atSign = atSign;
    this.#resolver = resolver;
    this.#parts = parts;
    this.#onClose = onClose;
  }

  /**
   * Loads the keys, connects and authenticates. Rejects with the reason the client cannot
   * work: KeyFileError (missing/corrupt keys), AtSignNotFoundError, ConnectError, AT0401.
   */
  static async create(
    atSign: string,
    namespace: string | undefined,
    preferences: AtClientPreferences = {},
    onClose: (client: AtClient) => void = () => undefined,
  ): Promise<AtClient> {
    const name = normalizeAtSign(atSign);
    const resolver = new KeyResolver(name, namespace);
    const parts = await AtClient.#build(name, resolvePreferences(preferences));
    const client = new AtClient(name, resolver, parts, onClose);
    try {
      await parts.session.connection();
    } catch (error) {
      await parts.session.close();
      throw error;
    }
    return client;
  }

  static async #build(atSign: string, preferences: ResolvedPreferences): Promise<ClientParts> {
    const keys = preferences.atKeys ?? (await loadAtKeys(preferences.keysFile ?? defaultAtKeysPath(atSign)));
    if (keys.atSign !== undefined && normalizeAtSign(keys.atSign) !== atSign) {
      throw new MissingKeyError(`the keys are for ${keys.atSign}, not ${atSign}`);
    }
    if (keys.pkamPrivateKey === undefined) {
      throw new MissingKeyError(`the keys of ${atSign} hold no PKAM private key (secure-element keys are not supported)`);
    }
    const ca = preferences.ca === undefined ? undefined : await loadCa(preferences.ca);
    const directory = new AtDirectory({ root: preferences.root, ca, cacheTtlMs: preferences.directoryCacheTtlMs });
    const sessionSettings: SessionSettings = {
      atSign,
      directory,
      pkamPrivateKey: keys.pkamPrivateKey,
      pkam: {
        hashingAlgo: preferences.pkamHashingAlgo,
        enrollmentId: keys.enrollmentId,
        clientConfig: preferences.clientConfig,
      },
      ca,
      connectTimeoutMs: preferences.connectTimeoutMs,
      commandTimeoutMs: preferences.commandTimeoutMs,
      reconnect: preferences.reconnect,
    };
    const session = new ServerSession({ ...sessionSettings, batcher: batchCodec });
    const publicKeys = new PublicKeyCache(session, atSign, keys.encryptionPublicKey);
    const sharedKeys = new SharedKeyStore(session, publicKeys, {
      atSign,
      encryptionPublicKey: keys.encryptionPublicKey,
      encryptionPrivateKey: keys.encryptionPrivateKey,
      ttrSeconds: preferences.sharedKeyTtrSeconds,
    });
    const codec = new ValueCodec(
      { atSign, keys, emitIvNonce: preferences.emitIvNonce, verifyPublicData: preferences.verifyPublicData },
      sharedKeys,
      publicKeys,
    );
    return { preferences, session, sessionSettings, codec, decoder: new NotificationDecoder(atSign, codec) };
  }

  get namespace(): string | undefined {
    return this.#resolver.namespace;
  }

  get preferences(): ResolvedPreferences {
    return this.#parts.preferences;
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /**
   * Changes preferences; connection settings apply from the next connection (the current
   * one is closed), running monitors keep theirs until restarted.
   */
  async setPreferences(changes: AtClientPreferences): Promise<void> {
    this.#checkOpen();
    const merged = resolvePreferences({ ...this.#parts.preferences, ...changes });
    const parts = await AtClient.#build(this.atSign, merged);
    const old = this.#parts;
    this.#parts = parts;
    await old.session.close();
  }

  /** The full key a AtKeyInput stands for (owner and namespace filled in). */
  key(input: AtKeyInput): AtKey {
    return this.#resolver.resolve(input);
  }

  /** Stores a value (encrypted unless public); resolves with the server's commit id. */
  async put(key: AtKeyInput, value: AtValueData, options?: PutOptions): Promise<number | undefined> {
    this.#checkOpen();
    const atKey = this.#resolver.resolve(key);
    this.#requireOwn(atKey, 'put');
    const encoded = await this.#parts.codec.encode(atKey, value);
    const metadata = options === undefined ? encoded.metadata : { ...putMetadata(options), ...encoded.metadata };
    const command = encoded.metadata.isEncrypted === true ? encryptedUpdateCommand(atKey, encoded.value, metadata) : updateCommand(atKey.text, encoded.value, metadata);
    return commitIdOf(await this.#parts.session.data(command, BATCHABLE));
  }

  /** Reads and decrypts a value (and checks public values' signatures). */
  async get(key: AtKeyInput, options: GetOptions = {}): Promise<AtValue> {
    this.#checkOpen();
    const atKey = this.#resolver.resolve(key);
    const payload = await this.#parts.session.data(this.#readCommand(atKey, 'all', options.bypassCache === true));
    if (payload === 'null') return { key: atKey.text, value: null, metadata: undefined };
    const json = parseDataJson(payload) as { data?: unknown; metaData?: unknown } | null;
    if (json === null || typeof json !== 'object') throw new UnexpectedResponseError(`unexpected answer for ${atKey.text}`);
    const metadata = json.metaData === undefined || json.metaData === null ? {} : metadataFromJson(json.metaData);
    if (json.data === undefined || json.data === null) return { key: atKey.text, value: null, metadata };
    const decoded = await this.#parts.codec.decode(atKey, String(json.data), metadata);
    return { key: atKey.text, value: decoded.value, metadata, signatureVerified: decoded.signatureVerified };
  }

  /** Deletes one of our keys; resolves with the commit id. */
  async delete(key: AtKeyInput): Promise<number | undefined> {
    this.#checkOpen();
    const atKey = this.#resolver.resolve(key);
    if (!atKey.isCached) this.#requireOwn(atKey, 'delete');
    return commitIdOf(await this.#parts.session.data(deleteCommand(atKey.text)));
  }

  /** Changes metadata only (`update:meta`). */
  async putMeta(key: AtKeyInput, metadata: MetadataOptions): Promise<number | undefined> {
    this.#checkOpen();
    const atKey = this.#resolver.resolve(key);
    this.#requireOwn(atKey, 'change the metadata of');
    return commitIdOf(await this.#parts.session.data(updateMetaCommand(atKey.text, metadata)));
  }

  /** Metadata of a key (ours, shared with us, or public). */
  async getMeta(key: AtKeyInput, options: GetOptions = {}): Promise<Metadata | undefined> {
    this.#checkOpen();
    const atKey = this.#resolver.resolve(key);
    const payload = await this.#parts.session.data(this.#readCommand(atKey, 'meta', options.bypassCache === true));
    return payload === 'null' ? undefined : parseMetadataJson(payload);
  }

  /** Keys on our server (including cached copies of others' keys), filtered. */
  async getAtKeys(options: GetAtKeysOptions = {}): Promise<AtKey[]> {
    this.#checkOpen();
    const command = scanCommand({
      ...(options.regex === undefined ? {} : { regex: options.regex }),
      ...(options.showHidden === true ? { showHidden: true } : {}),
    });
    const list = parseDataJson(await this.#parts.session.data(command));
    if (!Array.isArray(list)) throw new UnexpectedResponseError('scan did not answer a JSON array');
    const sharedBy = options.sharedBy === undefined ? undefined : normalizeAtSign(options.sharedBy);
    const sharedWith = options.sharedWith === undefined ? undefined : normalizeAtSign(options.sharedWith);
    const keys: AtKey[] = [];
    for (const text of list) {
      if (typeof text !== 'string') continue;
      let atKey: AtKey;
      try {
        atKey = parseAtKey(text);
      } catch {
        continue; // not a key (isValidAtKey would parse it twice)
      }
      if (sharedBy !== undefined && (atKey.sharedBy === undefined || normalizeAtSign(atKey.sharedBy) !== sharedBy)) continue;
      if (sharedWith !== undefined && (atKey.sharedWith === undefined || normalizeAtSign(atKey.sharedWith) !== sharedWith)) continue;
      keys.push(atKey);
    }
    return keys;
  }

  /** Sends one notification; resolves with its id. */
  async notify(params: NotifyParams): Promise<string> {
    this.#checkOpen();
    const input = await this.#notifyInput(params);
    return (await this.#parts.session.data(notifyCommand(input))).trim();
  }

  /**
   * The same notification to several recipients, each encrypted for its recipient; one
   * failure does not stop the others.
   */
  async notifyAll(recipients: readonly string[], params: NotifyParams): Promise<NotifyAllResult[]> {
    this.#checkOpen();
    return Promise.all(
      recipients.map(async (recipient) => {
        const one: NotifyParams = 'text' in params ? { ...params, recipient } : { ...params, recipient, key: this.#retarget(params.key, recipient) };
        try {
          return { recipient, id: await this.notify(one) };
        } catch (error) {
          return { recipient, error: error as Error };
        }
      }),
    );
  }

  /** Notifications our server holds (received and sent), decrypted. */
  async notifyList(options: NotifyListOptions = {}): Promise<ReceivedNotification[]> {
    this.#checkOpen();
    const list = parseDataJson(await this.#parts.session.data(notifyListCommand(options)));
    if (list === null) return [];
    if (!Array.isArray(list)) throw new UnexpectedResponseError('notify:list did not answer a JSON array');
    return Promise.all(list.map((json) => this.#parts.decoder.decode(notificationFromJson(json))));
  }

  /** Delivery status of a notification we sent; null for an unknown id. */
  async notifyStatus(id: string): Promise<NotificationStatus | null> {
    this.#checkOpen();
    const status = (await this.#parts.session.data(notifyStatusCommand(id))).trim();
    if (status === 'null') return null;
    if (isNotificationStatus(status)) return status;
    throw new UnexpectedResponseError(`notify:status answered ${JSON.stringify(status.slice(0, 40))}`);
  }

  /**
   * Starts a monitor on its own connection; resolves once the server is monitoring. Read
   * notifications with `for await (const n of monitor)` or `monitor.on('notification', …)`.
   */
  async startMonitor(options: string | MonitorStartOptions = {}): Promise<Monitor> {
    this.#checkOpen();
    const settings = typeof options === 'string' ? { regex: options } : options;
    const parts = this.#parts;
    const monitor = new Monitor(
      { ...settings, heartbeatMs: parts.preferences.monitorHeartbeatMs, reconnect: parts.preferences.reconnect },
      { open: () => openAuthenticated(parts.sessionSettings), decode: (notification) => parts.decoder.decode(notification) },
    );
    this.#monitors.add(monitor);
    monitor.once('failed', () => this.#monitors.delete(monitor));
    try {
      await monitor.start();
    } catch (error) {
      this.#monitors.delete(monitor);
      throw error;
    }
    return monitor;
  }

  /** Sends a raw command on the authenticated connection and returns the response text (prompt stripped). */
  async executeRaw(command: string): Promise<string> {
    this.#checkOpen();
    return this.#parts.session.execute(command);
  }

  /** Stops monitors, closes connections; the client cannot be used afterwards. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#monitors].map((monitor) => monitor.stop()));
    this.#monitors.clear();
    await this.#parts.session.close();
    this.#onClose(this);
  }

  #checkOpen(): void {
    if (this.#closed) throw new ClientClosedError(this.atSign);
  }

  #requireOwn(atKey: AtKey, action: string): void {
    const owner = ownerOf(atKey, this.atSign);
    if (owner !== this.atSign) throw new InvalidAtKeyError(`${this.atSign} cannot ${action} ${atKey.text}: it belongs to ${owner}`);
  }

  /** The verb that reads `atKey` from where it lives. */
  #readCommand(atKey: AtKey, operation: LookupOperation, bypassCache: boolean): string {
    const owner = ownerOf(atKey, this.atSign);
    if (atKey.isCached || owner === this.atSign) return llookupCommand(atKey.text, { operation });
    const remote = `${atKey.entity}${owner}`;
    const options = { operation, ...(bypassCache ? { bypassCache: true } : {}) };
    return atKey.isPublic ? plookupCommand(remote, options) : lookupCommand(remote, options);
  }

  /** For notifyAll: a shared key names one recipient; point it at each in turn. */
  #retarget(key: AtKeyInput, recipient: string): AtKeyInput {
    const atKey = this.#resolver.resolve(key);
    if (atKey.sharedWith === undefined) return atKey;
    return { ...atKey, sharedWith: normalizeAtSign(recipient) };
  }

  async #notifyInput(params: NotifyParams): Promise<NotifyInput> {
    const common = {
      id: params.id ?? randomUUID(),
      ...(params.priority === undefined ? {} : { priority: params.priority }),
      ...(params.strategy === undefined ? {} : { strategy: params.strategy }),
      ...(params.latestN === undefined ? {} : { latestN: params.latestN }),
      ...(params.notifier === undefined ? (params.strategy === 'latest' ? { notifier: 'SYSTEM' } : {}) : { notifier: params.notifier }),
      ...(params.ttln === undefined ? {} : { ttln: params.ttln }),
    };
    if ('text' in params) {
      if (params.encrypt === false) return { ...common, text: params.text, recipient: params.recipient, metadata: { isEncrypted: false } };
      const encrypted = await this.#parts.codec.encryptText(params.recipient, params.text);
      return { ...common, text: encrypted.value, recipient: params.recipient, metadata: encrypted.metadata };
    }
    const atKey = this.#resolver.resolve(params.key);
    this.#requireOwn(atKey, 'notify about');
    const operation = params.operation ?? 'update';
    const recipient = normalizeAtSign(params.recipient ?? atKey.sharedWith ?? '');
    let metadata = putMetadata(params);
    let value: string | undefined;
    if (params.value !== undefined) {
      if (operation === 'delete') throw new IllegalArgumentError('a delete notification carries no value');
      const { text } = ValueCodec.text(params.value);
      if (atKey.isPublic) {
        value = text;
        metadata = { ...metadata, isEncrypted: false };
      } else {
        const encrypted = await this.#parts.codec.encryptFor(recipient, text);
        value = encrypted.value;
        metadata = { ...metadata, ...encrypted.metadata };
      }
    }
    return {
      ...common,
      operation,
      messageType: 'key',
      key: atKey.text,
      ...(atKey.sharedWith === undefined ? { recipient } : {}),
      ...(value === undefined ? {} : { value }),
      metadata,
    };
  }
}
