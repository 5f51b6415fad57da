/**
 * Server-side command parsing: verb dispatch as the reference server does it (protocol.md §6,
 * server.md §2.3), the verb grammar, and typed commands. Every failure is an
 * InvalidSyntaxError (AT0003); nothing else is ever thrown, whatever the input.
 *
 * One deliberate leniency: `update` and `update:meta` accept their metadata options in any
 * order (and `ttln` in update) when the strict grammar fails, because atsign's own Python SDK
 * writes them out of order (clients.md). `notify` stays strict: its option order is checked
 * by the reference functional tests (verb_exchanges.json).
 */
import { InvalidSyntaxError, UnexpectedResponseError } from './errors.js';
import { metadataFromJson } from './metadata-json.js';
import {
  metadataFromOptionGroups,
  parseMetadataOptions,
  pickMetadataOptions,
  scanMetadataOptions,
  type MetadataOptions,
} from './metadata.js';
import {
  definedGroups,
  matchVerb,
  UPDATE_KEY_VALUE_FRAGMENT,
  UPDATE_META_KEY_FRAGMENT,
  type VerbGrammarName,
  type VerbGroups,
} from './verb-grammar.js';
import type {
  BatchRequest,
  ClientConfig,
  ConfigCommand,
  EnrollOperation,
  KeyReference,
  LookupOperation,
  NotificationPriority,
  NotifyMessageType,
  NotifyOperation,
  NotifyStrategy,
  PkamHashingAlgo,
  PkamSigningAlgo,
  StreamCommand,
  VerbCommand,
  VerbName,
} from './verb-commands.js';

interface Handler {
  /** The verb this handler serves (update:json is served by update). */
  readonly verb: Exclude<VerbName, 'update:json' | 'exit'>;
  /** Prefix test on the dispatch form (verb part lower-cased, spaces removed). */
  readonly accepts: (dispatch: string) => boolean;
  readonly parse: (line: string) => VerbCommand;
}

const USAGE: Readonly<Record<string, string>> = {
  from: 'from:<atSign>[:clientConfig:{json}]',
  cram: 'cram:<digest>',
  pkam: 'pkam:[signingAlgo:<algo>:][hashingAlgo:<algo>:][enrollmentId:<id>:]<signature>',
  update: 'update[<metadata options>]:[public:|@<atSign>:]<key>@<atSign> <value>',
  'update:meta': 'update:meta:[public:|@<atSign>:]<key>@<atSign><metadata options>',
  llookup: 'llookup[:meta|:all][:cached]:[public:|@<atSign>:]<key>@<atSign>',
  plookup: 'plookup:[bypassCache:true:][meta:|all:]<key>@<atSign>',
  lookup: 'lookup:[bypassCache:true:][meta:|all:]<key>@<atSign>',
  scan: 'scan[:showHidden:true][:@<atSign>][:page:<n>][ <regex>]',
  pol: 'pol',
  delete: 'delete[:priority:<p>][:cached]:[public:|@<atSign>:]<key>@<atSign>',
  stats: 'stats[:<id>[,<id>…]][:<regex>]',
  config: 'config:block:add|remove:<atSign>[ <atSign>…] | config:block:show',
  monitor: 'monitor[:strict][:selfNotifications][:multiplexed][:<epochMillis>][ <regex>]',
  stream: 'stream:<operation>…',
  notify:
    'notify[:id:<id>][:update|:delete][:messageType:key|text][:priority:<p>][:strategy:<s>][:latestN:<n>]' +
    '[:notifier:<n>][:ttln:<ms>][<metadata options>]:@<atSign>:<key>[@<atSign>][:<value>]',
  'notify:list': 'notify:list[:<fromDate>][:<toDate>][:<regex>]',
  batch: 'batch:<json array>',
  'notify:status': 'notify:status:<id>',
  'notify:all': 'notify:all:…:<atSign>[,<atSign>…]:<key>[@<atSign>][:<value>]',
  'sync:from': 'sync:from:<commitId>:limit:<n>[:<regex>]',
  info: 'info[:brief]',
  noop: 'noop:<millis>',
  'notify:remove': 'notify:remove:<id>',
  'notify:fetch': 'notify:fetch:<id>',
  enroll: 'enroll:<operation>[:force][:{json}]',
  otp: 'otp:get[:ttl:<ms>] | otp:put:<otp>[:ttl:<ms>]',
  keys: 'keys:put|get|delete:…',
};

