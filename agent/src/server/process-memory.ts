/**
 * Process-wide allocator settings for a long-running server holding many idle TLS
 * connections; `atagent server` applies them at start, the systemd unit
 * (systemd/atagent-server.service) also sets them from the first instruction.
 *
 * Why: per TLS connection, Node keeps a 64 KiB read buffer (its BIO, allocated at the first
 * read and kept) and OpenSSL briefly allocates ~17 KiB record buffers on each read and write
 * (freed again: Node sets SSL_MODE_RELEASE_BUFFERS). glibc serves allocations under 128 KiB
 * from its heap, where the freed record buffers leave touched holes that the next
 * connection's objects and the 64 KiB buffer reuse. With allocations of 16 KiB and more given
 * their own mmap, only the pages actually written stay resident. bench/server.ts, 1,000 idle
 * authenticated monitors: ~52 KiB per connection with glibc's default, ~34 KiB with 16 KiB
 * (32 KiB or 64 KiB keep the record buffers on the heap: ~45 KiB). The price, an mmap/munmap
 * pair per TLS record buffer, did not show in the same benchmark's llookup and notification
 * rates.
 */
import { loadAddon, type NativeAddon } from '../crypto/addon.js';

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
  let addon: NativeAddon;
  try {
    addon = loadAddon();
  } catch {
    return 'unavailable';
  }
  return addon.setMallocMmapThreshold?.(SERVER_MALLOC_MMAP_THRESHOLD) === true ? 'applied' : 'unavailable';
}
