/**
 * Client-side command builders, one per verb of protocol.md §7. Each returns the command
 * text WITHOUT its line ending (the connection appends `\n`), byte-for-byte what atsign's
 * SDKs send, and each refuses arguments the server would misread: values with line breaks
 * (base64 them), metadata values with `:`, keys of the wrong type. Every result is checked
 * against the verb grammar before it is returned, so `parseVerb(build(x))` never fails.
 * Option types are taken from the typed commands `parseVerb` returns (verb-commands.ts), so
 * what a builder takes and what the parser gives back name their fields alike.
 */
import { formatAtKey, parseAtKey, type AtKey, type AtKeyParts } from './at-key.js';
import { normalizeAtSign } from './atsign.js';
import { checkGrammar, checkInteger, checkLineValue, checkPiece, singleLineJson } from './command-text.js';
import { IllegalArgumentError, InvalidAtKeyError } from './errors.js';
import { formatMetadataOptions, type MetadataOptions } from './metadata.js';
import type {
  DeleteCommand,
  EnrollOperation,
  KeysCommand,
  LlookupCommand,
  LookupCommand,
  MonitorCommand,
  NotifyAllCommand,
  NotifyCommand,
  NotifyListCommand,
  NotifyMessageType,
  PkamCommand,
  ScanCommand,
  SyncFromCommand,
} from './verb-commands.js';

/** A key as text (`@bob:phone.wavi@alice`) or as parts. */
export type KeyInput = string | AtKeyParts;

function resolveKey(key: KeyInput): AtKey {
  return parseAtKey(typeof key === 'string' ? key : formatAtKey(key));
}

const NO_COLON_OR_SPACE = /^[^:\s]+$/;
const ID = /^[\w-]+$/;
const NON_SPACE = /^\S+$/;

// ---------------------------------------------------------------- authentication

/** Fields of `from:…:clientConfig:{…}` (protocol.md §7.1). */
export interface ClientConfigFields {
  /** Client version; greater than 3.0.37 switches the connection to JSON errors. */
  readonly version?: string;
  readonly clientId?: string;
  readonly appName?: string;
  readonly appVersion?: string;
  readonly platform?: string;
  readonly [field: string]: unknown;
}

/** `from:@alice` or `from:@alice:clientConfig:{"version":"3.3.0",…}`. */
export function fromCommand(atSign: string, clientConfig?: ClientConfigFields): string {
  const config = clientConfig !== undefined && Object.keys(clientConfig).length > 0 ? `:clientConfig:${singleLineJson(clientConfig)}` : '';
  return checkGrammar('from', `from:${normalizeAtSign(atSign)}${config}`);
}

/** `cram:<lowercase hex sha512(secret + challenge)>`. */
export function cramCommand(digestHex: string): string {
  return checkGrammar('cram', `cram:${checkPiece('cram digest', digestHex, /^[0-9a-fA-F]+$/)}`);
}

export type PkamOptions = Pick<PkamCommand, 'signingAlgo' | 'hashingAlgo' | 'enrollmentId'>;

/**
 * `pkam:[signingAlgo:…:][hashingAlgo:…:][enrollmentId:…:]<base64 signature>`. Without
 * options this is the legacy form every non-Dart SDK sends.
 */
export function pkamCommand(signatureBase64: string, options: PkamOptions = {}): string {
  const parts = ['pkam'];
  if (options.signingAlgo !== undefined) parts.push('signingAlgo', options.signingAlgo);
  if (options.hashingAlgo !== undefined) parts.push('hashingAlgo', options.hashingAlgo);
  if (options.enrollmentId !== undefined) parts.push('enrollmentId', checkPiece('enrollmentId', options.enrollmentId, NO_COLON_OR_SPACE));
  parts.push(checkPiece('pkam signature', signatureBase64, NO_COLON_OR_SPACE));
  return checkGrammar('pkam', parts.join(':'));
}

