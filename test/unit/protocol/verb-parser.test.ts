/** parseVerb: dispatch, typed commands, leniency for real SDKs, and robustness. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  AtProtocolError,
  dispatchForm,
  dispatchVerb,
  InvalidSyntaxError,
  metadataFromOptionGroups,
  parseVerb,
  requiresOwnerAuth,
  type VerbCommand,
} from '../../../agent/src/protocol/index.js';
import { verbSyntax, type VerbSyntaxCase } from '../../helpers/vectors.js';

const invalidSyntax = (error: unknown) => error instanceof InvalidSyntaxError && error.code === 'AT0003';

function parseOk(line: string): VerbCommand {
  return parseVerb(line);
}

const at = (atSign: string) => (atSign.startsWith('@') ? atSign : `@${atSign}`);

/** The parsed command must carry every named group the grammar captured. */
function assertCarriesGroups(command: VerbCommand, groups: Record<string, string>): void {
  const fields = command as unknown as Record<string, unknown>;
  for (const [group, value] of Object.entries(groups)) {
    switch (group) {
      case 'atKey':
        assert.equal(fields['atKey'], value);
        break;
      case 'atSign':
        if (command.verb === 'from') assert.equal(command.atSign, value);
        else if (command.verb === 'config' && command.action === 'block') assert.deepEqual(command.atSigns, value.split(' '));
        else assert.equal(fields['sharedBy'], at(value));
        break;
      case 'forAtSign':
        if (command.verb === 'scan') assert.equal(command.forAtSign, value);
        else if (command.verb === 'notify:all') assert.deepEqual(command.recipients, value.split(','));
        else assert.equal(fields['sharedWith'], at(value));
        break;
      case 'publicScope':
        assert.equal(fields['isPublic'], true);
        break;
      case 'value':
      case 'regex':
      case 'notifier':
      case 'id':
      case 'digest':
      case 'signature':
      case 'enrollmentId':
      case 'notificationId':
      case 'fromDate':
      case 'toDate':
      case 'keyName':
      case 'otp':
        assert.equal(fields[group], value, group);
        break;
      case 'operation':
      case 'messageType':
      case 'priority':
      case 'strategy':
      case 'signingAlgo':
      case 'hashingAlgo':
      case 'visibility':
        assert.equal(fields[group], value.toLowerCase(), group);
        break;
      case 'latestN':
      case 'ttln':
      case 'epochMillis':
      case 'delayMillis':
      case 'page':
      case 'limit':
        assert.equal(fields[group], Number(value), group);
        break;
      case 'from_commit_seq':
        assert.equal(fields['fromCommitId'], Number(value));
        break;
      case 'bypassCache':
      case 'showhidden':
        assert.equal(fields[group === 'showhidden' ? 'showHidden' : group], value === 'true');
        break;
      case 'strict':
      case 'selfNotifications':
      case 'multiplexed':
      case 'force':
        assert.equal(fields[group], true);
        break;
      case 'statId':
        assert.deepEqual(fields['statIds'], value.slice(1).split(',').map(Number));
        break;
      case 'clientConfig':
      case 'enrollParams':
        assert.deepEqual(fields[group === 'clientConfig' ? 'clientConfig' : 'params'], JSON.parse(value));
        break;
      case 'json':
        break; // update:json and batch are checked field by field below
      case 'setOperation':
        assert.equal(fields['action'], value);
        break;
      case 'configNew':
        assert.equal(fields['setting'], value);
        break;
      default:
        if (command.verb === 'notify:all' || command.verb === 'otp') {
          assert.equal(String(fields[group]), value, group);
        } else {
          // a metadata option
          assert.deepEqual(
            (fields['metadata'] as Record<string, unknown>)[group],
            (metadataFromOptionGroups(groups) as Record<string, unknown>)[group],
            group,
          );
        }
    }
  }
}

