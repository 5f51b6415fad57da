/**
 * The demo's proof that values were stored encrypted: search every byte the platform wrote
 * to disk for a plaintext. A public value (stored in clear on purpose) is searched for too,
 * to show that the search does find what is there.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface SearchResult {
  /** Files searched. */
  readonly searched: number;
  /** Files containing the text. */
  readonly found: number;
}

/** How many regular files under `directory` contain `text` (UTF-8 bytes, as the storage writes JSON). */
export async function filesContaining(directory: string, text: string): Promise<SearchResult> {
  const needle = Buffer.from(text, 'utf8');
  let searched = 0;
  let found = 0;
  for (const name of await readdir(directory, { recursive: true })) {
    const file = join(directory, name);
    const info = await stat(file).catch(() => undefined);
    // A file removed meanwhile (a compaction's temporary file) is simply not there to search.
    if (info === undefined || !info.isFile()) continue;
    const bytes = await readFile(file).catch(() => undefined);
    if (bytes === undefined) continue;
    searched++;
    if (bytes.includes(needle)) found++;
  }
  return { searched, found };
}