/** `pol`: server-to-server proof of life after a foreign `from`. */
export function polCommand(): string {
  return 'pol';
}

// ---------------------------------------------------------------- key store

export type ScanOptions = Partial<Omit<ScanCommand, 'verb'>>;

/** `scan[:showHidden:true][:@bob][:page:n][ <regex>]`. */
export function scanCommand(options: ScanOptions = {}): string {
  let command = 'scan';
  if (options.showHidden === true) command += ':showHidden:true';
  if (options.forAtSign !== undefined) command += `:${normalizeAtSign(options.forAtSign)}`;
  if (options.page !== undefined) command += `:page:${checkInteger('scan page', options.page, 0)}`;
  if (options.regex !== undefined) command += ` ${checkPiece('scan regex', options.regex, NON_SPACE)}`;
  return checkGrammar('scan', command);
}

export const UPDATABLE_KEY_TYPES: ReadonlySet<string> = new Set(['publicKey', 'selfKey', 'sharedKey', 'reservedKey']);

/**
 * `update<metadata options>:<key> <value>`, options in canonical order. The value must be one
 * line without trailing whitespace: base64 multi-line text and set `encoding: 'base64'`.
 */
export function updateCommand(key: KeyInput, value: string, metadata?: MetadataOptions): string {
  const atKey = resolveKey(key);
  if (!UPDATABLE_KEY_TYPES.has(atKey.type)) {
    throw new InvalidAtKeyError(`You may not update keys of type ${atKey.type}`);
  }
  checkLineValue('update value', value);
  const command = `update${formatMetadataOptions(metadata)}:${atKey.text} ${value}`;
  if (/^update:meta/i.test(command)) {
    // The server's dispatch sends any `update:meta…` line to the update:meta handler.
    throw new IllegalArgumentError(
      `update of ${atKey.text} without metadata reads as update:meta; pass at least one metadata option (e.g. isEncrypted)`,
    );
  }
  return checkGrammar('update', command);
}

/** `update:meta:<key><metadata options>`: change metadata only. */
export function updateMetaCommand(key: KeyInput, metadata: MetadataOptions): string {
  const atKey = resolveKey(key);
  if (!UPDATABLE_KEY_TYPES.has(atKey.type)) {
    throw new InvalidAtKeyError(`You may not update keys of type ${atKey.type}`);
  }
  return checkGrammar('update_meta', `update:meta:${atKey.text}${formatMetadataOptions(metadata)}`);
}

export type LlookupOptions = Pick<LlookupCommand, 'operation'>;

/** `llookup[:meta|:all]:<key>`: read from your own store exactly as named (cached: too). */
export function llookupCommand(key: KeyInput, options: LlookupOptions = {}): string {
  const atKey = resolveKey(key);
  const operation = options.operation === undefined ? '' : `:${options.operation}`;
  return checkGrammar('llookup', `llookup${operation}:${atKey.text}`);
}

export type LookupOptions = Partial<Pick<LookupCommand, 'operation' | 'bypassCache'>>;

function lookupTarget(key: string | AtKeyParts): string {
  if (typeof key === 'string') return key;
  if (key.sharedBy === undefined) throw new InvalidAtKeyError('a lookup needs the owner atSign');
  return `${key.entity}${normalizeAtSign(key.sharedBy)}`;
}

function lookupLike(verb: 'lookup' | 'plookup', key: string | AtKeyParts, options: LookupOptions): string {
  let command = `${verb}:`;
  if (options.bypassCache === true) command += 'bypassCache:true:';
  if (options.operation !== undefined) command += `${options.operation}:`;
  return checkGrammar(verb, command + lookupTarget(key));
}

/** `lookup[:bypassCache:true][:meta|:all]:<entity>@<owner>`: read another atSign's key. */
export function lookupCommand(key: string | AtKeyParts, options: LookupOptions = {}): string {
  return lookupLike('lookup', key, options);
}