// Where parseVerb deliberately differs from the bare regex.
const DIVERGENCES: Record<string, 'lenient' | 'no handler'> = {
  // Lenient server: metadata options in any order (clients.md).
  'update:isEncrypted:true:ttl:100:@bob:k@alice v': 'lenient',
  // The legacy sync grammar has no handler on current servers (protocol.md §6).
  'sync:10': 'no handler',
};

describe('parseVerb: every verb_syntax.json case', () => {
  for (const testCase of verbSyntax().cases as VerbSyntaxCase[]) {
    const { command, matches, groups } = testCase;
    test(`${matches ? 'accepts' : 'refuses'} ${command.slice(0, 90)}`, () => {
      const divergence = DIVERGENCES[command];
      if (divergence === 'no handler') {
        assert.throws(() => parseVerb(command), (e: unknown) => invalidSyntax(e) && (e as AtProtocolError).detail === 'invalid command');
        return;
      }
      if (divergence === 'lenient') {
        const parsed = parseOk(command);
        assert.equal(parsed.verb, 'update');
        assert.equal((parsed as { lenient: boolean }).lenient, true);
        return;
      }
      if (!matches) {
        assert.throws(() => parseVerb(command), invalidSyntax);
        return;
      }
      assertCarriesGroups(parseOk(command), groups ?? {});
    });
  }
});

describe('dispatch', () => {
  test('lower-cases the verb part and removes its spaces', () => {
    assert.equal(dispatchForm('LLOOKUP:Public:X@Alice'), 'llookup:public:x@alice');
    assert.equal(dispatchForm('SC AN .wavi'), 'scan.wavi');
    assert.equal(dispatchForm('up date:k@a v'), 'update:k@a v');
  });

  test('dispatchVerb names the handler before any grammar check', () => {
    assert.equal(dispatchVerb('update:public:x@alice v'), 'update');
    assert.equal(dispatchVerb('update:json:{}'), 'update');
    assert.equal(dispatchVerb('update:meta:x@alice:ttl:1'), 'update:meta');
    assert.equal(dispatchVerb('update:metadata@alice v'), undefined);
    assert.equal(dispatchVerb('notify:listing'), 'notify:list');
    assert.equal(dispatchVerb('scan@'), 'scan');
    assert.equal(dispatchVerb('@exit'), 'exit');
    assert.equal(dispatchVerb('sync:10'), undefined);
  });

  test('verbs are case-insensitive', () => {
    assert.equal(parseOk('LLOOKUP:public:location@alice').verb, 'llookup');
    assert.equal(parseOk('Update:public:location@alice Hyderabad').verb, 'update');
    assert.equal(parseOk('SCAN .wavi').verb, 'scan');
    assert.equal(parseOk('NOTIFY:LIST').verb, 'notify:list');
    assert.equal(parseOk('INFO:BRIEF').verb, 'info');
    assert.deepEqual(parseOk('PKAM:SIGNINGALGO:RSA2048:abc'), { verb: 'pkam', signature: 'abc', signingAlgo: 'rsa2048' });
  });

  test('surrounding whitespace and CRLF endings are trimmed (the C SDK sends \\r\\n)', () => {
    assert.equal(parseOk('scan\r').verb, 'scan');
    assert.equal(parseOk('  noop:0  ').verb, 'noop');
  });

  test('@exit closes', () => {
    assert.deepEqual(parseOk('@exit'), { verb: 'exit' });
    assert.deepEqual(parseOk('@exit\r'), { verb: 'exit' });
  });

  test('no handler → AT0003 invalid command', () => {
    for (const line of ['', '\r', 'lokup:public:phone@alice', 'deete:phone@alice', 'sync:.buzz@', 'sync .buzz@', 'hello', 'notify', 'update']) {
      assert.throws(
        () => parseVerb(line),
        (e: unknown) => invalidSyntax(e) && (e as AtProtocolError).detail === 'invalid command',
        JSON.stringify(line),
      );
    }
  });

  test('grammar mismatch → AT0003 Invalid syntax with usage', () => {
    assert.throws(
      () => parseVerb('update:public:key-1@alice'),
      (e: unknown) => invalidSyntax(e) && (e as AtProtocolError).detail.startsWith('Invalid syntax. Usage: update'),
    );
  });

  test('update:meta… keys cannot be updated (reference handler quirk)', () => {
    assert.throws(() => parseVerb('update:metar@alice 1'), invalidSyntax);
  });

  test('notify sub-verbs reach their own handlers', () => {
    assert.equal(parseOk('notify:list:phone').verb, 'notify:list');
    assert.equal(parseOk('notify:status:abc').verb, 'notify:status');
    assert.equal(parseOk('notify:fetch:abc').verb, 'notify:fetch');
    assert.equal(parseOk('notify:remove:abc').verb, 'notify:remove');
    assert.equal(parseOk('notify:all:@bob:phone@alice:hi').verb, 'notify:all');
    assert.equal(parseOk('notify:@bob:listing@alice').verb, 'notify');
  });
});

