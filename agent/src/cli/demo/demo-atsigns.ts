/**
 * The demo's two atSigns on the embedded platform: registered (which issues each a one-time
 * CRAM secret) and onboarded through the real CRAM → PKAM flow, with their `.atKeys` files
 * in `<data-dir>/keys/`. A data directory kept from an earlier run is reused as it is.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { onboard } from '../../client/index.js';
import type { Platform } from '../../server/index.js';
import type { DemoOutput } from './demo-output.js';

export const DEMO_DEVICE = '@device';
export const DEMO_PHONE = '@phone';
const DEMO_ATSIGNS = [DEMO_DEVICE, DEMO_PHONE] as const;

export function demoKeysPath(dataDir: string, atSign: string): string {
  return join(dataDir, 'keys', `${atSign}_key.atKeys`);
}

/** Registers the demo atSigns; returns the CRAM secrets of those created now (kept out of the output). */
export async function registerDemoAtSigns(platform: Platform, out: DemoOutput): Promise<Map<string, string>> {
  const secrets = new Map<string, string>();
  for (const atSign of DEMO_ATSIGNS) {
    const registered = await platform.registerAtSign(atSign);
    if (registered.cramSecret !== undefined) secrets.set(registered.atSign, registered.cramSecret);
    const origin = registered.cramSecret === undefined ? 'kept from an earlier run' : 'new, with a one-time CRAM secret';
    out.line(`${registered.atSign} → atServer ${registered.address} (${origin})`);
  }
  return secrets;
}

/** Onboards each demo atSign that has a CRAM secret, writing its keys to `demoKeysPath`. */
export async function onboardDemoAtSigns(platform: Platform, dataDir: string, secrets: ReadonlyMap<string, string>, out: DemoOutput): Promise<void> {
  await Promise.all(
    DEMO_ATSIGNS.map(async (atSign) => {
      const keysPath = demoKeysPath(dataDir, atSign);
      const cramSecret = secrets.get(atSign);
      if (cramSecret === undefined) {
        if (!existsSync(keysPath)) {
          throw new Error(`${dataDir} holds ${atSign} but not its keys (${keysPath}); use a new --data-dir`);
        }
        return;
      }
      await onboard({ atSign, cramSecret, root: platform.root, ca: platform.caPath, keysPath });
    }),
  );
  for (const atSign of DEMO_ATSIGNS) {
    const origin = secrets.has(atSign) ? 'PKAM and encryption keys made, PKAM login proven, public key published, CRAM disabled' : 'onboarded in an earlier run';
    out.line(`${atSign}: ${origin}`);
    out.line(`${' '.repeat(atSign.length)}  keys: ${demoKeysPath(dataDir, atSign)} (mode 600)`);
  }
}
