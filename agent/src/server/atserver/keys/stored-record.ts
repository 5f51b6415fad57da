/**
 * How a key's value and metadata are persisted (one row of the storage engine's `keys`
 * table). Dates are epoch milliseconds so a row survives the JSON round trip unchanged;
 * unset fields are absent, never null. Conversions to the protocol's Metadata (Date objects)
 * and its JSON live here too.
 */
import { metadataToJson, type Metadata, type MetadataOptions } from '../../../protocol/index.js';

const DATE_FIELDS = ['createdAt', 'updatedAt', 'availableAt', 'expiresAt', 'refreshAt'] as const;
type DateField = (typeof DATE_FIELDS)[number];

/** The protocol's Metadata with dates as epoch ms, less what no server stores (client-side flags). */
export type StoredMetadata = Omit<Metadata, DateField | 'sharedKeyStatus' | 'isPublic' | 'isHidden' | 'isCached' | 'namespaceAware'> & {
  readonly [field in DateField]?: number;
};

export interface StoredRecord {
  /** The value as sent; null for a key created by `update:meta` alone. */
  readonly value: string | null;
  readonly metadata: StoredMetadata;
}

/** The protocol model (Date objects) of stored metadata. */
export function toProtocolMetadata(stored: StoredMetadata): Metadata {
  const metadata: Record<string, unknown> = { ...stored };
  for (const field of DATE_FIELDS) {
    const value = stored[field];
    if (value !== undefined) metadata[field] = new Date(value);
  }
  return metadata as Metadata;
}

/** Stored form of metadata read from a peer (lookup answers, notifications). */
export function fromProtocolMetadata(metadata: Metadata | MetadataOptions): StoredMetadata {
  const stored: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(metadata)) {
    if (value === undefined || value === null) continue;
    stored[name] = value instanceof Date ? value.getTime() : value;
  }
  return stored as StoredMetadata;
}

// Records are frozen and replaced on every write, so their JSON can be remembered by
// identity: a hot `llookup:meta` does not format dates again on every read.
const metadataJsonCache = new WeakMap<StoredMetadata, string>();

/** `metaData` JSON text of a record: no null fields, reference field order. */
export function metadataJsonText(metadata: StoredMetadata): string {
  let text = metadataJsonCache.get(metadata);
  if (text === undefined) {
    text = JSON.stringify(metadataToJson(toProtocolMetadata(metadata)));
    metadataJsonCache.set(metadata, text);
  }
  return text;
}

/** `{"key":…,"data":…,"metaData":{…}}` for `llookup:all`/`lookup:all`. */
export function lookupAllJsonText(key: string, record: StoredRecord): string {
  return `{"key":${JSON.stringify(key)},"data":${JSON.stringify(record.value)},"metaData":${metadataJsonText(record.metadata)}}`;
}
