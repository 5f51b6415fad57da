/**
 * The send queue's bookkeeping: strategy latest/latestN per notifier, priority-weighted
 * recipient order, quarantine, retries not before their time, busy recipients, and a
 * property: whatever is added comes out exactly once (strategy all).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SendQueue, type QueuedNotification } from '../../../../../agent/src/server/atserver/notifications/send-queue.js';

function entry(id: string, overrides: Partial<QueuedNotification> = {}): QueuedNotification {
  return { id, createdAt: 0, priority: 'low', strategy: 'all', notifier: 'system', depth: 1, enqueuedAt: 0, readyAt: 0, ...overrides };
}

describe('SendQueue', () => {
  test('strategy all keeps everything, oldest first', () => {
    const queue = new SendQueue();
    for (const [id, createdAt] of [['b', 2], ['a', 1], ['c', 3]] as const) assert.deepEqual(queue.add('@bob', entry(id, { createdAt })), []);
    assert.deepEqual(queue.takeReady('@bob', 10).map((e) => e.id), ['a', 'b', 'c']);
    assert.equal(queue.size, 0);
  });

  test('strategy latest keeps the newest latestN per notifier and reports the rest', () => {
    const queue = new SendQueue();
    const latest = (id: string, createdAt: number, notifier = 'n1') => entry(id, { createdAt, strategy: 'latest', notifier, depth: 2 });
    assert.deepEqual(queue.add('@bob', latest('1', 1)), []);
    assert.deepEqual(queue.add('@bob', latest('2', 2)), []);
    assert.deepEqual(queue.add('@bob', latest('3', 3)), ['1']);
    assert.deepEqual(queue.add('@bob', latest('x', 1, 'n2')), [], 'another notifier has its own count');
    assert.deepEqual(queue.add('@bob', entry('all', { createdAt: 0 })), [], 'strategy all is not counted');
    // A retried older one does not push out newer ones: it is the one dropped.
    assert.deepEqual(queue.add('@bob', latest('0', 0)), ['0']);
    assert.deepEqual(queue.takeReady('@bob', 10).map((e) => e.id).sort(), ['2', '3', 'all', 'x']);
  });

  test('recipients by waiting time weighted by priority; busy and quarantined ones are skipped', () => {
    const queue = new SendQueue();
    queue.add('@low', entry('l', { enqueuedAt: 0 }));
    queue.add('@high', entry('h', { enqueuedAt: 40, priority: 'high' }));
    queue.add('@medium', entry('m', { enqueuedAt: 60, priority: 'medium' }));
    // At 100: low waited 101×1, high 61×3 = 183, medium 41×2 = 82.
    assert.deepEqual(queue.readyRecipients(100), ['@high', '@low', '@medium']);
    queue.setBusy('@high', true);
    queue.quarantine('@low', 200);
    assert.deepEqual(queue.readyRecipients(100), ['@medium']);
    assert.deepEqual(queue.takeReady('@low', 100), [], 'nothing is handed out during a quarantine');
    // At 200: medium 141×2 = 282 ahead of low 201×1.
    assert.deepEqual(queue.readyRecipients(200), ['@medium', '@low']);
    assert.equal(queue.isQuarantined('@low', 150), true);
    assert.equal(queue.isQuarantined('@low', 200), false);
  });

  test('a retry waits for its readyAt; nextReadyAt says when', () => {
    const queue = new SendQueue();
    queue.add('@bob', entry('r', { readyAt: 500 }));
    assert.deepEqual(queue.readyRecipients(100), []);
    assert.equal(queue.nextReadyAt(100), 500);
    queue.add('@carol', entry('now', { readyAt: 0 }));
    assert.equal(queue.nextReadyAt(100), 500, 'what is ready already needs no timer');
    queue.quarantine('@bob', 800);
    assert.equal(queue.nextReadyAt(100), 800);
    assert.deepEqual(queue.takeReady('@bob', 900).map((e) => e.id), ['r']);
    assert.equal(queue.nextReadyAt(900), undefined);
  });

  test('re-adding an id replaces it; remove drops it', () => {
    const queue = new SendQueue();
    queue.add('@bob', entry('a', { createdAt: 1 }));
    queue.add('@bob', entry('a', { createdAt: 5 }));
    assert.equal(queue.waitingFor('@bob'), 1);
    assert.equal(queue.remove('@bob', 'a'), true);
    assert.equal(queue.remove('@bob', 'a'), false);
    assert.equal(queue.size, 0);
  });

  test('property: with strategy all, every id added is taken exactly once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ to: fc.constantFrom('@a', '@b', '@c'), id: fc.uuid(), createdAt: fc.nat(1000), readyAt: fc.nat(1000) }), { maxLength: 60 }),
        (items) => {
          const queue = new SendQueue();
          const latestById = new Map<string, string>();
          for (const item of items) {
            for (const to of ['@a', '@b', '@c']) if (to !== item.to) queue.remove(to, item.id);
            queue.add(item.to, entry(item.id, item));
            latestById.set(item.id, item.to);
          }
          const taken: string[] = [];
          for (const to of ['@a', '@b', '@c']) {
            const batch = queue.takeReady(to, 1000);
            assert.deepEqual([...batch].sort((x, y) => x.createdAt - y.createdAt), batch);
            taken.push(...batch.map((e) => e.id));
          }
          assert.deepEqual(taken.sort(), [...latestById.keys()].sort());
          assert.equal(queue.size, 0);
        },
      ),
    );
  });
});
