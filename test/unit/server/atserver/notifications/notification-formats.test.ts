/**
 * The pure pieces of the notification stack: the forwarded command (server.md §6.2 step 6),
 * the notify:fetch and monitor/list JSON, notify:list dates, unique creation stamps, and
 * what autoNotify makes of a key change.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseNotificationJson, parseVerb, type NotifyCommand } from '../../../../../agent/src/protocol/index.js';
import { ManualClock } from '../../../../../agent/src/server/index.js';
import { autoNotification } from '../../../../../agent/src/server/atserver/notifications/auto-notifier.js';
import { NotificationStamps } from '../../../../../agent/src/server/atserver/notifications/notification-stamps.js';
import { listFilter, parseListDate } from '../../../../../agent/src/server/atserver/notifications/notification-list-query.js';
import { fetchJson, monitorLine, notificationListJson } from '../../../../../agent/src/server/atserver/notifications/notification-views.js';
import { notifyCommandText, UnsendableNotificationError } from '../../../../../agent/src/server/atserver/notifications/notify-command-text.js';
import { newNotification, outgoingFromNotify } from '../../../../../agent/src/server/atserver/notifications/outgoing-notifications.js';
import type { StoredNotification } from '../../../../../agent/src/server/atserver/notifications/stored-notification.js';
import type { KeyChange } from '../../../../../agent/src/server/index.js';

const ME = '@alice';
const NOW = Date.UTC(2024, 9, 24, 1, 35, 2, 123);

function fromCommand(line: string): StoredNotification {
  return newNotification(outgoingFromNotify(parseVerb(line) as NotifyCommand, ME, 900_000), ME, NOW);
}

describe('forwarded notify command', () => {
  test('defaults: system notifier, isEncrypted true for a shared key, remaining lifetime', () => {
    const notification = fromCommand('notify:@bob:phone@alice:v1');
    assert.equal(notification.type, 'sent');
    assert.equal(notification.status, 'queued');
    assert.equal(
      notifyCommandText(notification, NOW + 100_000),
      `notify:id:${notification.id}:update:messageType:key:notifier:system:ttln:800000:isEncrypted:true:@bob:phone@alice:v1`,
    );
    assert.equal(notifyCommandText(notification, NOW + 10_000_000).includes(':ttln:1:'), true, 'never 0 or negative');
  });

  test('public keys are not encrypted by default; ttr always comes with ccd', () => {
    const notification = fromCommand('notify:update:ttr:-1:@bob:public:location@alice:here');
    assert.match(notifyCommandText(notification, NOW), /:ttr:-1:ccd:false:isEncrypted:false:public:location@alice:here$/);
  });

  test('to myself: received and delivered at once', () => {
    const notification = fromCommand('notify:@alice:note@alice');
    assert.equal(notification.type, 'received');
    assert.equal(notification.status, 'delivered');
  });

  test('a value with a line break cannot be forwarded', () => {
    const notification = { ...fromCommand('notify:@bob:phone@alice:v'), atValue: 'two\nlines' };
    assert.throws(() => notifyCommandText(notification, NOW), UnsendableNotificationError);
  });

  test('property: what we forward, the reference grammar reads back to the same notification', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9+/=]{1,12}$/);
    fc.assert(
      fc.property(
        fc.record({
          ttl: fc.option(fc.nat(10_000_000), { nil: undefined }),
          ttr: fc.option(fc.integer({ min: -1, max: 100_000 }), { nil: undefined }),
          ccd: fc.option(fc.boolean(), { nil: undefined }),
          isEncrypted: fc.option(fc.boolean(), { nil: undefined }),
          sharedKeyEnc: fc.option(token, { nil: undefined }),
          ivNonce: fc.option(token, { nil: undefined }),
          // Servers trim command lines: a value cannot end (or be) blank.
          value: fc.option(fc.stringMatching(/^\S([^\r\n]{0,38}\S)?$/), { nil: undefined }),
          operation: fc.constantFrom('update', 'delete'),
        }),
        (input) => {
          const options = [
            input.ttl === undefined ? '' : `:ttl:${input.ttl}`,
            input.ttr === undefined ? '' : `:ttr:${input.ttr}`,
            input.ttr === undefined || input.ccd === undefined ? '' : `:ccd:${input.ccd}`,
            input.isEncrypted === undefined ? '' : `:isEncrypted:${input.isEncrypted}`,
            input.sharedKeyEnc === undefined ? '' : `:sharedKeyEnc:${input.sharedKeyEnc}`,
            input.ivNonce === undefined ? '' : `:ivNonce:${input.ivNonce}`,
          ].join('');
          const line = `notify:${input.operation}${options}:@bob:some.key@alice${input.value === undefined ? '' : `:${input.value}`}`;
          const sent = fromCommand(line);
          const forwarded = parseVerb(notifyCommandText(sent, NOW)) as NotifyCommand;
          assert.equal(forwarded.id, sent.id);
          assert.equal(forwarded.operation, input.operation);
          assert.equal(forwarded.key, '@bob:some.key@alice');
          assert.equal(forwarded.value, input.value);
          assert.equal(forwarded.metadata.ttl, input.ttl);
          assert.equal(forwarded.metadata.ttr, input.ttr === 0 ? undefined : input.ttr);
          assert.equal(forwarded.metadata.isEncrypted, input.isEncrypted ?? true);
          assert.equal(forwarded.metadata.sharedKeyEnc, input.sharedKeyEnc);
          assert.equal(forwarded.metadata.ivNonce, input.ivNonce);
        },
      ),
    );
  });
});

describe('notification JSON', () => {
  const notification = fromCommand('notify:id:n-1:update:ttr:10:sharedKeyEnc:c2tl:ivNonce:aXY=:@bob:phone@alice:CT');

  test('notify:fetch: every value a string, Dart enum names, Dart map of the metadata', () => {
    assert.equal(
      fetchJson(notification),
      '{"id":"n-1","fromAtSign":"@alice","notificationDateTime":"2024-10-24 01:35:02.123Z","toAtSign":"@bob","notification":"@bob:phone@alice",' +
        '"type":"NotificationType.sent","opType":"OperationType.update","messageType":"MessageType.key","priority":"NotificationPriority.low",' +
        '"notificationStatus":"NotificationStatus.queued","retryCount":"1","strategy":"all","depth":"1","notifier":"system",' +
        '"expiresAt":"2024-10-24 01:50:02.123Z","atValue":"CT","atMetadata":"{ttr: 10, isCascade: false, isEncrypted: true, sharedKeyEnc: c2tl, ivNonce: aXY=}","ttl":"900000"}',
    );
  });

  test('monitor lines: live with sharedKeyEnc, replay with dates; notify:list uses the replay shape', () => {
    const live = monitorLine(notification, 'live');
    assert.ok(live.startsWith('notification: {"id":"n-1","from":"@alice","to":"@bob","key":"@bob:phone@alice","value":"CT","operation":"update","epochMillis":'));
    assert.ok(live.endsWith('"metadata":{"encKeyName":null,"encAlgo":null,"ivNonce":"aXY=","skeEncKeyName":null,"skeEncAlgo":null,"sharedKeyEnc":"c2tl"}}\n'));
    assert.match(monitorLine(notification, 'replay'), /"availableAt":"null","expiresAt":"2024-10-24 01:50:02\.123Z"\}\}\n$/);
    const [listed] = JSON.parse(notificationListJson([notification])) as unknown[];
    assert.equal(parseNotificationJson(JSON.stringify(listed)).id, 'n-1');
  });
});

describe('notify:list dates', () => {
  test('YYYY-MM-DD days only', () => {
    assert.equal(parseListDate('2024-02-29'), Date.UTC(2024, 1, 29));
    for (const bad of ['2023-02-29', '2024-13-01', '2024-1-5', '2024-00-10', '2024-01-32']) {
      assert.throws(() => parseListDate(bad), (error: Error & { code?: string }) => error.code === 'AT0022', bad);
    }
  });

  test('both ends inclusive, whole UTC days', () => {
    const filter = listFilter({ verb: 'notify:list', fromDate: '2024-10-24', toDate: '2024-10-24' }, NOW);
    const at = (time: number) => filter({ ...fromCommand('notify:@bob:phone@alice'), notificationDateTime: time });
    assert.equal(at(Date.UTC(2024, 9, 24)), true);
    assert.equal(at(Date.UTC(2024, 9, 24, 23, 59, 59, 999)), true);
    assert.equal(at(Date.UTC(2024, 9, 25)), false);
    assert.equal(at(Date.UTC(2024, 9, 23, 23, 59, 59, 999)), false);
  });
});

describe('creation stamps', () => {
  test('strictly increasing even when the clock stands still or goes back', () => {
    const clock = new ManualClock(1_000);
    const stamps = new NotificationStamps(clock, 999);
    const seen = [stamps.next(), stamps.next()];
    clock.set(500);
    seen.push(stamps.next());
    clock.set(5_000);
    seen.push(stamps.next());
    assert.deepEqual(seen, [1_000, 1_001, 1_002, 5_000]);
  });
});

describe('autoNotify', () => {
  const record = { value: 'V', metadata: { ttr: 60, ccd: true, sharedKeyEnc: 'c2tl', isEncrypted: true, createdAt: 1 } };
  const change = (overrides: Partial<KeyChange>): KeyChange => ({ operation: 'update', key: '@bob:phone@alice', record, previous: undefined, commitId: 3, origin: 'client', ...overrides });

  test('update of a shared key: value and metadata to the recipient', () => {
    const notification = autoNotification(change({}), ME, 1000);
    assert.deepEqual(notification, {
      from: ME,
      to: '@bob',
      key: '@bob:phone@alice',
      notifier: 'system',
      ttl: 1000,
      opType: 'update',
      value: 'V',
      metadata: { ttr: 60, ccd: true, isEncrypted: true, sharedKeyEnc: 'c2tl' },
    });
  });

  test('update:meta without the value, delete without metadata, priority carried', () => {
    assert.equal(autoNotification(change({ operation: 'update:meta' }), ME, 1000)?.value, undefined);
    const deleted = autoNotification(change({ operation: 'delete', record: undefined, priority: 'high' }), ME, 1000);
    assert.equal(deleted?.opType, 'delete');
    assert.equal(deleted?.metadata, undefined);
    assert.equal(deleted?.priority, 'high');
  });

  test('nothing for other keys or other origins', () => {
    for (const key of ['public:x@alice', 'phone@alice', '@alice:phone@alice', 'cached:@alice:phone@bob', '@alice:x@bob', 'shared_key.bob@alice']) {
      assert.equal(autoNotification(change({ key }), ME, 1000), undefined, key);
    }
    for (const origin of ['expiry', 'cache', 'notification', 'server'] as const) {
      assert.equal(autoNotification(change({ origin }), ME, 1000), undefined, origin);
    }
  });
});
