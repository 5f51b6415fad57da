/**
 * The typed commands `parseVerb` returns: one member per verb of protocol.md §7, carrying
 * the grammar's named groups converted to numbers, booleans and atSigns with their `@`.
 *
 * Values are as sent: atSigns are not normalised and keys are not lower-cased or validated;
 * that is the verb handler's job, because it decides the error (AT0016 for a bad key, not
 * AT0003). Optional fields are absent when the command did not give them; defaults (notify
 * operation `update`, priority `low`, …) are applied by the handler.
 */
import type { MetadataOptions } from './metadata.js';

/** The key a command names, assembled as the reference server does. */
export interface KeyReference {
  /** `[public:|@<sharedWith>:]<atKey>[@<sharedBy>]`, with `cached:` in front for cached reads. */
  readonly key: string;
  /** The grammar's `atKey` group: the entity, or `privatekey:…` for owner-less reserved keys. */
  readonly atKey: string;
  /** Owner atSign with `@`, when the command names one. */
  readonly sharedBy?: string;
  /** Recipient atSign with `@`, for `@bob:…` keys. */
  readonly sharedWith?: string;
  readonly isPublic: boolean;
}

export interface ClientConfig {
  readonly version?: string;
  readonly [field: string]: unknown;
}

export interface FromCommand {
  readonly verb: 'from';
  /** As sent: `@alice`, or `alice` (the C SDK omits the @). */
  readonly atSign: string;
  readonly clientConfig?: ClientConfig;
}

export interface CramCommand {
  readonly verb: 'cram';
  readonly digest: string;
}

export type PkamSigningAlgo = 'rsa2048' | 'ecc_secp256r1';
export type PkamHashingAlgo = 'sha256' | 'sha512';

export interface PkamCommand {
  readonly verb: 'pkam';
  readonly signature: string;
  readonly signingAlgo?: PkamSigningAlgo;
  readonly hashingAlgo?: PkamHashingAlgo;
  /** APKAM enrollment id. */
  readonly enrollmentId?: string;
}

export interface PolCommand {
  readonly verb: 'pol';
}

export interface UpdateCommand extends KeyReference {
  readonly verb: 'update';
  readonly value: string;
  readonly metadata: MetadataOptions;
  /** True when the options were not in canonical order and the lenient reader took them. */
  readonly lenient: boolean;
  /** Options accepted but meaningless here (Python sends `ttln` in update). */
  readonly ignoredOptions: readonly string[];
}

export interface UpdateJsonCommand {
  readonly verb: 'update:json';
  /** The `atKey` field: a fully-qualified key. */
  readonly key: string;
  readonly value: string | null;
  readonly metadata: MetadataOptions;
}

export interface UpdateMetaCommand extends KeyReference {
  readonly verb: 'update:meta';
  readonly metadata: MetadataOptions;
  readonly lenient: boolean;
}

export type LookupOperation = 'meta' | 'all';

export interface LlookupCommand extends KeyReference {
  readonly verb: 'llookup';
  readonly operation?: LookupOperation;
  readonly isCached: boolean;
}

export interface LookupCommand {
  readonly verb: 'lookup' | 'plookup';
  readonly operation?: LookupOperation;
  /** Skip the server's cached copy and ask the owner's server. */
  readonly bypassCache: boolean;
  /** `<atKey>@<owner>` as sent (no scope prefix: the connection state decides it). */
  readonly key: string;
  readonly atKey: string;
  readonly sharedBy: string;
}

export interface ScanCommand {
  readonly verb: 'scan';
  readonly showHidden: boolean;
  /** Another atSign whose keys shared with us are wanted (`scan:@bob`). */
  readonly forAtSign?: string;
  /** Accepted by the grammar, ignored by the reference server. */
  readonly page?: number;
  readonly regex?: string;
}

export type NotificationPriority = 'low' | 'medium' | 'high';

export interface DeleteCommand extends KeyReference {
  readonly verb: 'delete';
  readonly priority?: NotificationPriority;
  readonly isCached: boolean;
}

export interface StatsCommand {
  readonly verb: 'stats';
  /** Empty for a bare `stats`. */
  readonly statIds: readonly number[];
  readonly regex?: string;
}

export interface ConfigBlockCommand {
  readonly verb: 'config';
  readonly action: 'block';
  readonly operation: 'add' | 'remove' | 'show';
  /** For add/remove, as sent (each starts with `@`). */
  readonly atSigns: readonly string[];
}

export interface ConfigSettingCommand {
  readonly verb: 'config';
  readonly action: 'set' | 'reset' | 'print';
  /** `<name>=<value>` for set, `<name>` otherwise. */
  readonly setting: string;
}

export type ConfigCommand = ConfigBlockCommand | ConfigSettingCommand;

export interface MonitorCommand {
  readonly verb: 'monitor';
  readonly strict: boolean;
  /** Also deliver self notifications (APKAM enrollment requests). */
  readonly selfNotifications: boolean;
  readonly multiplexed: boolean;
  /** Replay stored notifications newer than this time first. */
  readonly epochMillis?: number;
  /** Default `.*` on the server. */
  readonly regex?: string;
}

export interface StreamCommand {
  readonly verb: 'stream';
  readonly operation?: 'init' | 'send' | 'receive' | 'done' | 'resume';
  readonly receiver?: string;
  readonly namespace?: string;
  readonly startByte?: number;
  readonly streamId?: string;
  readonly fileName?: string;
  readonly length?: number;
}