/** `plookup[…]:<entity>@<owner>`: read another atSign's public key via your server. */
export function plookupCommand(key: string | AtKeyParts, options: LookupOptions = {}): string {
  return lookupLike('plookup', key, options);
}

export type DeleteOptions = Pick<DeleteCommand, 'priority'>;

/** `delete[:priority:p]:<key>`; `cached:` copies and `privatekey:at_secret` included. */
export function deleteCommand(key: KeyInput, options: DeleteOptions = {}): string {
  const atKey = resolveKey(key);
  const priority = options.priority === undefined ? '' : `:priority:${options.priority}`;
  return checkGrammar('delete', `delete${priority}:${atKey.text}`);
}

// ---------------------------------------------------------------- server state

export interface StatsOptions {
  /** Stat ids (1–15); empty or absent for all. */
  readonly ids?: readonly number[];
  /** Only with a single id 3 (lastCommitID) or 15. */
  readonly regex?: string;
}

/** `stats`, `stats:3`, `stats:1,2,3`, `stats:3:<regex>`. */
export function statsCommand(options: StatsOptions = {}): string {
  const ids = options.ids ?? [];
  let command = 'stats';
  if (ids.length > 0) command += `:${ids.map((id) => checkInteger('stat id', id, 1)).join(',')}`;
  if (options.regex !== undefined) {
    if (ids.length !== 1 || (ids[0] !== 3 && ids[0] !== 15)) {
      throw new IllegalArgumentError('a stats regex is only allowed with the single id 3 or 15');
    }
    command += `:${checkLineValue('stats regex', options.regex)}`;
  }
  return checkGrammar('stats', command);
}

/** `config:block:add:@bob @colin` / `config:block:remove:@bob`. */
export function configBlockCommand(operation: 'add' | 'remove', atSigns: readonly string[]): string {
  if (atSigns.length === 0) throw new IllegalArgumentError(`config:block:${operation} needs at least one atSign`);
  return checkGrammar('config', `config:block:${operation}:${atSigns.map(normalizeAtSign).join(' ')}`);
}

/** `config:block:show`. */
export function configBlockShowCommand(): string {
  return 'config:block:show';
}

/** `config:set:<name>=<value>`, `config:reset:<name>`, `config:print:<name>` (test-mode servers). */
export function configSettingCommand(operation: 'set' | 'reset' | 'print', setting: string): string {
  return checkGrammar('config', `config:${operation}:${checkLineValue('config setting', setting)}`);
}

export type SyncFromOptions = Pick<SyncFromCommand, 'limit' | 'regex'>;

/** `sync:from:<commitId>:limit:<n>[:<regex>]`; -1 syncs from the beginning. */
export function syncFromCommand(fromCommitId: number, options: SyncFromOptions): string {
  let command = `sync:from:${checkInteger('sync commit id', fromCommitId, -1)}:limit:${checkInteger('sync limit', options.limit, 0)}`;
  if (options.regex !== undefined) command += `:${checkLineValue('sync regex', options.regex)}`;
  return checkGrammar('syncFrom', command);
}

// ---------------------------------------------------------------- notifications

/** The options every notify form takes, named as `parseVerb` reads them back. */
export type NotifyOptions = Pick<NotifyCommand, 'id' | 'operation' | 'messageType' | 'priority' | 'strategy' | 'latestN' | 'notifier' | 'ttln'> & {
  readonly metadata?: MetadataOptions;
};

/** Notify about a key: a shared key names its recipient; a public key needs `recipient`. */
export interface NotifyKeyInput extends NotifyOptions {
  readonly key: KeyInput;
  readonly recipient?: string;
  /** Sent after `:`; with a ttr the recipient server caches it. */
  readonly value?: string;
}

/** A text message (messageType text). */
export interface NotifyTextInput extends NotifyOptions {
  readonly text: string;
  readonly recipient: string;
}

export type NotifyInput = NotifyKeyInput | NotifyTextInput;

