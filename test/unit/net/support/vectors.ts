/** The spec's vectors as the client tests use them, read from test/fixtures/vectors. */
import { readFileSync } from 'node:fs';

export function readVector<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../../fixtures/vectors/${name}`, import.meta.url), 'utf8')) as T;
}

export interface Exchange {
  readonly connectionState: string;
  readonly command: string;
  readonly responseRegex: string;
  readonly prompt: string | null;
  readonly note: string;
}

export const verbExchanges = (): readonly Exchange[] => readVector<{ exchanges: Exchange[] }>('verb_exchanges.json').exchanges;
