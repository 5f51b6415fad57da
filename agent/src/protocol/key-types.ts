/**
 * Key-type classification (protocol.md §4.3). The regexes are composed from the same
 * fragments, in the same way, as at_commons 5.0.1 `at_key_regex_utils.dart` (upstream
 * grammar; the composed sources are checked character for character against
 * test/fixtures/vectors/key_types.json). They are JavaScript-compatible in non-unicode mode:
 * emoji are matched as UTF-16 surrogate pairs, so one emoji counts as two of the 55 atSign
 * characters, exactly as in Dart.
 */
import { definedGroups } from './verb-grammar.js';

export type KeyType =
  | 'reservedKey'
  | 'publicKey'
  | 'privateKey'
  | 'selfKey'
  | 'sharedKey'
  | 'cachedPublicKey'
  | 'cachedSharedKey'
  | 'localKey'
  | 'invalidKey';

/** The order in which the reference tries the regexes; sharedKey is decided inside selfKey. */
export const KEY_TYPE_ORDER = [
  'reservedKey',
  'publicKey',
  'privateKey',
  'selfKey',
  'cachedPublicKey',
  'cachedSharedKey',
  'localKey',
] as const;

type RegexKeyType = (typeof KEY_TYPE_ORDER)[number] | 'sharedKey';

const ALLOWED_EMOJI = String.raw`((\u00a9|\u00ae|[\u2000-\u3300]|[\ufe00-\ufe0f]|\ud83c[\ud000-\udfff]|\ud83d[\ud000-\udfff]|\ud83e[\ud000-\udfff]))`;
const CHARS_IN_ATSIGN = String.raw`[\w\-_]`;
const CHARS_IN_ENTITY = String.raw`[\w\.\-_'*"]`;
const CHARS_IN_NAMESPACE = String.raw`([\w])+`;

const ATSIGN_BODY = `(${CHARS_IN_ATSIGN}|${ALLOWED_EMOJI}){1,55}`;
const OWNERSHIP = `@(?<owner>(${ATSIGN_BODY}))`;
const SHARED_WITH = `((?<sharedWith>${ATSIGN_BODY}):)`;
const ENTITY = `(?<entity>(${CHARS_IN_ENTITY}|${ALLOWED_EMOJI})+)`;
const NAMESPACE = String.raw`\.(?<namespace>${CHARS_IN_NAMESPACE})`;

const RESERVED_WITHOUT_ATSIGN =
  '(((?<=privatekey:)(at_pkam_publickey|at_pkam_privatekey|privatekey|self_encryption_key|at_secret|at_secret_deleted' +
  '|signing_keypair_generated|commitLogCompactionStats|accessLogCompactionStats|notificationCompactionStats)$)' +
  `|^(configkey)$|(?:^_(${CHARS_IN_ENTITY})+)$)`;
const RESERVED_WITH_ATSIGN =
  '(((?<=private:)blocklist|(?<=public:)signing_publickey' +
  `|(?<=@${ATSIGN_BODY}:)signing_privatekey` +
  `|(?<=^@(${SHARED_WITH}))shared_key` +
  '|(?<=public:)publickey' +
  String.raw`|(shared_key\.(${ATSIGN_BODY})))(?=${OWNERSHIP}))`;
const RESERVED_KEY = `(?<atKey>(${RESERVED_WITHOUT_ATSIGN}|${RESERVED_WITH_ATSIGN}))`;

function sourcesFor(namespace: string): Record<RegexKeyType, string> {
  const tail = `${namespace}${OWNERSHIP}`;
  return {
    reservedKey: RESERVED_KEY,
    publicKey: `(?<visibility>(public:){1})${ENTITY}${tail}`,
    privateKey: `(?<visibility>(private:){1})(@${SHARED_WITH})?${ENTITY}${tail}`,
    selfKey: `(@${SHARED_WITH})?(_*${ENTITY})${tail}`,
    sharedKey: `(@${SHARED_WITH})(_*${ENTITY})${tail}`,
    cachedSharedKey: `(cached:)(@${SHARED_WITH})(_*${ENTITY})${tail}`,
    cachedPublicKey: `(?<visibility>(cached:public:){1})${ENTITY}${tail}`,
    localKey: `(?<visibility>(local:){1})${ENTITY}${tail}`,
  };
}

