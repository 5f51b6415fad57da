/** Reads the spec's vectors (copied into test/fixtures/vectors) and this folder's fixtures. */
import { readFileSync } from 'node:fs';

export function readVectors<T = any>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/vectors/${name}`, import.meta.url), 'utf8')) as T;
}

export function readLocalFixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}
