/**
 * Loads the native addon (`atagent.node`) once per process and hands it the error classes of
 * errors.ts, so every failure it raises is one of them. A shipped prebuild
 * (prebuilds/<platform>-<arch>/, the binaries CI cross-built and tested) is preferred; a local
 * build in build/ (node-gyp-build's own search) is the fallback for platforms without one.
 * Callers normally go through native-backend.ts.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorConstructors } from './errors.js';

/** A bound AES-256-CTR+PKCS#7 context, as the addon returns it. */
export interface NativeAesContext {
  encryptInto(iv: Uint8Array, plaintext: Uint8Array, out: Uint8Array): number;
  decryptInto(iv: Uint8Array, ciphertext: Uint8Array, out: Uint8Array): number;
}

export interface NativeRsaPublicContext {
  readonly size: number;
  /** `out` must hold `size` bytes; returns `size`. */
  encryptInto(plaintext: Uint8Array, out: Uint8Array): number;
  verify(hash: string, message: Uint8Array, signature: Uint8Array): boolean;
  exportSpki(): Buffer;
}

export interface NativeRsaPrivateContext {
  readonly size: number;
  decrypt(ciphertext: Uint8Array): Buffer;
  sign(hash: string, message: Uint8Array): Buffer;
  exportSpki(): Buffer;
  exportPkcs8(): Buffer;
}

/** What `atagent.node` exports (native/src/addon.cc). */
export interface NativeAddon {
  init(constructors: typeof errorConstructors): void;
  createAes(key: Uint8Array): NativeAesContext;
  createRsaPublic(spkiDer: Uint8Array): NativeRsaPublicContext;
  createRsaPrivate(pkcs8Der: Uint8Array): NativeRsaPrivateContext;
  base2e15Encode(bytes: Uint8Array): string;
  /** `out` must hold floor(15 * text.length / 8) bytes; returns the bytes written. */
  base2e15DecodeInto(text: string, strict: boolean, out: Uint8Array): number;
  /** Sends one datagram to an AF_UNIX path or `@abstract` name; throws on failure. */
  sdNotify(socketAddress: string, message: string): void;
  /**
   * glibc: allocations of `bytes` or more get their own mmap (mallopt M_MMAP_THRESHOLD);
   * false where the C library has no such setting. Optional: binaries built before it existed
   * lack it, and nothing about crypto depends on it.
   */
  setMallocMmapThreshold?(bytes: number): boolean;
}

const EXPORTED_FUNCTIONS = [
  'init',
  'createAes',
  'createRsaPublic',
  'createRsaPrivate',
  'base2e15Encode',
  'base2e15DecodeInto',
  'sdNotify',
] as const;

/** The directory of the atagent package (holding binding.gyp), from source or from dist/. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && existsSync(join(dir, 'binding.gyp'))) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
      if (name === 'atagent') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the atagent package root (binding.gyp) above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

function isNativeAddon(value: unknown): value is NativeAddon {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return EXPORTED_FUNCTIONS.every((name) => typeof record[name] === 'function');
}

/**
 * The prebuild for this machine, laid out as prebuildify writes it:
 * prebuilds/<platform>-<arch>/<name>.<tags>.node, where an N-API build carries the tag `napi`
 * and may carry `armv<N>` and `glibc`/`musl`. node-gyp-build would look in build/ first, hence
 * this search of our own. The most specific matching file wins.
 */
export function findPrebuild(root: string): string | undefined {
  // ATAGENT_PREBUILD names another directory to load from; node-gyp-build honours it.
  if (process.env.ATAGENT_PREBUILD) return undefined;
  const platform = process.env.npm_config_platform || process.platform;
  const arch = process.env.npm_config_arch || process.arch;
  const dir = join(root, 'prebuilds', `${platform}-${arch}`);
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return undefined;
  }
  const variables = (process.config.variables ?? {}) as { arm_version?: string };
  const armVersion = process.env.ARM_VERSION || (arch === 'arm64' ? '8' : variables.arm_version);
  const matching = files
    .filter((file) => file.endsWith('.node'))
    .map((file) => ({ file, tags: file.slice(0, -'.node'.length).split('.').slice(1) }))
    .filter(({ tags }) => tags.includes('napi'))
    .filter(({ tags }) => tags.every((tag) => !tag.startsWith('armv') || tag === `armv${armVersion}`))
    // Debian and Raspberry Pi OS are glibc systems; musl builds are for Alpine.
    .filter(({ tags }) => !tags.includes('musl'))
    .sort((a, b) => b.tags.length - a.tags.length);
  return matching[0] === undefined ? undefined : join(dir, matching[0].file);
}

/** The outcome of the one load attempt: the addon, or why it could not be loaded. */
let loaded: { addon: NativeAddon } | { error: unknown } | undefined;

function load(): NativeAddon {
  const require = createRequire(import.meta.url);
  const nodeGypBuild = require('node-gyp-build') as { path(dir: string): string };
  const root = packageRoot();
  const addon: unknown = require(findPrebuild(root) ?? nodeGypBuild.path(root));
  if (!isNativeAddon(addon)) {
    throw new Error(`the native addon found under ${root} lacks the expected exports (stale build? run npm run build:native)`);
  }
  addon.init(errorConstructors);
  return addon;
}

/**
 * The initialised addon. Throws an Error saying why when no binary can be loaded (none built,
 * wrong ABI, missing exports); the facade then falls back to node:crypto. Either outcome is
 * kept: later callers (the crypto facade, malloc tuning, sd_notify) do not search the
 * filesystem again.
 */
export function loadAddon(): NativeAddon {
  if (loaded === undefined) {
    try {
      loaded = { addon: load() };
    } catch (error) {
      loaded = { error };
    }
  }
  if ('error' in loaded) throw loaded.error;
  return loaded.addon;
}
