/**
 * Key metadata (protocol.md §5) and its command-option form: the colon-separated
 * `:ttl:…:ttb:…` options inside `update`, `update:meta` and `notify`, written in the one order
 * the reference grammar accepts, and read back in any order (real SDKs deviate, clients.md).
 * The JSON form lives in metadata-json.ts.
 */
import { IllegalArgumentError, InvalidSyntaxError } from './errors.js';

export interface Metadata {
  /** Time to live, ms. `0` clears the expiry. */
  readonly ttl?: number;
  /** Time to birth, ms. */
  readonly ttb?: number;
  /** Time to refresh for caches, SECONDS (not ms); `-1` = cache forever. */
  readonly ttr?: number;
  /** Cascade delete of cached copies. */
  readonly ccd?: boolean;
  /** base64 RSA-SHA256 signature of a public value. */
  readonly dataSignature?: string;
  /** Accepted by the grammar, ignored and never stored by the reference server. */
  readonly sharedKeyStatus?: string;
  /** Value is base2e15 text of binary data. */
  readonly isBinary?: boolean;
  readonly isEncrypted?: boolean;
  /** The recipient's RSA-encrypted copy of the AES key of this value. */
  readonly sharedKeyEnc?: string;
  /** md5 hex of the recipient public key that produced sharedKeyEnc. */
  readonly pubKeyCS?: string;
  /** `base64` when a plain value was base64-encoded because it had newlines. */
  readonly encoding?: string;
  readonly encKeyName?: string;
  readonly encAlgo?: string;
  /** base64 of the 16-byte AES-CTR IV; absent means the legacy all-zero IV. */
  readonly ivNonce?: string;
  readonly skeEncKeyName?: string;
  readonly skeEncAlgo?: string;

  // Maintained by the server and returned in the JSON form only.
  readonly createdBy?: string;
  readonly updatedBy?: string;
  readonly createdAt?: Date;
  readonly updatedAt?: Date;
  readonly availableAt?: Date;
  readonly expiresAt?: Date;
  readonly refreshAt?: Date;
  readonly status?: string;
  /** Number of updates; 0 for a new key. */
  readonly version?: number;

  // Client-side flags the Java SDK puts in its metadata JSON; no server writes them.
  readonly isPublic?: boolean;
  readonly isHidden?: boolean;
  readonly isCached?: boolean;
  readonly namespaceAware?: boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export type MetadataOptionKind = 'int' | 'bool' | 'string';

/** The command options in the order the grammar demands (protocol.md §5.1). */
export const METADATA_OPTIONS = [
  { name: 'ttl', kind: 'int' },
  { name: 'ttb', kind: 'int' },
  { name: 'ttr', kind: 'int' },
  { name: 'ccd', kind: 'bool' },
  { name: 'dataSignature', kind: 'string' },
  { name: 'sharedKeyStatus', kind: 'string' },
  { name: 'isBinary', kind: 'bool' },
  { name: 'isEncrypted', kind: 'bool' },
  { name: 'sharedKeyEnc', kind: 'string' },
  { name: 'pubKeyCS', kind: 'string' },
  { name: 'encoding', kind: 'string' },
  { name: 'encKeyName', kind: 'string' },
  { name: 'encAlgo', kind: 'string' },
  { name: 'ivNonce', kind: 'string' },
  { name: 'skeEncKeyName', kind: 'string' },
  { name: 'skeEncAlgo', kind: 'string' },
] as const satisfies readonly { name: keyof Metadata; kind: MetadataOptionKind }[];

export type MetadataOptionName = (typeof METADATA_OPTIONS)[number]['name'];

export type MetadataOptions = Pick<Metadata, MetadataOptionName>;

const STRING_OPTION_VALUE = /^[^:@\s]+$/;

// Ranges the server enforces (protocol.md §5.1): refusing them here gives the caller the
// reason instead of a bare AT0003 from the server.
function checkIntOption(name: MetadataOptionName, value: number): void {
  if (!Number.isSafeInteger(value)) {
    throw new IllegalArgumentError(`metadata ${name} must be an integer, got ${value}`);
  }
  const minimum = name === 'ttr' ? -1 : 0;
  if (value < minimum) {
    throw new IllegalArgumentError(`metadata ${name} must be >= ${minimum}, got ${value}`);
  }
}

/**
 * Writes the command options for the metadata fields that are set, in canonical order:
 * `:ttl:3000:isEncrypted:true:ivNonce:…`. Fields outside the option set (createdAt…) are
 * ignored. A string option with the literal value `null` tells the server to clear it.
 */
export function formatMetadataOptions(metadata: MetadataOptions | undefined): string {
  if (metadata === undefined) return '';
  let text = '';
  for (const { name, kind } of METADATA_OPTIONS) {
    const value = metadata[name];
    if (value === undefined) continue;
    if (kind === 'int') {
      if (typeof value !== 'number') throw new IllegalArgumentError(`metadata ${name} must be a number`);
      checkIntOption(name, value);
    } else if (kind === 'bool') {
      if (typeof value !== 'boolean') throw new IllegalArgumentError(`metadata ${name} must be a boolean`);
    } else if (typeof value !== 'string' || !STRING_OPTION_VALUE.test(value)) {
      throw new IllegalArgumentError(
        `metadata ${name} must be non-empty text without ':', '@' or whitespace (base64 is fine)`,
      );
    }
    text += `:${name}:${String(value)}`;
  }
  return text;
}

const OPTION_BY_LOWER_NAME: ReadonlyMap<string, (typeof METADATA_OPTIONS)[number]> = new Map(
  METADATA_OPTIONS.map((option) => [option.name.toLowerCase(), option]),
);

const OPTION_VALUE: Record<MetadataOptionKind, RegExp> = {
  int: /-?\d+/y,
  bool: /true|false/iy,
  string: /[^:@\s]+/y,
};

function parseOptionInt(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new InvalidSyntaxError(`Invalid syntax. metadata ${name} is not an integer: ${text}`);
  }
  return value;
}