function notifyOptions(input: NotifyOptions, messageType: NotifyMessageType | undefined): string {
  let text = 'notify';
  if (input.id !== undefined) text += `:id:${checkPiece('notification id', input.id, ID)}`;
  if (input.operation !== undefined) text += `:${input.operation}`;
  if (messageType !== undefined) text += `:messageType:${messageType}`;
  if (input.priority !== undefined) text += `:priority:${input.priority}`;
  if (input.strategy !== undefined) text += `:strategy:${input.strategy}`;
  if (input.latestN !== undefined) text += `:latestN:${checkInteger('latestN', input.latestN, 0)}`;
  if (input.notifier !== undefined) text += `:notifier:${checkPiece('notifier', input.notifier, NO_COLON_OR_SPACE)}`;
  if (input.ttln !== undefined) text += `:ttln:${checkInteger('ttln', input.ttln, 0)}`;
  return text + formatMetadataOptions(input.metadata);
}

const NOTIFIABLE_KEY_TYPES: ReadonlySet<string> = new Set(['publicKey', 'selfKey', 'sharedKey', 'reservedKey']);

function notifyKeyTarget(input: NotifyKeyInput): string {
  const atKey = resolveKey(input.key);
  if (!NOTIFIABLE_KEY_TYPES.has(atKey.type) || atKey.sharedBy === undefined) {
    throw new InvalidAtKeyError(`cannot notify about ${atKey.type} ${JSON.stringify(atKey.text)}`);
  }
  const recipient = input.recipient === undefined ? undefined : normalizeAtSign(input.recipient);
  if (atKey.sharedWith !== undefined && recipient !== undefined && normalizeAtSign(atKey.sharedWith) !== recipient) {
    throw new IllegalArgumentError(`key ${atKey.text} is shared with ${atKey.sharedWith}, not ${recipient}`);
  }
  const to = atKey.sharedWith ?? recipient;
  if (to === undefined) throw new IllegalArgumentError('notify needs a recipient: share the key or pass recipient');
  const scope = atKey.isPublic ? 'public:' : '';
  const target = `:${to}:${scope}${atKey.entity}${atKey.sharedBy}`;
  return input.value === undefined ? target : `${target}:${checkLineValue('notify value', input.value)}`;
}

// The text sits where the grammar expects a key: at least two characters, no `@`, no `::`,
// not starting with `:`.
function notifyTextTarget(input: NotifyTextInput): string {
  const text = checkLineValue('notification text', input.text);
  if (text.includes('@') || text.includes('::') || text.startsWith(':') || text.length < 2) {
    throw new IllegalArgumentError('notification text must be 2+ characters without @, "::" or a leading ":"');
  }
  return `:${normalizeAtSign(input.recipient)}:${text}`;
}

/**
 * `notify[:id:…][:update|:delete][:messageType:…][:priority:…][:strategy:…][:latestN:…]
 * [:notifier:…][:ttln:…]<metadata options>:@<recipient>:<key>[:<value>]`, or for text
 * messages `notify…:messageType:text:@<recipient>:<text>`.
 */
export function notifyCommand(input: NotifyInput): string {
  if ('text' in input) {
    if (input.messageType === 'key') throw new IllegalArgumentError('a text notification has messageType text');
    return checkGrammar('notify', notifyOptions(input, 'text') + notifyTextTarget(input));
  }
  return checkGrammar('notify', notifyOptions(input, input.messageType) + notifyKeyTarget(input));
}

const NOTIFY_LIST_DATE = /^\d{4}-\d{2}-\d{2}$/;

export type NotifyListOptions = Omit<NotifyListCommand, 'verb'>;

