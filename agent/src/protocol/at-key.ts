/**
 * The AtKey model: a fully-qualified key string (`cached:@bob:phone.wavi@alice`) split into
 * its parts, classified (protocol.md §4.2–4.3), and formatted back.
 *
 * `formatAtKey(parseAtKey(text))` returns `text` unchanged whenever the prefixes
 * (`cached:`, `public:`, …) are written in lower case, as every SDK writes them.
 */
import { normalizeAtSign } from './atsign.js';
import { InvalidAtKeyError } from './errors.js';
import { classifyKeyWithGroups, type ClassifyOptions, type KeyType } from './key-types.js';

/** The literal visibility prefix written before the entity (after any `cached:`). */
export type KeyVisibility = 'public' | 'private' | 'local' | 'privatekey';

/** Longest key the server stores (protocol.md §4.2), counted in UTF-16 code units as in Dart. */
export const MAX_KEY_LENGTH = 248;
/** `cached:` copies may be longer so that a recipient can always cache a maximal key. */
export const MAX_CACHED_KEY_LENGTH = 255;

/** What a key is made of, in the order it is written. */
export interface AtKeyParts {
  readonly cached?: boolean;
  readonly visibility?: KeyVisibility;
  /** Recipient atSign with its `@` (`@bob`), for `@bob:…` keys. */
  readonly sharedWith?: string;
  /** Everything between the scope and the owner, namespace included (`phone.wavi`, `_x`). */
  readonly entity: string;
  /** Owner atSign with its `@`; absent only for owner-less reserved keys (`privatekey:at_secret`). */
  readonly sharedBy?: string;
}

export interface AtKey extends AtKeyParts {
  readonly cached: boolean;
  readonly type: Exclude<KeyType, 'invalidKey'>;
  /** The key exactly as parsed or formatted. */
  readonly text: string;
  /** The entity without its namespace (`phone` for `phone.wavi`). */
  readonly name: string;
  /** Text after the last `.` of the entity; never set for reserved keys (`shared_key.bob`). */
  readonly namespace?: string;
  readonly isPublic: boolean;
  readonly isCached: boolean;
  readonly isLocal: boolean;
  /** Entity starts with `_`: left out of `scan` (protocol.md §7.5). */
  readonly isHidden: boolean;
  readonly isReserved: boolean;
}

export function maxKeyLength(text: string): number {
  return text.toLowerCase().startsWith('cached:') ? MAX_CACHED_KEY_LENGTH : MAX_KEY_LENGTH;
}

const VISIBILITY_PREFIX = /^(public|private|local|privatekey):/i;
const SHARED_WITH_PREFIX = /^@([^:@]*):/;
const FORBIDDEN_IN_PART = /[:@\s]/;

/**
 * Parses and validates a key. Throws InvalidAtKeyError (AT0016) for keys that classify as
 * invalidKey, exceed the length limit, or whose parts cannot be told apart.
 */
export function parseAtKey(text: string, options: ClassifyOptions = {}): AtKey {
  const limit = maxKeyLength(text);
  if (text.length > limit) {
    throw new InvalidAtKeyError(`key is ${text.length} characters long, the limit is ${limit}`);
  }
  const { type } = classifyKeyWithGroups(text, options);
  if (type === 'invalidKey') {
    throw new InvalidAtKeyError(`${JSON.stringify(text)} is not a valid key`);
  }
  const parts = splitKeyText(text);
  const isReserved = type === 'reservedKey';
  const namespaceDot = isReserved ? -1 : parts.entity.lastIndexOf('.');
  const namespace = namespaceDot === -1 ? '' : parts.entity.slice(namespaceDot + 1);
  return {
    ...parts,
    type,
    text,
    name: namespace === '' ? parts.entity : parts.entity.slice(0, namespaceDot),
    ...(namespace === '' ? {} : { namespace }),
    isPublic: parts.visibility === 'public',
    isCached: parts.cached,
    isLocal: parts.visibility === 'local',
    isHidden: parts.entity.startsWith('_'),
    isReserved,
  };
}

export function isValidAtKey(text: string, options: ClassifyOptions = {}): boolean {
  try {
    parseAtKey(text, options);
    return true;
  } catch {
    return false;
  }
}