describe('typed commands', () => {
  test('update assembles the full key', () => {
    assert.deepEqual(parseOk('update:ttl:3000:@alice:offer@alice 3 seconds'), {
      verb: 'update',
      key: '@alice:offer@alice',
      atKey: 'offer',
      isPublic: false,
      sharedWith: '@alice',
      sharedBy: '@alice',
      value: '3 seconds',
      metadata: { ttl: 3000 },
      lenient: false,
      ignoredOptions: [],
    });
  });

  test('update keeps values with @ ^ & # and emoji', () => {
    assert.equal((parseOk('update:public:passcode@alice @!ice^&##') as { value: string }).value, '@!ice^&##');
    assert.equal((parseOk('update:@🦄:emoji.name@alice🛠 unicorn') as { sharedWith: string }).sharedWith, '@🦄');
  });

  test('llookup and delete of cached keys', () => {
    const llookup = parseOk('llookup:all:cached:@alice:phone@bob');
    assert.equal(llookup.verb === 'llookup' && llookup.key, 'cached:@alice:phone@bob');
    assert.equal(llookup.verb === 'llookup' && llookup.isCached, true);
    assert.equal(llookup.verb === 'llookup' && llookup.operation, 'all');
    const del = parseOk('delete:cached:public:publickey@bob');
    assert.equal(del.verb === 'delete' && del.key, 'cached:public:publickey@bob');
    // `cached` as a plain key name is not the cached prefix.
    const plain = parseOk('llookup:cached@alice');
    assert.equal(plain.verb === 'llookup' && plain.isCached, false);
  });

  test('notify key text per messageType and scope', () => {
    const shared = parseOk('notify:update:@bob:phone.wavi@alice:Q1Q=');
    assert.equal(shared.verb === 'notify' && shared.key, '@bob:phone.wavi@alice');
    assert.equal(shared.verb === 'notify' && shared.value, 'Q1Q=');
    const text = parseOk('notify:messageType:text:@bob:hello there');
    assert.equal(text.verb === 'notify' && text.key, '@bob:hello there');
    const publicKey = parseOk('notify:@bob:public:phone.wavi@alice');
    assert.equal(publicKey.verb === 'notify' && publicKey.key, 'public:phone.wavi@alice');
    assert.equal(publicKey.verb === 'notify' && publicKey.sharedWith, '@bob');
  });

  test('update:json', () => {
    assert.deepEqual(parseOk('update:json:{"atKey":"@bob:phone@alice","value":"x","metadata":{"ttl":1000,"ivNonce":null}}'), {
      verb: 'update:json',
      key: '@bob:phone@alice',
      value: 'x',
      metadata: { ttl: 1000 },
    });
    for (const bad of ['update:json:{', 'update:json:[1]', 'update:json:{"value":"x"}', 'update:json:{"atKey":"k@a","metadata":{"ttl":"soon"}}']) {
      assert.throws(() => parseVerb(bad), invalidSyntax, bad);
    }
  });

  test('JSON-carrying verbs refuse bad JSON with AT0003', () => {
    for (const bad of [
      'from:@alice:clientConfig:{version}',
      'batch:{"id":1}',
      'batch:[{"id":1}]',
      'batch:[null]',
      'batch:nope',
      'enroll:fetch:abc',
      'enroll:request:[1,2]',
    ]) {
      assert.throws(() => parseVerb(bad), invalidSyntax, bad);
    }
  });

  test('numbers beyond 2^53 are AT0003', () => {
    for (const bad of ['noop:99999999999999999999', 'monitor:99999999999999999999', 'sync:from:99999999999999999999:limit:1']) {
      assert.throws(() => parseVerb(bad), invalidSyntax, bad);
    }
  });

  test('grammar-valid but semantically wrong commands are left to the handler', () => {
    const latest = parseOk('notify:update:messageType:key:strategy:latest:ttr:-1:@alice:email@alice');
    assert.equal(latest.verb === 'notify' && latest.strategy, 'latest');
    assert.equal(latest.verb === 'notify' && latest.notifier, undefined);
    assert.equal(parseOk('noop:5001').verb, 'noop');
    assert.equal(parseOk('update:public:country,current@alice USA').verb, 'update');
  });

  test('requiresOwnerAuth follows server.md §3.1', () => {
    assert.equal(requiresOwnerAuth(parseOk('from:@alice')), false);
    assert.equal(requiresOwnerAuth(parseOk('lookup:phone@bob')), false);
    assert.equal(requiresOwnerAuth(parseOk('llookup:phone@alice')), true);
    assert.equal(requiresOwnerAuth(parseOk('monitor')), true);
    assert.equal(requiresOwnerAuth(parseOk('enroll:request:{"appName":"a"}')), false);
    assert.equal(requiresOwnerAuth(parseOk('enroll:approve:{"enrollmentId":"1"}')), true);
    assert.equal(requiresOwnerAuth(parseOk('notify:all:@bob:phone@alice:hi')), true);
  });
});