/** `notify:list[:<fromDate>[:<toDate>]][:<regex>]`. */
export function notifyListCommand(options: NotifyListOptions = {}): string {
  let command = 'notify:list';
  if (options.toDate !== undefined && options.fromDate === undefined) {
    throw new IllegalArgumentError('notify:list needs fromDate when toDate is given');
  }
  if (options.fromDate !== undefined) command += `:${checkPiece('fromDate', options.fromDate, NOTIFY_LIST_DATE)}`;
  if (options.toDate !== undefined) command += `:${checkPiece('toDate', options.toDate, NOTIFY_LIST_DATE)}`;
  if (options.regex !== undefined) {
    const regex = checkLineValue('notify:list regex', options.regex);
    // Without an anchor after the dates, a regex that starts like a date would be read as one.
    if (regex.includes(':') || (options.toDate === undefined && /^\d{4}-/.test(regex))) {
      throw new IllegalArgumentError('notify:list regex cannot contain ":" or start like a date');
    }
    command += `:${regex}`;
  }
  return checkGrammar('notifyList', command);
}

/** `notify:status:<id>` → queued | delivered | errored | expired | null. */
export function notifyStatusCommand(notificationId: string): string {
  return checkGrammar('notifyStatus', `notify:status:${checkPiece('notification id', notificationId, NON_SPACE)}`);
}

/** `notify:fetch:<id>`. */
export function notifyFetchCommand(notificationId: string): string {
  return checkGrammar('notifyFetch', `notify:fetch:${checkPiece('notification id', notificationId, NON_SPACE)}`);
}

/** `notify:remove:<id>`: delete a stored notification (not a delete notification). */
export function notifyRemoveCommand(notificationId: string): string {
  return checkGrammar('notifyRemove', `notify:remove:${checkPiece('notification id', notificationId, ID)}`);
}

/** What `notifyAllCommand` takes: the fields `parseVerb` reads back from it. */
export type NotifyAllInput = Omit<NotifyAllCommand, 'verb'>;

/** Legacy multi-recipient `notify:all:[op:][messageType:t:][ttl:n:]…@a,@b:<key>[@owner][:<value>]`. */
export function notifyAllCommand(input: NotifyAllInput): string {
  if (input.recipients.length === 0) throw new IllegalArgumentError('notify:all needs at least one recipient');
  let command = 'notify:all:';
  if (input.operation !== undefined) command += `${input.operation}:`;
  if (input.messageType !== undefined) command += `messageType:${input.messageType}:`;
  if (input.ttl !== undefined) command += `ttl:${checkInteger('ttl', input.ttl, 0)}:`;
  if (input.ttb !== undefined) command += `ttb:${checkInteger('ttb', input.ttb, 0)}:`;
  if (input.ttr !== undefined) command += `ttr:${checkInteger('ttr', input.ttr, -1)}:`;
  if (input.ccd !== undefined) command += `ccd:${input.ccd}:`;
  command += input.recipients.map(normalizeAtSign).join(',');
  command += `:${checkPiece('notify:all key', input.atKey, /^[^@:\s]+$/)}`;
  if (input.sharedBy !== undefined) command += normalizeAtSign(input.sharedBy);
  if (input.value !== undefined) command += `:${checkLineValue('notify:all value', input.value)}`;
  return checkGrammar('notifyAll', command);
}

export type MonitorOptions = Partial<Omit<MonitorCommand, 'verb'>>;

/** `monitor[:strict][:selfNotifications][:multiplexed][:<epochMillis>][ <regex>]`; no reply. */
export function monitorCommand(options: MonitorOptions = {}): string {
  let command = 'monitor';
  if (options.strict === true) command += ':strict';
  if (options.selfNotifications === true) command += ':selfNotifications';
  if (options.multiplexed === true) command += ':multiplexed';
  if (options.epochMillis !== undefined) command += `:${checkInteger('monitor epochMillis', options.epochMillis, 0)}`;
  if (options.regex !== undefined) command += ` ${checkLineValue('monitor regex', options.regex)}`;
  return checkGrammar('monitor', command);
}

// ---------------------------------------------------------------- misc

/** `info` or `info:brief`. */
export function infoCommand(options: { readonly brief?: boolean } = {}): string {
  return options.brief === true ? 'info:brief' : 'info';
}

