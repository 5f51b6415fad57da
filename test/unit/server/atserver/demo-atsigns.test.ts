import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_ATSIGNS } from '../../../../agent/src/server/demo/index.js';
import { demoKeys } from '../../../helpers/platform.js';

test('the shipped demo atSigns are exactly demo_keys.json\'s, with their public material', () => {
  assert.deepEqual(DEMO_ATSIGNS.map((demo) => demo.atSign).sort(), Object.keys(demoKeys).sort());
  for (const demo of DEMO_ATSIGNS) {
    const keys = demoKeys[demo.atSign];
    assert.deepEqual(
      [demo.cramSecret, demo.pkamPublicKey, demo.encryptionPublicKey],
      [keys?.cramSecret, keys?.pkamPublicKey, keys?.encryptionPublicKey],
      demo.atSign,
    );
    assert.ok(!JSON.stringify(demo).includes('MIIEv'), 'no private key is shipped');
  }
});
