/**
 * The verb grammar of the @protocol: the 30 regexes of at_commons 5.0.1
 * (`at_libraries:packages/at_commons/lib/src/verb/syntax.dart`, the version pinned by
 * at_server 3.0.52), carried over verbatim as data. They are upstream's grammar, not ours:
 * do not "fix" them here (quirks such as the unanchored notifyRemove or the `(<=list:)`
 * typo in enroll are part of what peers expect). Tests compare every source with
 * test/fixtures/vectors/verb_syntax.json.
 *
 * Evaluate as the reference does: case-insensitive, JavaScript non-unicode mode, named
 * groups of the FIRST match (Dart `allMatches` + `putIfAbsent`).
 */

/** The metadata options, spliced into update, update:meta and notify (protocol.md §5.1). */
export const METADATA_FRAGMENT = String.raw`(:ttl:(?<ttl>(-?)\d+))?(:ttb:(?<ttb>(-?)\d+))?(:ttr:(?<ttr>(-?)\d+))?(:ccd:(?<ccd>true|false))?(:dataSignature:(?<dataSignature>[^:@\s]+))?(:sharedKeyStatus:(?<sharedKeyStatus>[^:@\s]+))?(:isBinary:(?<isBinary>true|false))?(:isEncrypted:(?<isEncrypted>true|false))?(:sharedKeyEnc:(?<sharedKeyEnc>[^:@\s]+))?(:pubKeyCS:(?<pubKeyCS>[^:@\s]+))?(:encoding:(?<encoding>[^:@\s]+))?(:encKeyName:(?<encKeyName>[^:@\s]+))?(:encAlgo:(?<encAlgo>[^:@\s]+))?(:ivNonce:(?<ivNonce>[^:@\s]+))?(:skeEncKeyName:(?<skeEncKeyName>[^:@\s]+))?(:skeEncAlgo:(?<skeEncAlgo>[^:@\s]+))?`;

/** What follows the options of `update`: key and value. The lenient update reader reuses it. */
export const UPDATE_KEY_VALUE_FRAGMENT = String.raw`(:((?<publicScope>public)|(@(?<forAtSign>[^:@\s]+))))?:(?<atKey>(([^:@\s]+)|(privatekey:at_pkam_publickey)))(@(?<atSign>[^:@\s]+))? (?<value>.+)$`;

/** What precedes the options of `update:meta`: verb and key. The lenient reader reuses it. */
export const UPDATE_META_KEY_FRAGMENT = String.raw`^update:meta(:((?<publicScope>public)|(@(?<forAtSign>[^:@\s]+))))?:(?<atKey>[^:@]((?!:{2})[^:@])+)@(?<atSign>[^:@\s]+)`;