/** `noop:<ms>` → `data:ok` after the delay (servers refuse more than 5000 ms with AT0022). */
export function noopCommand(delayMillis = 0): string {
  return `noop:${checkInteger('noop delay', delayMillis, 0)}`;
}

export interface BatchEntry {
  readonly id: number | string;
  /** A single command as it would be sent alone (no line ending). */
  readonly command: string;
}

/** `batch:[{"id":1,"command":"update:…"},…]`. */
export function batchCommand(entries: readonly BatchEntry[]): string {
  if (entries.length === 0) throw new IllegalArgumentError('a batch needs at least one command');
  const requests = entries.map(({ id, command }) => ({ id, command: checkLineValue('batch command', command) }));
  return checkGrammar('batch', `batch:${singleLineJson(requests)}`);
}

export interface EnrollOptions {
  /** `enroll:revoke:force` revokes the connection's own enrollment. */
  readonly force?: boolean;
}

/** `enroll:<operation>[:force][:{json}]` (protocol.md §7.26). */
export function enrollCommand(
  operation: EnrollOperation,
  params?: Readonly<Record<string, unknown>>,
  options: EnrollOptions = {},
): string {
  let command = `enroll:${operation}`;
  if (options.force === true) command += ':force';
  if (params !== undefined) command += `:${singleLineJson(params)}`;
  return checkGrammar('enroll', command);
}

/** `otp:get[:ttl:<ms>]`. */
export function otpGetCommand(options: { readonly ttl?: number } = {}): string {
  const ttl = options.ttl === undefined ? '' : `:ttl:${checkInteger('otp ttl', options.ttl, 0)}`;
  return checkGrammar('otp', `otp:get${ttl}`);
}

/** `otp:put:<otp>[:ttl:<ms>]`: store a semi-permanent passcode (6+ word characters). */
export function otpPutCommand(otp: string, options: { readonly ttl?: number } = {}): string {
  const ttl = options.ttl === undefined ? '' : `:ttl:${checkInteger('otp ttl', options.ttl, 0)}`;
  return checkGrammar('otp', `otp:put:${checkPiece('otp', otp, /^\w{6,}$/)}${ttl}`);
}

export type KeysInput = Omit<KeysCommand, 'verb'>;

const KEYS_WORD = /^[a-zA-Z0-9_]+$/;
const KEYS_WORD_DASH = /^[a-zA-Z0-9_-]+$/;

/** `keys:<op>[:visibility][:namespace:…][:appName:…][:deviceName:…][:keyType:…][:encryptionKeyName:…][:keyName:<name> <value>]`. */
export function keysCommand(input: KeysInput): string {
  const parts: string[] = ['keys', input.operation];
  if (input.visibility !== undefined) parts.push(input.visibility);
  if (input.namespace !== undefined) parts.push('namespace', checkPiece('namespace', input.namespace, KEYS_WORD));
  if (input.appName !== undefined) parts.push('appName', checkPiece('appName', input.appName, KEYS_WORD));
  if (input.deviceName !== undefined) parts.push('deviceName', checkPiece('deviceName', input.deviceName, KEYS_WORD));
  if (input.keyType !== undefined) parts.push('keyType', checkPiece('keyType', input.keyType, KEYS_WORD_DASH));
  if (input.encryptionKeyName !== undefined) {
    parts.push('encryptionKeyName', checkPiece('encryptionKeyName', input.encryptionKeyName, KEYS_WORD_DASH));
  }
  if (input.keyName !== undefined) parts.push('keyName', checkPiece('keyName', input.keyName, NON_SPACE));
  let command = parts.join(':');
  if (input.keyValue !== undefined) {
    if (input.keyName === undefined) throw new IllegalArgumentError('keys: a keyValue needs a keyName');
    command += ` ${checkLineValue('keys value', input.keyValue)}`;
  }
  return checkGrammar('keys', command);
}

/** `@exit`: polite close; neither server nor root replies. */
export function exitCommand(): string {
  return '@exit';
}