// The reserved-key regex matches anywhere in the text, so classification alone does not
// guarantee a well-formed key: the structural split below rejects leftovers such as
// `junk:public:publickey@alice`.
function splitKeyText(text: string): AtKeyParts & { readonly cached: boolean } {
  let rest = text;
  const cached = rest.toLowerCase().startsWith('cached:');
  if (cached) rest = rest.slice('cached:'.length);

  let visibility: KeyVisibility | undefined;
  const visibilityMatch = VISIBILITY_PREFIX.exec(rest);
  if (visibilityMatch?.[1] !== undefined) {
    visibility = visibilityMatch[1].toLowerCase() as KeyVisibility;
    rest = rest.slice(visibilityMatch[0].length);
  }

  let sharedWith: string | undefined;
  const sharedWithMatch = SHARED_WITH_PREFIX.exec(rest);
  if (sharedWithMatch?.[1] !== undefined) {
    sharedWith = `@${sharedWithMatch[1]}`;
    rest = rest.slice(sharedWithMatch[0].length);
  }

  const ownerAt = rest.indexOf('@');
  const entity = ownerAt === -1 ? rest : rest.slice(0, ownerAt);
  const sharedBy = ownerAt === -1 ? undefined : `@${rest.slice(ownerAt + 1)}`;

  for (const [label, part] of [
    ['entity', entity],
    ['sharedWith', sharedWith?.slice(1)],
    ['sharedBy', sharedBy?.slice(1)],
  ] as const) {
    if (part !== undefined && (part === '' || FORBIDDEN_IN_PART.test(part))) {
      throw new InvalidAtKeyError(`${JSON.stringify(text)} has a malformed ${label}`);
    }
  }
  return {
    cached,
    ...(visibility === undefined ? {} : { visibility }),
    ...(sharedWith === undefined ? {} : { sharedWith }),
    entity,
    ...(sharedBy === undefined ? {} : { sharedBy }),
  };
}

function withLeadingAt(atSign: string): string {
  return atSign.startsWith('@') ? atSign : `@${atSign}`;
}

/** Writes a key from its parts and validates it (InvalidAtKeyError if the result is invalid). */
export function formatAtKey(parts: AtKeyParts, options: ClassifyOptions = {}): string {
  const text =
    (parts.cached === true ? 'cached:' : '') +
    (parts.visibility === undefined ? '' : `${parts.visibility}:`) +
    (parts.sharedWith === undefined ? '' : `${withLeadingAt(parts.sharedWith)}:`) +
    parts.entity +
    (parts.sharedBy === undefined ? '' : withLeadingAt(parts.sharedBy));
  parseAtKey(text, options);
  return text;
}

/** A friendlier description of a key for building one from application data. */
export interface AtKeySpec {
  /** Key name without namespace (`phone`). */
  readonly name: string;
  readonly namespace?: string;
  /** Owner atSign; normalised. */
  readonly sharedBy: string;
  /** Recipient atSign for a shared key; normalised. */
  readonly sharedWith?: string;
  readonly isPublic?: boolean;
  readonly isLocal?: boolean;
  readonly isCached?: boolean;
}

/** Builds a validated key from a spec (`{name:'phone', namespace:'wavi', sharedBy:'@alice'}`). */
export function makeAtKey(spec: AtKeySpec): AtKey {
  if (spec.isPublic === true && spec.sharedWith !== undefined) {
    throw new InvalidAtKeyError('a key cannot be both public and shared with an atSign');
  }
  if (spec.isLocal === true && (spec.isPublic === true || spec.sharedWith !== undefined || spec.isCached === true)) {
    throw new InvalidAtKeyError('a local key cannot be public, shared or cached');
  }
  const visibility: KeyVisibility | undefined =
    spec.isPublic === true ? 'public' : spec.isLocal === true ? 'local' : undefined;
  const entity = spec.namespace === undefined || spec.namespace === '' ? spec.name : `${spec.name}.${spec.namespace}`;
  const parts: AtKeyParts = {
    cached: spec.isCached === true,
    ...(visibility === undefined ? {} : { visibility }),
    ...(spec.sharedWith === undefined ? {} : { sharedWith: normalizeAtSign(spec.sharedWith) }),
    entity,
    sharedBy: normalizeAtSign(spec.sharedBy),
  };
  return parseAtKey(formatAtKey(parts));
}

/**
 * The form the key store keeps (server.md §4.1): trimmed, lower-cased, spaces removed.
 * Validation is separate (parseAtKey), so the caller chooses the error to report.
 */
export function normalizeStoredKey(text: string): string {
  return text.trim().toLowerCase().replaceAll(' ', '');
}