describe('what atsign SDKs really send (clients.md)', () => {
  const me = '@alice🛠';
  const bob = '@bob🛠';

  test('Python public, self and shared updates', () => {
    assert.equal(parseOk(`update:dataSignature:c2ln:public:location@${me.slice(1)} somewhere`).verb, 'update');
    const self = parseOk(`update:dataSignature:c2ln:isEncrypted:true:phone${me} QUJD`);
    assert.equal(self.verb === 'update' && self.lenient, false);
    // sharedKeyEnc/pubKeyCS before isBinary/isEncrypted: out of grammar order.
    const shared = parseOk(`update:sharedKeyEnc:U0tF:pubKeyCS:5d52:isBinary:false:isEncrypted:true:${bob}:message.demo${me} Q1Q=`);
    assert.equal(shared.verb, 'update');
    assert.equal(shared.verb === 'update' && shared.lenient, true);
    assert.deepEqual(shared.verb === 'update' && shared.metadata, { sharedKeyEnc: 'U0tF', pubKeyCS: '5d52', isBinary: false, isEncrypted: true });
    assert.equal(shared.verb === 'update' && shared.key, `${bob}:message.demo${me}`);
  });

  test('Python may send ttln in update: accepted and reported as ignored', () => {
    const update = parseOk(`update:ttr:86400000:ttln:86400000:isEncrypted:true:${bob}:x${me} v`);
    assert.equal(update.verb === 'update' && update.lenient, true);
    assert.deepEqual(update.verb === 'update' && update.ignoredOptions, ['ttln']);
    assert.deepEqual(update.verb === 'update' && update.metadata, { ttr: 86400000, isEncrypted: true });
  });

  test('Java adds isBinary:false:isEncrypted:false; C sends no isEncrypted', () => {
    const java = parseOk(`update:dataSignature:c2ln:isBinary:false:isEncrypted:false:public:location${me} somewhere`);
    assert.deepEqual(java.verb === 'update' && java.metadata, { dataSignature: 'c2ln', isBinary: false, isEncrypted: false });
    const c = parseOk(`update:ivNonce:AAECAwQFBgcICQoLDA0ODw==:phone.demo${me} Q1Q=`);
    assert.deepEqual(c.verb === 'update' && c.metadata, { ivNonce: 'AAECAwQFBgcICQoLDA0ODw==' });
    assert.equal(parseOk(`update:public:location.demo${me} somewhere`).verb, 'update');
  });

  test("at_go's non-protocol update is AT0003", () => {
    for (const line of [
      `update:location:sharedBy:${me}:isPublic:true:somewhere`,
      `update:location:sharedBy:${me}:isPublic:true:ttl:0:some where`,
    ]) {
      assert.throws(() => parseVerb(line), invalidSyntax, line);
    }
  });

  test('from with and without @, legacy pkam, at_c APKAM pkam', () => {
    assert.equal(parseOk(`from:${me}`).verb, 'from');
    assert.deepEqual(parseOk('from:alice🛠'), { verb: 'from', atSign: 'alice🛠' });
    assert.deepEqual(parseOk('pkam:c2ln'), { verb: 'pkam', signature: 'c2ln' });
    assert.deepEqual(parseOk('pkam:enrollmentId:e1:c2ln'), { verb: 'pkam', signature: 'c2ln', enrollmentId: 'e1' });
  });

  test('scans, monitors and notifies of the four SDKs', () => {
    assert.deepEqual(parseOk('scan:showHidden:true .*'), { verb: 'scan', showHidden: true, regex: '.*' });
    assert.deepEqual(parseOk('scan .*'), { verb: 'scan', showHidden: false, regex: '.*' });
    assert.deepEqual(parseOk('monitor:0 .*'), { verb: 'monitor', strict: false, selfNotifications: false, multiplexed: false, epochMillis: 0, regex: '.*' });
    assert.equal(parseOk('monitor:0').verb, 'monitor');
    assert.equal(parseOk(`notify:id:abc-1:update:isEncrypted:true:ivNonce:SVY=:${bob}:pingdemo${me}:Q1Q=`).verb, 'notify');
    assert.equal(parseOk(`notify:update:messageType:key:ttr:-1:${bob}:message.demo${me}:hello`).verb, 'notify');
    assert.equal(parseOk(`notify:messageType:text:${bob}:hello there`).verb, 'notify');
    assert.equal(parseOk(`notify:update:ivNonce:SVY=:${bob}:message.demo${me}:Q1Q=`).verb, 'notify');
    assert.equal(parseOk('noop:0').verb, 'noop');
    assert.equal(parseOk(`lookup:shared_key${bob}`).verb, 'lookup');
    assert.equal(parseOk(`plookup:all:publickey${bob}`).verb, 'plookup');
    assert.equal(parseOk(`llookup:meta:phone${me}`).verb, 'llookup');
  });
});

