/** Notification lines: the reference JSON shapes (live, replay, none, stats) both ways. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  formatNotificationLine,
  isStatsNotification,
  notificationFromJson,
  notificationToJson,
  parseNotificationLine,
  parseResponse,
  statsNotification,
  UnexpectedResponseError,
  type AtNotification,
} from '../../../agent/src/protocol/index.js';

// protocol.md §10.7, with the placeholders filled in.
const LIVE =
  'notification: {"id":"5f3c6a2e-9d1b-4c7e-8a0f-2b4d6e8f0a1c","from":"@alice","to":"@bob","key":"@bob:phone.wavi@alice",' +
  '"value":"CT","operation":"update","epochMillis":1729733702123,"messageType":"MessageType.key","isEncrypted":true,' +
  '"metadata":{"encKeyName":null,"encAlgo":null,"ivNonce":"IV64","skeEncKeyName":null,"skeEncAlgo":null,"sharedKeyEnc":"SKE"}}';

// protocol.md §7.16: a notify:list element / replayed notification.
const REPLAY =
  '{"id":"n1","from":"@alice","to":"@bob","key":"@bob:phone@alice","value":null,"operation":"update","epochMillis":1700000000000,' +
  '"messageType":"MessageType.key","isEncrypted":true,"metadata":{"encKeyName":null,"encAlgo":null,"ivNonce":null,' +
  '"skeEncKeyName":null,"skeEncAlgo":null,"availableAt":"null","expiresAt":"2024-10-25 01:35:02.123Z"}}';

const STATS =
  'notification: {"id":"-1","from":"@alice","to":"@alice","key":"statsNotification.@alice","value":"42","operation":"update",' +
  '"epochMillis":1729733702123,"messageType":"MessageType.key","isEncrypted":false,"metadata":null}';

describe('reading notifications', () => {
  test('a live notification with sharedKeyEnc', () => {
    const notification = parseNotificationLine(LIVE);
    assert.equal(notification.id, '5f3c6a2e-9d1b-4c7e-8a0f-2b4d6e8f0a1c');
    assert.equal(notification.key, '@bob:phone.wavi@alice');
    assert.equal(notification.value, 'CT');
    assert.equal(notification.messageType, 'key');
    assert.equal(notification.isEncrypted, true);
    assert.deepEqual(notification.metadata, { ivNonce: 'IV64', sharedKeyEnc: 'SKE' });
    assert.equal(isStatsNotification(notification), false);
  });

  test('a replayed notification with availableAt/expiresAt and no sharedKeyEnc', () => {
    const notification = notificationFromJson(JSON.parse(REPLAY));
    assert.equal(notification.value, null);
    assert.deepEqual(notification.metadata, { expiresAt: new Date(Date.UTC(2024, 9, 25, 1, 35, 2, 123)) });
  });

  test('old servers: no metadata at all', () => {
    const json = JSON.parse(REPLAY) as Record<string, unknown>;
    delete json['metadata'];
    assert.equal(notificationFromJson(json).metadata, null);
  });

  test('the stats notification', () => {
    const notification = parseNotificationLine(STATS);
    assert.equal(isStatsNotification(notification), true);
    assert.equal(notification.value, '42');
    assert.equal(notification.metadata, null);
    const response = parseResponse(STATS);
    assert.ok(response.kind === 'notification' && isStatsNotification(response.notification));
  });

  test('a text message, enum names with or without prefix, string numbers', () => {
    const notification = notificationFromJson({
      id: 7,
      from: '@alice',
      to: '@bob',
      key: '@bob:hello there',
      value: null,
      operation: 'OperationType.delete',
      epochMillis: '1700000000000',
      messageType: 'text',
      isEncrypted: 'false',
    });
    assert.equal(notification.id, '7');
    assert.equal(notification.operation, 'delete');
    assert.equal(notification.messageType, 'text');
    assert.equal(notification.epochMillis, 1700000000000);
    assert.equal(notification.isEncrypted, false);
  });

  test('the space after notification: is optional for readers', () => {
    assert.equal(parseNotificationLine(LIVE.replace('notification: ', 'notification:')).value, 'CT');
  });

  test('unusable notifications are UnexpectedResponseError', () => {
    const unexpected = (e: unknown) => e instanceof UnexpectedResponseError;
    const valid = JSON.parse(REPLAY) as Record<string, unknown>;
    for (const broken of [
      { ...valid, id: undefined },
      { ...valid, key: 5 },
      { ...valid, operation: 'explode' },
      { ...valid, messageType: 'MessageType.video' },
      { ...valid, epochMillis: 'soon' },
      { ...valid, isEncrypted: 'maybe' },
      { ...valid, value: 5 },
      { ...valid, metadata: { ttl: 'x' } },
      [],
      'text',
    ]) {
      assert.throws(() => notificationFromJson(broken), unexpected, JSON.stringify(broken));
    }
    assert.throws(() => parseNotificationLine('data:ok'), unexpected);
    assert.throws(() => parseNotificationLine('notification: {'), unexpected);
  });
});

describe('writing notifications', () => {
  test('the live line is byte-for-byte the reference one', () => {
    assert.equal(formatNotificationLine(parseNotificationLine(LIVE)), `${LIVE}\n`);
  });

  test('the replay shape is byte-for-byte the reference one', () => {
    assert.equal(notificationToJson(notificationFromJson(JSON.parse(REPLAY)), { metadataShape: 'replay' }), REPLAY);
  });

  test('the stats notification', () => {
    assert.equal(formatNotificationLine(statsNotification('@alice', 42, 1729733702123)), `${STATS}\n`);
  });

  test('write → read is the identity for the fields the shape carries', () => {
    const notification: fc.Arbitrary<AtNotification> = fc.record({
      id: fc.uuid(),
      from: fc.constantFrom('@alice', '@bob🛠'),
      to: fc.constantFrom('@alice', '@bob🛠'),
      key: fc.string({ minLength: 1, maxLength: 30 }),
      value: fc.option(fc.string({ maxLength: 40 }), { nil: null }),
      operation: fc.constantFrom('update' as const, 'delete' as const),
      epochMillis: fc.nat(),
      messageType: fc.constantFrom('key' as const, 'text' as const),
      isEncrypted: fc.boolean(),
      metadata: fc.option(
        fc.record({ ivNonce: fc.base64String({ minLength: 4, maxLength: 24 }), sharedKeyEnc: fc.base64String({ minLength: 4, maxLength: 24 }) }, { requiredKeys: [], noNullPrototype: true }),
        { nil: null },
      ),
    }, { noNullPrototype: true });
    fc.assert(
      fc.property(notification, (original) => {
        const line = formatNotificationLine(original);
        assert.ok(line.endsWith('\n'));
        assert.equal(line.indexOf('\n'), line.length - 1, 'one line');
        const back = parseNotificationLine(line);
        assert.deepEqual(back, { ...original, metadata: original.metadata === null ? null : { ...original.metadata } });
      }),
      { numRuns: 300 },
    );
  });
});