/** Typed value of one option as it appears in a command (grammar-valid text). */
export function parseMetadataOptionValue(name: MetadataOptionName, text: string): number | boolean | string {
  const option = OPTION_BY_LOWER_NAME.get(name.toLowerCase());
  if (option === undefined) throw new InvalidSyntaxError(`Invalid syntax. unknown metadata option ${name}`);
  if (option.kind === 'int') return parseOptionInt(option.name, text);
  if (option.kind === 'bool') return text.toLowerCase() === 'true';
  return text;
}

/** Metadata from the named groups of a strict grammar match (absent groups skipped). */
export function metadataFromOptionGroups(groups: Readonly<Record<string, string | undefined>>): MetadataOptions {
  const metadata: Mutable<MetadataOptions> = {};
  for (const { name } of METADATA_OPTIONS) {
    const text = groups[name];
    if (text !== undefined) (metadata as Record<string, unknown>)[name] = parseMetadataOptionValue(name, text);
  }
  return metadata;
}

export interface ScannedMetadataOptions {
  readonly metadata: MetadataOptions;
  /** Extra option names that were accepted (e.g. `ttln`) with their raw values. */
  readonly extras: Readonly<Record<string, string>>;
  /** The text after the last option, starting with `:` or empty. */
  readonly rest: string;
}

/**
 * Reads `:name:value` options from the start of `text` in ANY order, stopping at the first
 * segment that is not an option whose value is followed by `:` or the end of the text. This
 * is the lenient reader a server uses after the strict grammar failed (clients.md: Python
 * writes sharedKeyEnc/pubKeyCS before isBinary/isEncrypted and may send `ttln` in update).
 * `extraNames` are accepted as integers and returned in `extras`. A repeated option is
 * ambiguous and throws InvalidSyntaxError.
 */
export function scanMetadataOptions(text: string, extraNames: readonly string[] = []): ScannedMetadataOptions {
  const metadata: Record<string, unknown> = {};
  const extras: Record<string, string> = {};
  const extraByLowerName = new Map(extraNames.map((name) => [name.toLowerCase(), name]));
  const optionName = /:([A-Za-z]+):/y;
  let position = 0;
  for (;;) {
    optionName.lastIndex = position;
    const nameMatch = optionName.exec(text);
    if (nameMatch?.[1] === undefined) break;
    const lowerName = nameMatch[1].toLowerCase();
    const option = OPTION_BY_LOWER_NAME.get(lowerName);
    const extraName = extraByLowerName.get(lowerName);
    if (option === undefined && extraName === undefined) break;
    const valuePattern = OPTION_VALUE[option?.kind ?? 'int'];
    valuePattern.lastIndex = optionName.lastIndex;
    const valueMatch = valuePattern.exec(text);
    if (valueMatch === null) break;
    const end = valuePattern.lastIndex;
    if (end !== text.length && text[end] !== ':') break;
    const canonicalName = option?.name ?? extraName ?? lowerName;
    if (Object.hasOwn(metadata, canonicalName) || Object.hasOwn(extras, canonicalName)) {
      throw new InvalidSyntaxError(`Invalid syntax. metadata option ${canonicalName} given twice`);
    }
    if (option === undefined) {
      extras[canonicalName] = valueMatch[0];
    } else {
      metadata[option.name] = parseMetadataOptionValue(option.name, valueMatch[0]);
    }
    position = end;
  }
  return { metadata: metadata as MetadataOptions, extras, rest: text.slice(position) };
}

/**
 * Parses a complete options string (`:ttl:1:isEncrypted:true`) in any order. Throws
 * InvalidSyntaxError if anything is left that is not an option.
 */
export function parseMetadataOptions(text: string): MetadataOptions {
  const scanned = scanMetadataOptions(text);
  if (scanned.rest !== '') {
    throw new InvalidSyntaxError(`Invalid syntax. not a metadata option: ${scanned.rest.slice(0, 40)}`);
  }
  return scanned.metadata;
}

/** Only the command-option fields of a metadata object (drops server-maintained ones). */
export function pickMetadataOptions(metadata: Metadata): MetadataOptions {
  const options: Record<string, unknown> = {};
  for (const { name } of METADATA_OPTIONS) {
    if (metadata[name] !== undefined) options[name] = metadata[name];
  }
  return options as MetadataOptions;
}
