import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  encodeRecord,
  scanRecords,
  RECORD_HEADER_BYTES,
} from '../../../../agent/src/server/storage/record-format.js';

const payloads = ['{"a":1}', '["keys","@bob:k@alice",{"value":"🛠"}]', 'x'.repeat(5000)];
const file = Buffer.concat(payloads.map(encodeRecord));

describe('record framing', () => {
  test('round trips payloads, including non-ASCII text, with their offsets', () => {
    const scan = scanRecords(file);
    assert.equal(scan.damage, undefined);
    assert.deepEqual(scan.records.map((r) => r.payload), payloads);
    assert.equal(scan.records[1]!.offset, encodeRecord(payloads[0]!).length);
    assert.equal(scan.validEnd, file.length);
  });

  test('a file cut anywhere inside its last record is a trailing (torn) tail', () => {
    const lastStart = file.length - encodeRecord(payloads[2]!).length;
    for (let cut = lastStart + 1; cut < file.length; cut += 97) {
      const scan = scanRecords(file.subarray(0, cut));
      assert.equal(scan.records.length, 2);
      assert.equal(scan.validEnd, lastStart);
      assert.deepEqual(scan.damage && { offset: scan.damage.offset, trailing: scan.damage.trailing }, {
        offset: lastStart,
        trailing: true,
      });
    }
  });

  test('zeroes or garbage after the last record are a trailing tail', () => {
    for (const tail of [Buffer.alloc(4096), Buffer.from('garbage\n'), Buffer.from('atR1')]) {
      const scan = scanRecords(Buffer.concat([file, tail]));
      assert.equal(scan.records.length, 3);
      assert.equal(scan.damage?.trailing, true);
      assert.equal(scan.damage?.offset, file.length);
    }
  });

  test('a damaged record with intact records after it is corruption, not a tail', () => {
    const damaged = Buffer.from(file);
    const second = encodeRecord(payloads[0]!).length;
    damaged[second + RECORD_HEADER_BYTES + 3]! ^= 0x01;
    const scan = scanRecords(damaged);
    assert.equal(scan.records.length, 1);
    assert.deepEqual(scan.damage, { offset: second, problem: 'checksum mismatch', trailing: false });
  });

  test('a damaged length field is caught by the checksum', () => {
    const damaged = Buffer.from(file);
    damaged.writeUInt32LE(3, 4);
    const scan = scanRecords(damaged);
    assert.equal(scan.records.length, 0);
    assert.equal(scan.damage?.trailing, false);
  });
});