describe('robustness', () => {
  const isTypedError = (error: unknown) => error instanceof InvalidSyntaxError;

  test('random lines either parse or throw InvalidSyntaxError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 120 }), (line) => {
        try {
          parseVerb(line);
        } catch (error) {
          assert.ok(isTypedError(error), String(error));
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('mutated real commands either parse or throw InvalidSyntaxError', () => {
    const seeds = verbSyntax().cases.map((c) => c.command);
    const alphabet = fc.constantFrom(':', '@', ' ', '{', '}', '"', ',', '-', '0', 'a', 'Z', '\u2028', '🦄', '\\', '[', ']', '.');
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.array(alphabet, { maxLength: 4 })), { maxLength: 4 }),
        (seed, edits) => {
          let line = seed;
          for (const [position, remove, insert] of edits) {
            const at = position % (line.length + 1);
            line = line.slice(0, at) + insert.join('') + line.slice(at + remove);
          }
          try {
            parseVerb(line);
          } catch (error) {
            assert.ok(isTypedError(error), `${JSON.stringify(line)}: ${String(error)}`);
          }
        },
      ),
      { numRuns: 5000 },
    );
  });

  test('a very long value is parsed without trouble', () => {
    const value = 'A'.repeat(1_000_000);
    const parsed = parseOk(`update:public:blob@alice ${value}`);
    assert.equal(parsed.verb === 'update' && parsed.value.length, 1_000_000);
  });
});