function syntaxError(verb: string): InvalidSyntaxError {
  return new InvalidSyntaxError(`Invalid syntax. Usage: ${USAGE[verb] ?? verb}`);
}

function grammar(name: VerbGrammarName, verb: string, line: string): VerbGroups {
  const groups = matchVerb(name, line);
  if (groups === null) throw syntaxError(verb);
  return groups;
}

function int(groups: VerbGroups, name: string): number | undefined {
  const text = groups[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new InvalidSyntaxError(`Invalid syntax. ${name} is out of range: ${text}`);
  return value;
}

function lower<T extends string>(groups: VerbGroups, name: string): T | undefined {
  return groups[name]?.toLowerCase() as T | undefined;
}

function withAt(atSign: string): string {
  return atSign.startsWith('@') ? atSign : `@${atSign}`;
}

/** Spreads a field only when it has a value, so absent fields stay absent (exactOptional). */
function opt<K extends string, V>(name: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [name]: value }) as { [P in K]?: V };
}

function keyReference(groups: VerbGroups, cachedPrefix: boolean): KeyReference {
  const atKey = groups['atKey'] ?? '';
  const isPublic = groups['publicScope'] !== undefined;
  const sharedWith = groups['forAtSign'] === undefined ? undefined : withAt(groups['forAtSign']);
  const sharedBy = groups['atSign'] === undefined ? undefined : withAt(groups['atSign']);
  const key =
    (cachedPrefix ? 'cached:' : '') +
    (isPublic ? 'public:' : '') +
    (sharedWith === undefined ? '' : `${sharedWith}:`) +
    atKey +
    (sharedBy ?? '');
  return { key, atKey, isPublic, ...opt('sharedWith', sharedWith), ...opt('sharedBy', sharedBy) };
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new InvalidSyntaxError(`Invalid syntax. ${what} is not valid JSON`, { cause });
  }
}

