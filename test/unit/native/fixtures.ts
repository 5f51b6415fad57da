/** Test data for the native addon tests: the spec vectors and the repository's own fixtures. */
import { readFileSync } from 'node:fs';

export function readFixture<T = any>(relativePath: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/${relativePath}`, import.meta.url), 'utf8')) as T;
}

export const b64 = (text: string): Buffer => Buffer.from(text, 'base64');
export const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
export const hex = (text: string): Buffer => Buffer.from(text, 'hex');