export const VERB_GRAMMAR = {
  from: String.raw`^from:(?<atSign>@?[^:@\s]+)(:clientConfig:(?<clientConfig>\{.+\}))?$`,
  pol: String.raw`^pol$`,
  cram: String.raw`^cram:(?<digest>.+$)`,
  pkam: String.raw`^pkam:(signingAlgo:(?<signingAlgo>ecc_secp256r1|rsa2048):)?(hashingAlgo:(?<hashingAlgo>sha256|sha512):)?(enrollmentId:(?<enrollmentId>.+):)?(?<signature>.+$)`,
  llookup: String.raw`^llookup(:(?<operation>meta|all))?(:cached)?(:((?<publicScope>public)|(@(?<forAtSign>[^:@\s]+))))?:(?<atKey>[^:]((?!:{2})[^@])+)@(?<atSign>[^:@\s]+)$`,
  plookup: String.raw`^plookup:(bypassCache:(?<bypassCache>true|false):)?((?<operation>meta|all):)?(?<atKey>[^@\s]+)@(?<atSign>[^:@\s]+)$`,
  lookup: String.raw`^lookup:(bypassCache:(?<bypassCache>true|false):)?((?<operation>meta|all):)?(?<atKey>(?:[^:]).+)@(?<atSign>[^:@\s]+)$`,
  scan: String.raw`^scan$|scan(:showhidden:(?<showhidden>true|false))?(:(?<forAtSign>@[^:@\s]+))?(:page:(?<page>\d+))?( (?<regex>\S+))?$`,
  config: String.raw`^config:(?:(?<=config:)block:(?<operation>add|remove|show)(?:(?<=show)\s?$|(?:(?<=add|remove):(?<atSign>(?:@[^:@\s]+)( (?:@[^\s@]+))*$))))|(?:(?<=config:)(?<setOperation>set|reset|print):(?<configNew>.+)$)`,
  stats: String.raw`^stats(?<statId>:((?!0)\d+)?(,(\d+))*)?(:(?<regex>(?<=:3:|:15:).+))?$`,
  sync: String.raw`^sync:(?<from_commit_seq>[0-9]+|-1)(:(?<regex>.+))?$`,
  syncFrom: String.raw`^sync:from:(?<from_commit_seq>[0-9]+|-1)(:limit:(?<limit>\d+))(:(?<regex>.+))?$`,
  metadataFragment: METADATA_FRAGMENT,
  update: String.raw`^update:json:(?<json>.+)$|^update` + METADATA_FRAGMENT + UPDATE_KEY_VALUE_FRAGMENT,
  update_meta: UPDATE_META_KEY_FRAGMENT + METADATA_FRAGMENT + String.raw`$`,
  delete: String.raw`^delete(:priority:(?<priority>low|medium|high))?(:cached)?(:((?<publicScope>public)|(@(?<forAtSign>[^:@\s]+))))?:(?<atKey>(([^:@\s]+)|(privatekey:at_secret)))(@(?<atSign>[^:@\s]+))?$`,
  monitor: String.raw`^monitor(:(?<strict>strict))?(:(?<selfNotifications>selfNotifications))?(:(?<multiplexed>multiplexed))?(:(?<epochMillis>\d+))?( (?<regex>.+))?$`,
  stream: String.raw`^stream:((?<operation>init|send|receive|done|resume))?((@(?<receiver>[^@:\s]+)))?( ?namespace:(?<namespace>[\w-]+))?( ?startByte:(?<startByte>\d+))?( (?<streamId>[\w-]*))?( (?<fileName>.* ))?((?<length>\d*))?$`,
  notify:
    String.raw`^notify(:id:(?<id>[\w\d\-\_]+))?(:(?<operation>update|delete))?(:messageType:(?<messageType>key|text))?(:priority:(?<priority>low|medium|high))?(:strategy:(?<strategy>all|latest))?(:latestN:(?<latestN>\d+))?(:notifier:(?<notifier>[^\s:]+))?(:ttln:(?<ttln>\d+))?` +
    METADATA_FRAGMENT +
    String.raw`:((?<publicScope>public)|(@(?<forAtSign>[^:@\s]+))):(?<atKey>[^:@]((?!:{2})[^@])+)(@(?<atSign>[^:@\s]+))?(:(?<value>.+))?$`,
  notifyList: String.raw`^notify:list(:(?<fromDate>\d{4}-[01]?\d?-[0123]?\d?))?(:(?<toDate>\d{4}-[01]?\d?-[0123]?\d?))?(:(?<regex>[^:]+))?`,
  notifyStatus: String.raw`^notify:status:(?<notificationId>\S+)$`,
  notifyFetch: String.raw`^notify:fetch:(?<notificationId>\S+)$`,
  notifyAll: String.raw`^notify:all:((?<operation>update|delete):)?(messageType:((?<messageType>key|text):))?(?:ttl:(?<ttl>\d+):)?(?:ttb:(?<ttb>\d+):)?(?:ttr:(?<ttr>-?\d+):)?(?:ccd:(?<ccd>true|false+):)?(?<forAtSign>(([^:\s])+)?(,([^:\s]+))*)(:(?<atKey>[^@:\s]+))(@(?<atSign>[^@:\s]+))?(:(?<value>.+))?$`,
  batch: String.raw`^batch:(?<json>.+)$`,
  info: String.raw`^info(:brief)?$`,
  noOp: String.raw`^noop:(?<delayMillis>\d+)$`,
  notifyRemove: String.raw`notify:remove:(?<id>[\w\d\-\_]+)`,
  enroll: String.raw`^enroll:(?<operation>(?:(request|approve|deny|revoke|list|fetch|unrevoke|delete)))(:(?<force>force))?(?::)?((?<enrollParams>.+)|(<=list:)<enrollParams>.?)?$`,
  otp: String.raw`^otp:(?<operation>get|put)(:(?<otp>(?<=put:)\w{6,}))?(:(?:ttl:(?<ttl>\d+)))?$`,
  keys: String.raw`^keys:((?<operation>put|get|delete):?)(?:(?<visibility>public|private|self):?)?(?:namespace:(?<namespace>[a-zA-Z0-9_]+):?)?(?:appName:(?<appName>[a-zA-Z0-9_]+):?)?(?:deviceName:(?<deviceName>[a-zA-Z0-9_]+):?)?(?:keyType:(?<keyType>[a-zA-Z0-9_-]+):?)?(?:encryptionKeyName:(?<encryptionKeyName>[a-zA-Z0-9_\-]+):?)?(?:keyName:(?<keyName>\S+) ?)?(?<keyValue>.*)?$`,
} as const;

export type VerbGrammarName = keyof typeof VERB_GRAMMAR;

const COMPILED = new Map<VerbGrammarName, RegExp>(
  (Object.entries(VERB_GRAMMAR) as [VerbGrammarName, string][]).map(([name, source]) => [name, new RegExp(source, 'i')]),
);

/** The compiled (flag `i`) regex of a grammar entry. */
export function verbRegex(name: VerbGrammarName): RegExp {
  const regex = COMPILED.get(name);
  if (regex === undefined) throw new RangeError(`no verb grammar named ${name}`);
  return regex;
}

/** Named groups of a match with the groups that did not participate left out. */
export type VerbGroups = Readonly<Record<string, string>>;

/** The VerbGroups of any match (the lenient readers use it on their own regexes too). */
export function definedGroups(match: RegExpExecArray): VerbGroups {
  const groups: Record<string, string> = {};
  for (const [group, value] of Object.entries(match.groups ?? {})) {
    if (value !== undefined) groups[group] = value;
  }
  return groups;
}

/**
 * Matches a command against one grammar entry. Returns the named groups of the first match
 * (unset groups omitted), or null when the command does not match.
 */
export function matchVerb(name: VerbGrammarName, command: string): VerbGroups | null {
  const match = verbRegex(name).exec(command);
  return match === null ? null : definedGroups(match);
}