export type NotifyOperation = 'update' | 'delete';
export type NotifyMessageType = 'key' | 'text';
export type NotifyStrategy = 'all' | 'latest';

export interface NotifyCommand {
  readonly verb: 'notify';
  /** Client-chosen id (the Dart client uses a uuid v4); the server generates one otherwise. */
  readonly id?: string;
  readonly operation?: NotifyOperation;
  readonly messageType?: NotifyMessageType;
  readonly priority?: NotificationPriority;
  readonly strategy?: NotifyStrategy;
  readonly latestN?: number;
  readonly notifier?: string;
  /** Notification lifetime, ms. */
  readonly ttln?: number;
  readonly metadata: MetadataOptions;
  /** `notify:public:…` scope. */
  readonly isPublic: boolean;
  /** The recipient (`@bob`); absent only with the public scope. */
  readonly sharedWith?: string;
  /** The grammar's atKey: entity, `public:<entity>`, or the text of a text message. */
  readonly atKey: string;
  readonly sharedBy?: string;
  /** Notification key text (server.md §6.1): `@bob:phone@alice`, `public:x@alice`, `@bob:<text>`. */
  readonly key: string;
  readonly value?: string;
}

export interface NotifyListCommand {
  readonly verb: 'notify:list';
  /** `YYYY-MM-DD`, inclusive. */
  readonly fromDate?: string;
  readonly toDate?: string;
  /** Matched against the key or the sender atSign; cannot contain `:`. */
  readonly regex?: string;
}

export interface NotifyStatusCommand {
  readonly verb: 'notify:status';
  readonly notificationId: string;
}

export interface NotifyFetchCommand {
  readonly verb: 'notify:fetch';
  readonly notificationId: string;
}

export interface NotifyRemoveCommand {
  readonly verb: 'notify:remove';
  readonly id: string;
}

export interface NotifyAllCommand {
  readonly verb: 'notify:all';
  readonly operation?: NotifyOperation;
  readonly messageType?: NotifyMessageType;
  readonly ttl?: number;
  readonly ttb?: number;
  readonly ttr?: number;
  readonly ccd?: boolean;
  /** As sent, split on `,`. */
  readonly recipients: readonly string[];
  /** Entity without scope or owner (`phone`). */
  readonly atKey: string;
  readonly sharedBy?: string;
  readonly value?: string;
}

export interface BatchRequest {
  readonly id: unknown;
  readonly command: string;
}

export interface BatchCommand {
  readonly verb: 'batch';
  readonly requests: readonly BatchRequest[];
}

export interface SyncFromCommand {
  readonly verb: 'sync:from';
  /** -1 = from the beginning. */
  readonly fromCommitId: number;
  /** The server pages at 25 entries whatever is asked. */
  readonly limit: number;
  readonly regex?: string;
}

export interface InfoCommand {
  readonly verb: 'info';
  readonly brief: boolean;
}

export interface NoopCommand {
  readonly verb: 'noop';
  readonly delayMillis: number;
}

export type EnrollOperation = 'request' | 'approve' | 'deny' | 'revoke' | 'list' | 'fetch' | 'unrevoke' | 'delete';

export interface EnrollCommand {
  readonly verb: 'enroll';
  readonly operation: EnrollOperation;
  readonly force: boolean;
  /** The JSON parameters (enrollmentId, appName, deviceName, namespaces, apkamPublicKey, …). */
  readonly params?: Readonly<Record<string, unknown>>;
}

export interface OtpCommand {
  readonly verb: 'otp';
  readonly operation: 'get' | 'put';
  readonly otp?: string;
  readonly ttl?: number;
}

export interface KeysCommand {
  readonly verb: 'keys';
  readonly operation: 'put' | 'get' | 'delete';
  readonly visibility?: 'public' | 'private' | 'self';
  readonly namespace?: string;
  readonly appName?: string;
  readonly deviceName?: string;
  readonly keyType?: string;
  readonly encryptionKeyName?: string;
  readonly keyName?: string;
  /** The value after `keyName:<name> `; `keysCommand` writes one only with a keyName. */
  readonly keyValue?: string;
}

/** `@exit`: close the connection without a reply. */
export interface ExitCommand {
  readonly verb: 'exit';
}

export type VerbCommand =
  | FromCommand
  | CramCommand
  | PkamCommand
  | PolCommand
  | UpdateCommand
  | UpdateJsonCommand
  | UpdateMetaCommand
  | LlookupCommand
  | LookupCommand
  | ScanCommand
  | DeleteCommand
  | StatsCommand
  | ConfigCommand
  | MonitorCommand
  | StreamCommand
  | NotifyCommand
  | NotifyListCommand
  | NotifyStatusCommand
  | NotifyFetchCommand
  | NotifyRemoveCommand
  | NotifyAllCommand
  | BatchCommand
  | SyncFromCommand
  | InfoCommand
  | NoopCommand
  | EnrollCommand
  | OtpCommand
  | KeysCommand
  | ExitCommand;

export type VerbName = VerbCommand['verb'];

/** Whether the reference server requires an owner-authenticated connection (server.md §3.1). */
export function requiresOwnerAuth(command: VerbCommand): boolean {
  switch (command.verb) {
    case 'from':
    case 'cram':
    case 'pkam':
    case 'pol':
    case 'info':
    case 'noop':
    case 'exit':
    case 'lookup':
    case 'scan':
    case 'notify':
    case 'notify:list':
    case 'notify:status':
    case 'stream':
      return false;
    case 'enroll':
      return command.operation !== 'request';
    default:
      return true;
  }
}
