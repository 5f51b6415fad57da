/**
 * Chooses the crypto engine once per process. ATAGENT_CRYPTO=native|js forces one; unset,
 * the native addon is preferred and the node:crypto fallback used (with one line on stderr)
 * when the addon cannot load, e.g. no prebuild for this board and no compiler.
 */
import type { CryptoBackend } from './backend.js';
import { jsBackend } from './js-backend.js';
import { loadNativeBackend } from './native-backend.js';

export type CryptoBackendName = CryptoBackend['name'];

/** ATAGENT_CRYPTO=native, but the addon cannot be loaded. */
export class NativeCryptoUnavailableError extends Error {
  readonly code = 'ERR_ATAGENT_NATIVE_CRYPTO_UNAVAILABLE';

  constructor(reason: string, options?: { cause?: unknown }) {
    super(
      `ATAGENT_CRYPTO=native but the native crypto addon cannot be loaded (${reason}); ` +
        'rebuild it with `npm run build:native` or unset ATAGENT_CRYPTO to use the node:crypto fallback',
      options,
    );
    this.name = 'NativeCryptoUnavailableError';
  }
}

/** ATAGENT_CRYPTO holds something other than `native` or `js`. */
export class CryptoBackendSettingError extends Error {
  readonly code = 'ERR_ATAGENT_CRYPTO_SETTING';

  constructor(value: string) {
    super(`ATAGENT_CRYPTO must be 'native' or 'js' (or unset), got '${value}'`);
    this.name = 'CryptoBackendSettingError';
  }
}

export interface CryptoBackendChoice {
  /** The ATAGENT_CRYPTO value; undefined or empty means "prefer native". */
  readonly setting?: string | undefined;
  /** Loads the addon or throws why it cannot. */
  readonly loadNative?: () => CryptoBackend;
  /** Receives the one-line notice when falling back. */
  readonly warn?: (line: string) => void;
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, ' ').trim() || 'unknown error';
}

/** Applies the selection rules; `cryptoBackend()` calls it once with the process settings. */
export function chooseCryptoBackend(choice: CryptoBackendChoice = {}): CryptoBackend {
  const setting = choice.setting?.trim() ?? '';
  const loadNative = choice.loadNative ?? loadNativeBackend;
  switch (setting) {
    case 'js':
      return jsBackend;
    case 'native':
      try {
        return loadNative();
      } catch (error) {
        throw new NativeCryptoUnavailableError(oneLine(error), { cause: error });
      }
    case '':
      try {
        return loadNative();
      } catch (error) {
        const warn = choice.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
        warn(`atagent: native crypto addon unavailable (${oneLine(error)}); using the node:crypto fallback`);
        return jsBackend;
      }
    default:
      throw new CryptoBackendSettingError(setting);
  }
}

let active: CryptoBackend | undefined;

/** The engine this process uses, chosen on first call from ATAGENT_CRYPTO. */
export function cryptoBackend(): CryptoBackend {
  active ??= chooseCryptoBackend({ setting: process.env['ATAGENT_CRYPTO'] });
  return active;
}

/** 'native' or 'js': which engine `cryptoBackend()` runs. */
export function cryptoBackendName(): CryptoBackendName {
  return cryptoBackend().name;
}
