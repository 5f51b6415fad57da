/**
 * Turns what an application passes as a key into a full @protocol key, following the SDKs'
 * conventions: the owner defaults to the client's atSign (`phone` → `phone.wavi@alice`,
 * `@bob:phone` → `@bob:phone.wavi@alice`), and the client's namespace is appended when the
 * key has none (no `.` in its entity). A key string ending in `@` is taken as written
 * (`public:location@` → `public:location@alice`, no namespace), the Dart SDK's way of
 * saying "fully qualified". Reserved keys (`shared_key.bob@alice`,
 * `public:publickey@alice`) and cached copies are never changed.
 *
 * String inputs are cached: applications use a handful of keys over and over, and parsing
 * (classification regexes) would otherwise run on every put.
 */
import {
  formatAtKey,
  InvalidAtKeyError,
  normalizeAtSign,
  parseAtKey,
  type AtKey,
  type AtKeyParts,
} from '../protocol/index.js';

/** A key described by its name instead of its entity. */
export interface AtKeySpecInput {
  /** The key name without namespace (`phone`). */
  readonly name: string;
  /** Default: the client's namespace. */
  readonly namespace?: string | undefined;
  /** Default: the client's atSign. */
  readonly sharedBy?: string | undefined;
  readonly sharedWith?: string | undefined;
  readonly isPublic?: boolean | undefined;
  readonly isCached?: boolean | undefined;
}

/** A key string (`@bob:phone`, `public:location.wavi@alice`), an AtKey or its parts, or a spec. */
export type AtKeyInput = string | AtKeyParts | AtKeySpecInput;

const CACHE_LIMIT = 4096;

export class KeyResolver {
  readonly atSign: string;
  readonly namespace: string | undefined;
  readonly #cache = new Map<string, AtKey>();

  constructor(atSign: string, namespace: string | undefined) {
    this.atSign = normalizeAtSign(atSign);
    if (namespace !== undefined && !/^[\w-]+$/.test(namespace)) {
      throw new InvalidAtKeyError(`namespace ${JSON.stringify(namespace)} may only hold word characters and -`);
    }
    this.namespace = namespace === '' ? undefined : namespace;
  }

  resolve(input: AtKeyInput): AtKey {
    if (typeof input === 'string') {
      const cached = this.#cache.get(input);
      if (cached !== undefined) return cached;
      const key = this.#fromString(input);
      if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
      this.#cache.set(input, key);
      return key;
    }
    if ('entity' in input) return this.#fromParts(input);
    if ('name' in input) return this.#fromSpec(input);
    throw new InvalidAtKeyError('a key must be a string, an AtKey (entity, sharedBy…) or {name, namespace…}');
  }

  #fromString(input: string): AtKey {
    if (input.length === 0) throw new InvalidAtKeyError('a key cannot be empty');
    const asWritten = input.endsWith('@') && input.length > 1;
    const text = asWritten ? input.slice(0, -1) : input;
    const lastAt = text.lastIndexOf('@');
    // `@bob:phone` has no owner (its only @ belongs to the recipient); `phone@alice` has one.
    const hasOwner = lastAt > 0 && text[lastAt - 1] !== ':' && !text.includes(':', lastAt);
    const isOwnerlessReserved = text.startsWith('privatekey:') || text === 'configkey';
    // The key store lower-cases keys; doing it here makes owner comparisons exact.
    const lower = text.toLowerCase();
    const full = hasOwner || isOwnerlessReserved ? lower : `${lower}${this.atSign}`;
    const key = parseAtKey(full);
    return asWritten ? key : this.#withNamespace(key);
  }

  #fromParts(parts: AtKeyParts): AtKey {
    return this.#withNamespace(
      parseAtKey(
        formatAtKey({
          ...parts,
          ...(parts.sharedWith === undefined ? {} : { sharedWith: normalizeAtSign(parts.sharedWith) }),
          sharedBy: normalizeAtSign(parts.sharedBy ?? this.atSign),
        }),
      ),
    );
  }

  #fromSpec(spec: AtKeySpecInput): AtKey {
    const namespace = spec.namespace ?? this.namespace;
    const entity = namespace === undefined || namespace === '' ? spec.name : `${spec.name}.${namespace}`;
    return parseAtKey(
      formatAtKey({
        cached: spec.isCached === true,
        ...(spec.isPublic === true ? { visibility: 'public' as const } : {}),
        ...(spec.sharedWith === undefined ? {} : { sharedWith: normalizeAtSign(spec.sharedWith) }),
        entity,
        sharedBy: normalizeAtSign(spec.sharedBy ?? this.atSign),
      }),
    );
  }

  #withNamespace(key: AtKey): AtKey {
    if (this.namespace === undefined || key.namespace !== undefined || key.isReserved || key.isCached || key.isLocal) return key;
    if (key.visibility === 'private' || key.visibility === 'privatekey') return key;
    const owner = key.sharedBy === undefined ? undefined : normalizeAtSign(key.sharedBy);
    return parseAtKey(
      formatAtKey({
        cached: false,
        ...(key.visibility === undefined ? {} : { visibility: key.visibility }),
        ...(key.sharedWith === undefined ? {} : { sharedWith: key.sharedWith }),
        entity: `${key.entity}.${this.namespace}`,
        ...(owner === undefined ? {} : { sharedBy: owner }),
      }),
    );
  }
}
