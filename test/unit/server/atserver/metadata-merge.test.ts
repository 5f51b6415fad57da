import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hasMetadataOptions, mergeMetadata } from '../../../../agent/src/server/atserver/keys/metadata-merge.js';
import { AtServerVerbError } from '../../../../agent/src/server/atserver/errors.js';

const NOW = 1_700_000_000_000;
const base = { atSign: '@alice', now: NOW };

describe('mergeMetadata (server.md §4)', () => {
  test('a new key: created/updated by me now, version 0, active', () => {
    assert.deepEqual(mergeMetadata({ ...base, options: {}, existing: undefined }), {
      createdBy: '@alice', updatedBy: '@alice', createdAt: NOW, updatedAt: NOW, status: 'active', version: 0,
    });
  });

  test('ttl/ttb dates; ttl 0 keeps ttl but no expiry', () => {
    const merged = mergeMetadata({ ...base, options: { ttl: 100, ttb: 50 }, existing: undefined });
    assert.deepEqual([merged.expiresAt, merged.availableAt], [NOW + 150, NOW + 50]);
    const cleared = mergeMetadata({ ...base, options: { ttl: 0 }, existing: merged });
    assert.deepEqual([cleared.ttl, cleared.expiresAt, cleared.ttb, cleared.availableAt], [0, undefined, 50, NOW + 50]);
  });

  test('stored ttl re-applied from now; createdAt kept; version counts', () => {
    const first = mergeMetadata({ ...base, options: { ttl: 100 }, existing: undefined });
    const later = mergeMetadata({ ...base, now: NOW + 60, options: {}, existing: first });
    assert.deepEqual([later.expiresAt, later.createdAt, later.updatedAt, later.version], [NOW + 160, NOW, NOW + 60, 1]);
  });

  test('ttr: seconds; -1 no refreshAt; ccd defaults false, kept, and goes with ttr 0', () => {
    const cached = mergeMetadata({ ...base, options: { ttr: 10 }, existing: undefined });
    assert.deepEqual([cached.ttr, cached.refreshAt, cached.ccd], [10, NOW + 10_000, false]);
    const cascade = mergeMetadata({ ...base, options: { ccd: true }, existing: cached });
    assert.deepEqual([cascade.ttr, cascade.ccd], [10, true]);
    const forever = mergeMetadata({ ...base, options: { ttr: -1 }, existing: cascade });
    assert.deepEqual([forever.refreshAt, forever.ccd], [undefined, true]);
    const none = mergeMetadata({ ...base, options: { ttr: 0 }, existing: forever });
    assert.deepEqual([none.ttr, none.ccd, none.refreshAt], [undefined, undefined, undefined]);
    assert.equal(mergeMetadata({ ...base, options: { ccd: true }, existing: undefined }).ccd, undefined);
  });

  test('string options: absent keeps, literal null clears, given replaces; flags kept', () => {
    const first = mergeMetadata({ ...base, options: { ivNonce: 'AA', dataSignature: 'sig', isEncrypted: true }, existing: undefined });
    const second = mergeMetadata({ ...base, options: { ivNonce: 'null', dataSignature: 'sig2' }, existing: first });
    assert.deepEqual([second.ivNonce, second.dataSignature, second.isEncrypted], [undefined, 'sig2', true]);
    assert.ok(!Object.values(second).includes(undefined as never), 'no undefined fields are stored');
    assert.equal(mergeMetadata({ ...base, options: { sharedKeyStatus: 'x' }, existing: undefined }).version, 0);
  });

  test('negative ttl/ttb and ttr below -1 are AT0003', () => {
    for (const options of [{ ttl: -1 }, { ttb: -1 }, { ttr: -2 }]) {
      assert.throws(() => mergeMetadata({ ...base, options, existing: undefined }), (error: unknown) => error instanceof AtServerVerbError && error.code === 'AT0003');
    }
  });

  test('hasMetadataOptions ignores sharedKeyStatus', () => {
    assert.equal(hasMetadataOptions({}), false);
    assert.equal(hasMetadataOptions({ sharedKeyStatus: 'x' }), false);
    assert.equal(hasMetadataOptions({ isEncrypted: false }), true);
  });
});
