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
  /** For each text, in the order given: the files containing it. */
  readonly found: readonly number[];
}

/**
 * How many regular files under `directory` contain each of `texts` (UTF-8 bytes, as the
 * storage writes JSON). Every file is read once, whatever the number of texts.
 */
export async function filesContaining(directory: string, texts: readonly string[]): Promise<SearchResult> {
  const searches = texts.map((text) => ({ needle: Buffer.from(text, 'utf8'), files: 0 }));
  let searched = 0;
  for (const name of await readdir(directory, { recursive: true })) {
    const file = join(directory, name);
    const info = await stat(file).catch(() => undefined);
    // A file removed meanwhile (a compaction's temporary file) is simply not there to search.
    if (info === undefined || !info.isFile()) continue;
    const bytes = await readFile(file).catch(() => undefined);
    if (bytes === undefined) continue;
    searched++;
    for (const search of searches) if (bytes.includes(search.needle)) search.files++;
  }
  return { searched, found: searches.map((search) => search.files) };
}
