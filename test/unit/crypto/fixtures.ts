/** Reads this folder's fixtures (the spec's vectors come from test/helpers/vectors.ts). */
import { readFileSync } from 'node:fs';

export function readLocalFixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}