/** Regex sources for keys whose namespace is optional (what servers use). */
export const KEY_REGEX_SOURCES: Readonly<Record<RegexKeyType, string>> = Object.freeze(sourcesFor(''));
/** Regex sources for keys that must carry a namespace (SDK `enforceNamespace`). */
export const KEY_REGEX_SOURCES_WITH_NAMESPACE: Readonly<Record<RegexKeyType, string>> = Object.freeze(
  sourcesFor(NAMESPACE),
);

function compile(sources: Readonly<Record<RegexKeyType, string>>): Record<RegexKeyType, RegExp> {
  const compiled = {} as Record<RegexKeyType, RegExp>;
  for (const [type, source] of Object.entries(sources) as [RegexKeyType, string][]) {
    compiled[type] = new RegExp(source, 'i');
  }
  return compiled;
}

const REGEXES = compile(KEY_REGEX_SOURCES);
const REGEXES_WITH_NAMESPACE = compile(KEY_REGEX_SOURCES_WITH_NAMESPACE);

/** Named groups captured while classifying (absent groups are left out). */
export interface KeyMatchGroups {
  readonly visibility?: string;
  readonly sharedWith?: string;
  readonly entity?: string;
  readonly namespace?: string;
  readonly owner?: string;
  readonly atKey?: string;
}

export interface KeyClassification {
  readonly type: KeyType;
  readonly groups: KeyMatchGroups;
}

export interface ClassifyOptions {
  /** Require `.<namespace>` before the owner, as the SDKs do for user data. Default false. */
  readonly enforceNamespace?: boolean;
}

// Dart's RegexUtil.matchAll: the FIRST match must cover the whole key. This is not the same
// as anchoring the regex with ^…$, which could backtrack into a different whole-key match.
function wholeKeyMatch(regex: RegExp, key: string): RegExpExecArray | null {
  const match = regex.exec(key);
  return match !== null && match.index === 0 && match[0].length === key.length ? match : null;
}

/** Classifies a key string and returns the groups of the regex that accepted it. */
export function classifyKeyWithGroups(key: string, options: ClassifyOptions = {}): KeyClassification {
  const regexes = options.enforceNamespace === true ? REGEXES_WITH_NAMESPACE : REGEXES;
  const reserved = regexes.reservedKey.exec(key);
  if (reserved !== null) {
    return { type: 'reservedKey', groups: definedGroups(reserved) };
  }
  for (const type of ['publicKey', 'privateKey', 'selfKey', 'cachedPublicKey', 'cachedSharedKey', 'localKey'] as const) {
    const match = wholeKeyMatch(regexes[type], key);
    if (match === null) continue;
    const groups = definedGroups(match);
    if (type === 'selfKey' && isSharedWithSomeoneElse(groups)) {
      return { type: 'sharedKey', groups };
    }
    return { type, groups };
  }
  return { type: 'invalidKey', groups: {} };
}

// atSigns are case-insensitive, so `@Bob:x@bob` is bob's self key (upstream compares the raw
// text; servers lower-case keys before classifying, where the two agree).
function isSharedWithSomeoneElse(groups: KeyMatchGroups): boolean {
  const { sharedWith, owner } = groups;
  return (
    sharedWith !== undefined &&
    sharedWith !== '' &&
    owner !== undefined &&
    owner !== '' &&
    sharedWith.toLowerCase() !== owner.toLowerCase()
  );
}

export function classifyKey(key: string, options: ClassifyOptions = {}): KeyType {
  return classifyKeyWithGroups(key, options).type;
}