function jsonObject(text: string, what: string): Record<string, unknown> {
  const value = parseJson(text, what);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidSyntaxError(`Invalid syntax. ${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

function parseFrom(line: string): VerbCommand {
  const groups = grammar('from', 'from', line);
  const config = groups['clientConfig'];
  return {
    verb: 'from',
    atSign: groups['atSign'] ?? '',
    ...opt('clientConfig', config === undefined ? undefined : (jsonObject(config, 'clientConfig') as ClientConfig)),
  };
}

function parsePol(line: string): VerbCommand {
  grammar('pol', 'pol', line);
  return { verb: 'pol' };
}

function parsePkam(line: string): VerbCommand {
  const groups = grammar('pkam', 'pkam', line);
  return {
    verb: 'pkam',
    signature: groups['signature'] ?? '',
    ...opt('signingAlgo', lower<PkamSigningAlgo>(groups, 'signingAlgo')),
    ...opt('hashingAlgo', lower<PkamHashingAlgo>(groups, 'hashingAlgo')),
    ...opt('enrollmentId', groups['enrollmentId']),
  };
}

// Key and value of an update, after the metadata options (the tail of the update grammar).
const UPDATE_TAIL = new RegExp(`^${UPDATE_KEY_VALUE_FRAGMENT}`, 'i');
const UPDATE_VERB = /^update/i;

function parseUpdate(line: string): VerbCommand {
  if (/^update:json:/i.test(line)) return parseUpdateJson(line);
  const strict = matchVerb('update', line);
  if (strict !== null) {
    return {
      verb: 'update',
      ...keyReference(strict, false),
      value: strict['value'] ?? '',
      metadata: metadataFromOptionGroups(strict),
      lenient: false,
      ignoredOptions: [],
    };
  }
  const verb = UPDATE_VERB.exec(line);
  if (verb === null) throw syntaxError('update');
  const scanned = scanMetadataOptions(line.slice(verb[0].length), ['ttln']);
  const tail = UPDATE_TAIL.exec(scanned.rest);
  if (tail === null) throw syntaxError('update');
  const groups = definedGroups(tail);
  return {
    verb: 'update',
    ...keyReference(groups, false),
    value: groups['value'] ?? '',
    metadata: scanned.metadata,
    lenient: true,
    ignoredOptions: Object.keys(scanned.extras),
  };
}

function parseUpdateJson(line: string): VerbCommand {
  const groups = grammar('update', 'update', line);
  const json = jsonObject(groups['json'] ?? '', 'update:json');
  const key = json['atKey'];
  if (typeof key !== 'string' || key === '') {
    throw new InvalidSyntaxError('Invalid syntax. update:json needs an atKey string');
  }
  const value = json['value'];
  let metadata: MetadataOptions = {};
  if (json['metadata'] !== undefined && json['metadata'] !== null) {
    try {
      metadata = pickMetadataOptions(metadataFromJson(json['metadata']));
    } catch (cause) {
      if (!(cause instanceof UnexpectedResponseError)) throw cause;
      throw new InvalidSyntaxError(`Invalid syntax. update:json ${cause.detail}`, { cause });
    }
  }
  return {
    verb: 'update:json',
    key,
    value: value === undefined || value === null ? null : typeof value === 'string' ? value : JSON.stringify(value),
    metadata,
  };
}

const UPDATE_META_HEAD = new RegExp(UPDATE_META_KEY_FRAGMENT, 'i');

function parseUpdateMeta(line: string): VerbCommand {
  const strict = matchVerb('update_meta', line);
  if (strict !== null) {
    return { verb: 'update:meta', ...keyReference(strict, false), metadata: metadataFromOptionGroups(strict), lenient: false };
  }
  const head = UPDATE_META_HEAD.exec(line);
  if (head === null) throw syntaxError('update:meta');
  let metadata: MetadataOptions;
  try {
    metadata = parseMetadataOptions(line.slice(head[0].length));
  } catch {
    throw syntaxError('update:meta');
  }
  return { verb: 'update:meta', ...keyReference(definedGroups(head), false), metadata, lenient: true };
}

function parseLlookup(line: string): VerbCommand {
  const groups = grammar('llookup', 'llookup', line);
  const isCached = /^llookup(:(meta|all))?:cached:/i.test(line);
  return {
    verb: 'llookup',
    ...keyReference(groups, isCached),
    ...opt('operation', lower<LookupOperation>(groups, 'operation')),
    isCached,
  };
}

function parseLookup(verb: 'lookup' | 'plookup', line: string): VerbCommand {
  const groups = grammar(verb, verb, line);
  const atKey = groups['atKey'] ?? '';
  const sharedBy = withAt(groups['atSign'] ?? '');
  return {
    verb,
    ...opt('operation', lower<LookupOperation>(groups, 'operation')),
    bypassCache: lower(groups, 'bypassCache') === 'true',
    key: `${atKey}${sharedBy}`,
    atKey,
    sharedBy,
  };
}

function parseScan(line: string): VerbCommand {
  const groups = grammar('scan', 'scan', line);
  return {
    verb: 'scan',
    showHidden: lower(groups, 'showhidden') === 'true',
    ...opt('forAtSign', groups['forAtSign']),
    ...opt('page', int(groups, 'page')),
    ...opt('regex', groups['regex']),
  };
}

function parseDelete(line: string): VerbCommand {
  const groups = grammar('delete', 'delete', line);
  const isCached = /^delete(:priority:(low|medium|high))?:cached:/i.test(line);
  return {
    verb: 'delete',
    ...keyReference(groups, isCached),
    ...opt('priority', lower<NotificationPriority>(groups, 'priority')),
    isCached,
  };
}

function parseStats(line: string): VerbCommand {
  const groups = grammar('stats', 'stats', line);
  const statIds = (groups['statId'] ?? '')
    .slice(1)
    .split(',')
    .filter((id) => id !== '')
    .map((id) => {
      const value = Number(id);
      if (!Number.isSafeInteger(value)) throw new InvalidSyntaxError(`Invalid syntax. stat id out of range: ${id}`);
      return value;
    });
  return { verb: 'stats', statIds, ...opt('regex', groups['regex']) };
}

function parseConfig(line: string): ConfigCommand {
  const groups = grammar('config', 'config', line);
  const operation = lower<'add' | 'remove' | 'show'>(groups, 'operation');
  if (operation !== undefined) {
    const atSigns = groups['atSign'] === undefined ? [] : groups['atSign'].split(' ').filter((a) => a !== '');
    return { verb: 'config', action: 'block', operation, atSigns };
  }
  const action = lower<'set' | 'reset' | 'print'>(groups, 'setOperation');
  if (action === undefined) throw syntaxError('config');
  return { verb: 'config', action, setting: groups['configNew'] ?? '' };
}

function parseMonitor(line: string): VerbCommand {
  const groups = grammar('monitor', 'monitor', line);
  return {
    verb: 'monitor',
    strict: groups['strict'] !== undefined,
    selfNotifications: groups['selfNotifications'] !== undefined,
    multiplexed: groups['multiplexed'] !== undefined,
    ...opt('epochMillis', int(groups, 'epochMillis')),
    ...opt('regex', groups['regex']),
  };
}

function parseStream(line: string): VerbCommand {
  const groups = grammar('stream', 'stream', line);
  return {
    verb: 'stream',
    ...opt('operation', lower<NonNullable<StreamCommand['operation']>>(groups, 'operation')),
    ...opt('receiver', groups['receiver']),
    ...opt('namespace', groups['namespace']),
    ...opt('startByte', int(groups, 'startByte')),
    ...opt('streamId', groups['streamId']),
    ...opt('fileName', groups['fileName']),
    ...opt('length', int(groups, 'length')),
  };
}

function notificationKey(reference: KeyReference): string {
  if (reference.isPublic) return `public:${reference.atKey}${reference.sharedBy ?? ''}`;
  if (reference.atKey.toLowerCase().startsWith('public:')) return `${reference.atKey}${reference.sharedBy ?? ''}`;
  return reference.key;
}

function parseNotify(line: string): VerbCommand {
  const groups = grammar('notify', 'notify', line);
  const reference = keyReference(groups, false);
  return {
    verb: 'notify',
    ...opt('id', groups['id']),
    ...opt('operation', lower<NotifyOperation>(groups, 'operation')),
    ...opt('messageType', lower<NotifyMessageType>(groups, 'messageType')),
    ...opt('priority', lower<NotificationPriority>(groups, 'priority')),
    ...opt('strategy', lower<NotifyStrategy>(groups, 'strategy')),
    ...opt('latestN', int(groups, 'latestN')),
    ...opt('notifier', groups['notifier']),
    ...opt('ttln', int(groups, 'ttln')),
    metadata: metadataFromOptionGroups(groups),
    isPublic: reference.isPublic,
    ...opt('sharedWith', reference.sharedWith),
    atKey: reference.atKey,
    ...opt('sharedBy', reference.sharedBy),
    key: notificationKey(reference),
    ...opt('value', groups['value']),
  };
}

function parseNotifyAll(line: string): VerbCommand {
  const groups = grammar('notifyAll', 'notify:all', line);
  const ccd = lower(groups, 'ccd');
  return {
    verb: 'notify:all',
    ...opt('operation', lower<NotifyOperation>(groups, 'operation')),
    ...opt('messageType', lower<NotifyMessageType>(groups, 'messageType')),
    ...opt('ttl', int(groups, 'ttl')),
    ...opt('ttb', int(groups, 'ttb')),
    ...opt('ttr', int(groups, 'ttr')),
    ...opt('ccd', ccd === undefined ? undefined : ccd === 'true'),
    recipients: (groups['forAtSign'] ?? '').split(',').filter((a) => a !== ''),
    atKey: groups['atKey'] ?? '',
    ...opt('sharedBy', groups['atSign'] === undefined ? undefined : withAt(groups['atSign'])),
    ...opt('value', groups['value']),
  };
}

function parseBatch(line: string): VerbCommand {
  const groups = grammar('batch', 'batch', line);
  const json = parseJson(groups['json'] ?? '', 'batch');
  if (!Array.isArray(json)) throw new InvalidSyntaxError('Invalid syntax. batch needs a JSON array');
  const requests: BatchRequest[] = json.map((entry: unknown) => {
    const command = (entry as { command?: unknown } | null)?.command;
    if (entry === null || typeof entry !== 'object' || typeof command !== 'string') {
      throw new InvalidSyntaxError('Invalid syntax. every batch entry needs a command string');
    }
    return { id: (entry as { id?: unknown }).id, command };
  });
  return { verb: 'batch', requests };
}

function parseSyncFrom(line: string): VerbCommand {
  const groups = grammar('syncFrom', 'sync:from', line);
  return {
    verb: 'sync:from',
    fromCommitId: int(groups, 'from_commit_seq') ?? -1,
    limit: int(groups, 'limit') ?? 0,
    ...opt('regex', groups['regex']),
  };
}

function parseEnroll(line: string): VerbCommand {
  const groups = grammar('enroll', 'enroll', line);
  const params = groups['enrollParams'];
  return {
    verb: 'enroll',
    operation: lower<EnrollOperation>(groups, 'operation') ?? 'request',
    force: groups['force'] !== undefined,
    ...opt('params', params === undefined ? undefined : jsonObject(params, 'enroll parameters')),
  };
}

function parseKeys(line: string): VerbCommand {
  const groups = grammar('keys', 'keys', line);
  return {
    verb: 'keys',
    operation: lower<'put' | 'get' | 'delete'>(groups, 'operation') ?? 'get',
    ...opt('visibility', lower<'public' | 'private' | 'self'>(groups, 'visibility')),
    ...opt('namespace', groups['namespace']),
    ...opt('appName', groups['appName']),
    ...opt('deviceName', groups['deviceName']),
    ...opt('keyType', groups['keyType']),
    ...opt('encryptionKeyName', groups['encryptionKeyName']),
    ...opt('keyName', groups['keyName']),
    ...opt('keyValue', groups['keyValue']),
  };
}

const NOTIFY_SUBVERBS = ['notify:list', 'notify:status', 'notify:all', 'notify:remove', 'notify:fetch'];

// The reference server's handler order (protocol.md §6); the first that accepts wins.
const HANDLERS: readonly Handler[] = [
  { verb: 'from', accepts: (d) => d.startsWith('from:'), parse: parseFrom },
  { verb: 'cram', accepts: (d) => d.startsWith('cram:'), parse: (l) => ({ verb: 'cram', digest: grammar('cram', 'cram', l)['digest'] ?? '' }) },
  { verb: 'pkam', accepts: (d) => d.startsWith('pkam:'), parse: parsePkam },
  { verb: 'update', accepts: (d) => d.startsWith('update:') && !d.startsWith('update:meta'), parse: parseUpdate },
  { verb: 'update:meta', accepts: (d) => d.startsWith('update:meta:'), parse: parseUpdateMeta },
  { verb: 'llookup', accepts: (d) => d.startsWith('llookup:'), parse: parseLlookup },
  { verb: 'plookup', accepts: (d) => d.startsWith('plookup:'), parse: (l) => parseLookup('plookup', l) },
  { verb: 'lookup', accepts: (d) => d.startsWith('lookup:'), parse: (l) => parseLookup('lookup', l) },
  { verb: 'scan', accepts: (d) => d.startsWith('scan'), parse: parseScan },
  { verb: 'pol', accepts: (d) => d === 'pol', parse: parsePol },
  { verb: 'delete', accepts: (d) => d.startsWith('delete:'), parse: parseDelete },
  { verb: 'stats', accepts: (d) => d.startsWith('stats'), parse: parseStats },
  { verb: 'config', accepts: (d) => d.startsWith('config:'), parse: parseConfig },
  { verb: 'monitor', accepts: (d) => d.startsWith('monitor'), parse: parseMonitor },
  { verb: 'stream', accepts: (d) => d.startsWith('stream'), parse: parseStream },
  { verb: 'notify', accepts: (d) => d.startsWith('notify:') && !NOTIFY_SUBVERBS.some((s) => d.startsWith(s)), parse: parseNotify },
  {
    verb: 'notify:list', accepts: (d) => d.startsWith('notify:list'),
    parse: (l) => {
      const g = grammar('notifyList', 'notify:list', l);
      return { verb: 'notify:list', ...opt('fromDate', g['fromDate']), ...opt('toDate', g['toDate']), ...opt('regex', g['regex']) };
    },
  },
  { verb: 'batch', accepts: (d) => d.startsWith('batch:'), parse: parseBatch },
  {
    verb: 'notify:status', accepts: (d) => d.startsWith('notify:status'),
    parse: (l) => ({ verb: 'notify:status', notificationId: grammar('notifyStatus', 'notify:status', l)['notificationId'] ?? '' }),
  },
  { verb: 'notify:all', accepts: (d) => d.startsWith('notify:all'), parse: parseNotifyAll },
  { verb: 'sync:from', accepts: (d) => d.startsWith('sync:from'), parse: parseSyncFrom },
  {
    verb: 'info', accepts: (d) => d === 'info' || d === 'info:brief',
    parse: (l) => {
      grammar('info', 'info', l);
      return { verb: 'info', brief: /:brief$/i.test(l) };
    },
  },
  { verb: 'noop', accepts: (d) => d.startsWith('noop:'), parse: (l) => ({ verb: 'noop', delayMillis: int(grammar('noOp', 'noop', l), 'delayMillis') ?? 0 }) },
  {
    verb: 'notify:remove', accepts: (d) => d.startsWith('notify:remove:'),
    parse: (l) => ({ verb: 'notify:remove', id: grammar('notifyRemove', 'notify:remove', l)['id'] ?? '' }),
  },
  {
    verb: 'notify:fetch', accepts: (d) => d.startsWith('notify:fetch'),
    parse: (l) => ({ verb: 'notify:fetch', notificationId: grammar('notifyFetch', 'notify:fetch', l)['notificationId'] ?? '' }),
  },
  { verb: 'enroll', accepts: (d) => d.startsWith('enroll:'), parse: parseEnroll },
  {
    verb: 'otp', accepts: (d) => d.startsWith('otp:'),
    parse: (l) => {
      const g = grammar('otp', 'otp', l);
      return { verb: 'otp', operation: lower<'get' | 'put'>(g, 'operation') ?? 'get', ...opt('otp', g['otp']), ...opt('ttl', int(g, 'ttl')) };
    },
  },
  { verb: 'keys', accepts: (d) => d.startsWith('keys:'), parse: parseKeys },
];

/**
 * The form the reference dispatches on: the verb portion (before the first `:`, or the whole
 * command without one) lower-cased with spaces removed. Prefix tests here are made on its
 * lower-cased whole, which also lets `NOTIFY:LIST` reach its handler.
 */
export function dispatchForm(line: string): string {
  const colon = line.indexOf(':');
  const verb = colon === -1 ? line : line.slice(0, colon);
  const rest = colon === -1 ? '' : line.slice(colon);
  return (verb.replaceAll(' ', '') + rest).toLowerCase();
}

/**
 * Which verb's handler the reference server would hand this line to, before any grammar
 * check; undefined when none would (AT0003 invalid command). Builders use it to make sure a
 * command they write reaches the verb they meant (`update:metadata@alice v` would not).
 */
export function dispatchVerb(line: string): VerbName | undefined {
  const command = line.trim();
  if (command === '@exit') return 'exit';
  const dispatch = dispatchForm(command);
  return HANDLERS.find((candidate) => candidate.accepts(dispatch))?.verb;
}

/**
 * Parses one command line (without its line ending; surrounding whitespace is trimmed as the
 * server does). Returns a typed command or throws InvalidSyntaxError (AT0003): `invalid
 * command` when no verb accepts it, `Invalid syntax. Usage: …` when the verb's grammar fails.
 */
export function parseVerb(line: string): VerbCommand {
  const verb = dispatchVerb(line);
  if (verb === undefined) throw new InvalidSyntaxError('invalid command');
  return parseDispatchedVerb(line, verb);
}

const HANDLER_OF_VERB: ReadonlyMap<VerbName, Handler> = new Map(HANDLERS.map((handler) => [handler.verb, handler]));

/**
 * Parses a line that `dispatchVerb` has already routed to `verb`: the server routes first
 * (to refuse an owner-only verb before its grammar), and need not search the handlers twice.
 */
export function parseDispatchedVerb(line: string, verb: VerbName): VerbCommand {
  if (verb === 'exit') return { verb: 'exit' };
  const handler = HANDLER_OF_VERB.get(verb);
  if (handler === undefined) throw new InvalidSyntaxError('invalid command');
  try {
    return handler.parse(line.trim());
  } catch (err) {
    if (err instanceof InvalidSyntaxError) throw err;
    // Defensive: a grammar edge case must still reach the client as AT0003, never a crash.
    throw new InvalidSyntaxError('Invalid syntax', { cause: err });
  }
}
