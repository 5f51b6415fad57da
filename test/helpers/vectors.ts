/** The spec's vectors, read from test/fixtures/vectors (never from outside the repo), with types for the ones several suites share. */
import { readFileSync } from 'node:fs';

/** A JSON file under test/fixtures (`implicit-rejection.json`, `vectors/crypto.json`). */
export function readFixture<T = any>(relativePath: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${relativePath}`, import.meta.url), 'utf8')) as T;
}

export function readVector<T = any>(name: string): T {
  return readFixture<T>(`vectors/${name}`);
}

export interface VerbSyntaxCase {
  readonly regex: string;
  readonly command: string;
  readonly matches: boolean;
  readonly groups: Record<string, string> | null;
}

export interface VerbSyntaxVectors {
  readonly regexes: Record<string, string>;
  readonly cases: readonly VerbSyntaxCase[];
}

export interface KeyTypeCase {
  readonly key: string;
  readonly enforceNamespace: boolean;
  readonly expected: string;
}

export interface KeyTypeVectors {
  readonly withoutNamespace: Record<string, string>;
  readonly withMandatoryNamespace: Record<string, string>;
  readonly cases: readonly KeyTypeCase[];
}

export interface Exchange {
  readonly connectionState: string;
  readonly command: string;
  readonly responseRegex: string;
  readonly prompt: string | null;
  readonly note: string;
}

export const verbSyntax = (): VerbSyntaxVectors => readVector('verb_syntax.json');
export const keyTypes = (): KeyTypeVectors => readVector('key_types.json');
export const verbExchanges = (): readonly Exchange[] => readVector<{ exchanges: Exchange[] }>('verb_exchanges.json').exchanges;
export const cryptoVectors = (): any => readVector('crypto.json');
