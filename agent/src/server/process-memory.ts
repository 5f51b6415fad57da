/**
 * Process-wide allocator settings for a long-running server holding many idle TLS
 * connections; `atagent server` applies them at start, the systemd unit
 * (systemd/atagent-server.service) also sets them from the first instruction.
 *
 * Why: per TLS connection, Node keeps a 64 KiB read buffer (its BIO, allocated at the first
 * read and kept) and OpenSSL briefly allocates ~17 KiB record buffers on each read and write
 * (freed again: Node sets SSL_MODE_RELEASE_BUFFERS). glibc serves allocations under 128 KiB
 * from its heap, where the freed record buffers leave touched holes that the next
 * connection's objects and the 64 KiB buffer reuse, so each idle connection keeps ~50 KiB
 * resident. With allocations of 16 KiB and more given their own mmap, only the pages actually
 * written stay resident: ~35 KiB per idle authenticated monitor connection (bench/server.ts,
 * 1,000 connections). 32 KiB or 64 KiB thresholds keep the record buffers on the heap and
 * lose most of the gain (~45 KiB measured); the price is an mmap/munmap pair per TLS record
 * buffer, which the same benchmark's throughput rows show to be in the noise.
 */
import { loadAddon } from '../crypto/addon.js';

/** Allocations of this size and more get their own mmap. */
export const SERVER_MALLOC_MMAP_THRESHOLD = 16 * 1024;

export type MallocTuningOutcome =
  | 'applied'
  /** MALLOC_MMAP_THRESHOLD_ is set: the operator's value stands (glibc read it at start). */
  | 'set by the environment'
  /** Not glibc, or the native addon is unavailable or predates the setting. */
  | 'unavailable';

export function tuneMallocForServer(env: NodeJS.ProcessEnv = process.env): MallocTuningOutcome {
  if (env['MALLOC_MMAP_THRESHOLD_'] !== undefined) return 'set by the environment';
  let setThreshold: ((bytes: number) => boolean) | undefined;
  try {
    const addon = loadAddon();
    setThreshold = addon.setMallocMmapThreshold?.bind(addon);
  } catch {
    return 'unavailable';
  }
  return setThreshold?.(SERVER_MALLOC_MMAP_THRESHOLD) === true ? 'applied' : 'unavailable';
}
