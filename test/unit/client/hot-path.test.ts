/**
 * The put hot path's shortcuts must never drift from the protocol layer: the update text
 * built without re-parsing equals `updateCommand`'s, and pooled IVs are all different.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { AesKey } from '../../../agent/src/crypto/index.js';
import { IvSource } from '../../../agent/src/client/iv-source.js';
import { encryptedUpdateCommand } from '../../../agent/src/client/update-text.js';
import { InvalidAtKeyError, parseAtKey, updateCommand, type MetadataOptions } from '../../../agent/src/protocol/index.js';

describe('put hot path', () => {
  test('encryptedUpdateCommand equals updateCommand for encrypted values', () => {
    const aes = AesKey.generate();
    const keys = ['phone.wavi@alice🛠', '@bob🛠:phone.wavi@alice🛠', '@alice:x@alice', 'shared_key.bob@alice', '@bob:shared_key@alice', '_hidden@alice'];
    fc.assert(
      fc.property(
        fc.constantFrom(...keys),
        fc.string({ maxLength: 200 }),
        fc.record(
          {
            ttl: fc.nat(),
            ttb: fc.nat(),
            ttr: fc.integer({ min: -1, max: 1e9 }),
            ccd: fc.boolean(),
            isBinary: fc.boolean(),
            sharedKeyEnc: fc.base64String({ minLength: 4, maxLength: 64 }).filter((text) => text.length > 0),
            pubKeyCS: fc.stringMatching(/^[0-9a-f]{32}$/),
          },
          { requiredKeys: [] },
        ),
        (keyText, plaintext, extra) => {
          const metadata: MetadataOptions = { ...extra, isEncrypted: true, ivNonce: 'AAAAAAAAAAAAAAAAAAAAAA==' };
          const value = aes.encryptText(plaintext);
          assert.equal(encryptedUpdateCommand(parseAtKey(keyText), value, metadata), updateCommand(keyText, value, metadata));
        },
      ),
    );
  });

  test('it refuses what updateCommand would refuse', () => {
    assert.throws(() => encryptedUpdateCommand(parseAtKey('cached:@alice:x@bob'), 'AAAA', { isEncrypted: true }), InvalidAtKeyError);
    assert.throws(() => encryptedUpdateCommand(parseAtKey('x@alice'), 'not base64!', { isEncrypted: true }), InvalidAtKeyError);
  });

  test('pooled IVs are 16 bytes and never repeat', () => {
    const source = new IvSource();
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const iv = source.next();
      assert.equal(iv.length, 16);
      seen.add(iv.toString('hex'));
    }
    assert.equal(seen.size, 5000);
  });
});
