/**
 * The JSON form of metadata (protocol.md §5.2): `llookup:meta`, the `metaData` of `all`
 * answers, sync entries (every value a string) and `update:json`.
 *
 * Writing: unset fields are LEFT OUT, never written as null. Java's SDK maps `metaData` with a
 * Jackson class that rejects unknown properties, and that class (at_java 2024) does not know
 * `encKeyName`, `encAlgo`, `ivNonce`, `skeEncKeyName` or `skeEncAlgo`; the reference server
 * drops null fields, so a Java client works as long as those are unset (clients.md). A server
 * must therefore omit every field that has no value — see JAVA_SDK_UNKNOWN_METADATA_FIELDS —
 * and write dates as `YYYY-MM-DD HH:MM:SS.mmmZ`, the only pattern Java parses.
 *
 * Reading is tolerant: absent, `null` and `"null"` all mean unset; numbers and booleans may
 * arrive as strings (sync entries); `isCascade` (the server's internal name) is read as `ccd`.
 */
import { formatAtDate, parseAtDate } from './at-date.js';
import { UnexpectedResponseError } from './errors.js';
import type { Metadata } from './metadata.js';

type FieldKind = 'int' | 'bool' | 'string' | 'date';

/** JSON field order of the reference server's metadata, then fields only SDKs write. */
export const METADATA_JSON_FIELDS = [
  ['createdBy', 'string'],
  ['updatedBy', 'string'],
  ['createdAt', 'date'],
  ['updatedAt', 'date'],
  ['availableAt', 'date'],
  ['expiresAt', 'date'],
  ['refreshAt', 'date'],
  ['status', 'string'],
  ['version', 'int'],
  ['ttl', 'int'],
  ['ttb', 'int'],
  ['ttr', 'int'],
  ['ccd', 'bool'],
  ['isBinary', 'bool'],
  ['isEncrypted', 'bool'],
  ['dataSignature', 'string'],
  ['sharedKeyEnc', 'string'],
  ['pubKeyCS', 'string'],
  ['encoding', 'string'],
  ['encKeyName', 'string'],
  ['encAlgo', 'string'],
  ['ivNonce', 'string'],
  ['skeEncKeyName', 'string'],
  ['skeEncAlgo', 'string'],
  ['sharedKeyStatus', 'string'],
  ['isPublic', 'bool'],
  ['isHidden', 'bool'],
  ['isCached', 'bool'],
  ['namespaceAware', 'bool'],
] as const satisfies readonly (readonly [keyof Metadata, FieldKind])[];

/** Other names readers accept for a field. */
const FIELD_ALIASES: Readonly<Partial<Record<keyof Metadata, readonly string[]>>> = {
  ccd: ['isCascade'],
};

/**
 * Fields the 2024 Java SDK cannot deserialise: a metaData object containing any of them
 * fails every Java get/scan. A server must never send them when unset.
 */
export const JAVA_SDK_UNKNOWN_METADATA_FIELDS = ['encKeyName', 'encAlgo', 'ivNonce', 'skeEncKeyName', 'skeEncAlgo'] as const;

export type MetadataJson = Record<string, string | number | boolean>;

export interface MetadataJsonOptions {
  /** Write every value as a string, as sync entries do (protocol.md §7.14). */
  readonly allStrings?: boolean;
}

/** The JSON object for a metadata model, in the reference field order, without unset fields. */
export function metadataToJson(metadata: Metadata, options: MetadataJsonOptions = {}): MetadataJson {
  const json: MetadataJson = {};
  for (const [name, kind] of METADATA_JSON_FIELDS) {
    const value = metadata[name];
    if (value === undefined || value === null) continue;
    const written = kind === 'date' ? formatAtDate(value as Date) : (value as string | number | boolean);
    json[name] = options.allStrings === true ? String(written) : written;
  }
  return json;
}

function isUnset(value: unknown): boolean {
  return value === undefined || value === null || value === 'null';
}

function readField(name: string, kind: FieldKind, value: unknown): string | number | boolean | Date {
  switch (kind) {
    case 'int': {
      const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
      if (typeof number === 'number' && Number.isSafeInteger(number)) return number;
      break;
    }
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      break;
    case 'string':
      if (typeof value === 'string') return value;
      break;
    case 'date': {
      const date = typeof value === 'string' ? parseAtDate(value) : undefined;
      if (date !== undefined) return date;
      break;
    }
  }
  throw new UnexpectedResponseError(`metadata field ${name} has an unusable value ${JSON.stringify(value)}`);
}

/**
 * Reads a metadata object from parsed JSON. Unknown fields are ignored; a known field with a
 * value of the wrong type throws UnexpectedResponseError.
 */
export function metadataFromJson(json: unknown): Metadata {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new UnexpectedResponseError('metadata must be a JSON object');
  }
  const source = json as Record<string, unknown>;
  const metadata: Record<string, unknown> = {};
  for (const [name, kind] of METADATA_JSON_FIELDS) {
    const names = [name, ...(FIELD_ALIASES[name] ?? [])];
    const present = names.find((candidate) => Object.hasOwn(source, candidate) && !isUnset(source[candidate]));
    if (present === undefined) continue;
    metadata[name] = readField(present, kind, source[present]);
  }
  return metadata as Metadata;
}

/** Parses metadata JSON text (an `llookup:meta` payload). */
export function parseMetadataJson(text: string): Metadata {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new UnexpectedResponseError('metadata is not valid JSON', { cause });
  }
  return metadataFromJson(json);
}
