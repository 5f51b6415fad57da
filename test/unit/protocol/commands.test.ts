/** Command builders: byte-for-byte crypto.json commands, refusals, and agreement with parseVerb. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  batchCommand,
  configBlockCommand,
  configBlockShowCommand,
  configSettingCommand,
  cramCommand,
  deleteCommand,
  enrollCommand,
  exitCommand,
  formatAtKey,
  fromCommand,
  IllegalArgumentError,
  infoCommand,
  InvalidAtKeyError,
  InvalidAtSignError,
  keysCommand,
  llookupCommand,
  lookupCommand,
  monitorCommand,
  noopCommand,
  notifyAllCommand,
  notifyCommand,
  notifyFetchCommand,
  notifyListCommand,
  notifyRemoveCommand,
  notifyStatusCommand,
  otpGetCommand,
  otpPutCommand,
  parseAtKey,
  parseVerb,
  pkamCommand,
  plookupCommand,
  polCommand,
  scanCommand,
  statsCommand,
  syncFromCommand,
  updateCommand,
  updateMetaCommand,
  type AtKeyParts,
  type MetadataOptions,
} from '../../../agent/src/protocol/index.js';
import { cryptoVectors } from '../../helpers/vectors.js';

const illegalArgument = (error: unknown) => error instanceof IllegalArgumentError && error.code === 'AT0022';
const invalidKey = (error: unknown) => error instanceof InvalidAtKeyError && error.code === 'AT0016';

describe('crypto.json commands, byte for byte', () => {
  const vectors = cryptoVectors();
  const exchange = vectors.sharedKeyExchange;
  const bob: string = exchange.sharedWith;
  const alice: string = exchange.sharedBy;

  test("sharedKeyExchange: alice's own copy of the AES key", () => {
    assert.equal(updateCommand(`shared_key.${bob.slice(1)}${alice}`, exchange.encryptedForAlice), exchange.commands.aliceCopy);
  });

  test("sharedKeyExchange: bob's copy with ttr", () => {
    assert.equal(updateCommand(`${bob}:shared_key${alice}`, exchange.encryptedForBob, { ttr: 86400 }), exchange.commands.bobCopy);
  });

  const sharedMetadata: MetadataOptions = {
    isEncrypted: true,
    sharedKeyEnc: exchange.encryptedForBob,
    pubKeyCS: exchange.pubKeyCS,
    ivNonce: exchange.ivNonce,
  };

  test('sharedKeyExchange.updateCommand', () => {
    assert.equal(updateCommand(`${bob}:phone.wavi${alice}`, exchange.ciphertextWithIvNonce, sharedMetadata), exchange.updateCommand);
    // Same from parts, with the metadata object written in another order.
    const parts: AtKeyParts = { sharedWith: bob, entity: 'phone.wavi', sharedBy: alice };
    const reordered: MetadataOptions = { ivNonce: exchange.ivNonce, pubKeyCS: exchange.pubKeyCS, sharedKeyEnc: exchange.encryptedForBob, isEncrypted: true };
    assert.equal(updateCommand(parts, exchange.ciphertextWithIvNonce, reordered), exchange.updateCommand);
  });

  test('sharedKeyExchange.notifyCommand', () => {
    assert.equal(
      notifyCommand({
        id: '5f3c6a2e-9d1b-4c7e-8a0f-2b4d6e8f0a1c',
        operation: 'update',
        messageType: 'key',
        notifier: 'SYSTEM',
        ttln: 86400000,
        metadata: sharedMetadata,
        key: `${bob}:phone.wavi${alice}`,
        value: exchange.ciphertextWithIvNonce,
      }),
      exchange.notifyCommand,
    );
  });

  test('publicDataSignature.command', () => {
    const signed = vectors.publicDataSignature;
    assert.equal(
      updateCommand(`public:location.wavi${signed.atSign}`, signed.value, { dataSignature: signed.dataSignature, isEncrypted: false }),
      signed.command,
    );
  });

  test('pkam commands (legacy, explicit sha256, sha512)', () => {
    assert.equal(pkamCommand(vectors.pkam.sha256.signature), vectors.pkam.sha256.command);
    assert.equal(pkamCommand(vectors.pkam.sha256.signature, { signingAlgo: 'rsa2048', hashingAlgo: 'sha256' }), vectors.pkam.sha256.commandExplicit);
    assert.equal(pkamCommand(vectors.pkam.sha512.signature, { signingAlgo: 'rsa2048', hashingAlgo: 'sha512' }), vectors.pkam.sha512.command);
  });

  test('cram.command', () => {
    assert.equal(cramCommand(vectors.cram.digestHex), vectors.cram.command);
  });

  test('every crypto.json command parses back to what was built', () => {
    const parsed = parseVerb(exchange.notifyCommand);
    assert.equal(parsed.verb === 'notify' && parsed.value, exchange.ciphertextWithIvNonce);
    assert.deepEqual(parsed.verb === 'notify' && parsed.metadata, sharedMetadata);
    const update = parseVerb(exchange.updateCommand);
    assert.deepEqual(update.verb === 'update' && update.metadata, sharedMetadata);
    assert.equal(update.verb === 'update' && update.lenient, false);
  });
});

describe('builders write what the SDKs write', () => {
  const me = '@alice🛠';
  const bob = '@bob🛠';

  test('authentication', () => {
    assert.equal(fromCommand('@alice'), 'from:@alice');
    assert.equal(fromCommand('Alice🛠'), `from:${me}`);
    assert.equal(fromCommand('@alice', { version: '3.3.0' }), 'from:@alice:clientConfig:{"version":"3.3.0"}');
    assert.equal(fromCommand('@alice', {}), 'from:@alice');
    assert.equal(pkamCommand('c2ln', { enrollmentId: 'e1' }), 'pkam:enrollmentId:e1:c2ln');
    assert.equal(
      pkamCommand('c2ln', { signingAlgo: 'rsa2048', hashingAlgo: 'sha256', enrollmentId: '3f0c-1' }),
      'pkam:signingAlgo:rsa2048:hashingAlgo:sha256:enrollmentId:3f0c-1:c2ln',
    );
    assert.equal(polCommand(), 'pol');
  });

  test('key store verbs', () => {
    assert.equal(updateCommand(`public:location${me}`, 'somewhere', { dataSignature: 'c2ln', isBinary: false, isEncrypted: false }),
      `update:dataSignature:c2ln:isBinary:false:isEncrypted:false:public:location${me} somewhere`);
    assert.equal(updateCommand('privatekey:at_pkam_publickey', 'MIIBIjAN'), 'update:privatekey:at_pkam_publickey MIIBIjAN');
    assert.equal(updateCommand(`${bob}:phone${me}`, '+1 555 0100'), `update:${bob}:phone${me} +1 555 0100`);
    assert.equal(updateMetaCommand(`@alice:phone@bob`, { ttl: 600000, isBinary: true, isEncrypted: true }),
      'update:meta:@alice:phone@bob:ttl:600000:isBinary:true:isEncrypted:true');
    assert.equal(llookupCommand(`phone${me}`, { operation: 'meta' }), `llookup:meta:phone${me}`);
    assert.equal(llookupCommand(`cached:@alice:phone@bob`, { operation: 'all' }), 'llookup:all:cached:@alice:phone@bob');
    assert.equal(lookupCommand(`shared_key${bob}`), `lookup:shared_key${bob}`);
    assert.equal(lookupCommand('phone@alice', { bypassCache: true, operation: 'meta' }), 'lookup:bypassCache:true:meta:phone@alice');
    assert.equal(plookupCommand({ entity: 'publickey', sharedBy: bob }, { operation: 'all' }), `plookup:all:publickey${bob}`);
    assert.equal(deleteCommand('privatekey:at_secret'), 'delete:privatekey:at_secret');
    assert.equal(deleteCommand('@bob:phone@alice', { priority: 'high' }), 'delete:priority:high:@bob:phone@alice');
    assert.equal(deleteCommand('cached:public:publickey@bob'), 'delete:cached:public:publickey@bob');
    assert.equal(scanCommand(), 'scan');
    assert.equal(scanCommand({ showHidden: true, regex: '.*' }), 'scan:showHidden:true .*');
    assert.equal(scanCommand({ forAtSign: 'bob', regex: 'phone', page: 2 }), 'scan:@bob:page:2 phone');
  });

  test('server state, sync and misc', () => {
    assert.equal(statsCommand(), 'stats');
    assert.equal(statsCommand({ ids: [3] }), 'stats:3');
    assert.equal(statsCommand({ ids: [1, 2, 3] }), 'stats:1,2,3');
    assert.equal(statsCommand({ ids: [3], regex: '.wavi' }), 'stats:3:.wavi');
    assert.equal(configBlockCommand('add', ['@Bob', 'colin']), 'config:block:add:@bob @colin');
    assert.equal(configBlockCommand('remove', ['@bob']), 'config:block:remove:@bob');
    assert.equal(configBlockShowCommand(), 'config:block:show');
    assert.equal(configSettingCommand('set', 'maxNotificationRetries=25'), 'config:set:maxNotificationRetries=25');
    assert.equal(syncFromCommand(-1, { limit: 10 }), 'sync:from:-1:limit:10');
    assert.equal(syncFromCommand(42, { limit: 25, regex: '.wavi|shared_key' }), 'sync:from:42:limit:25:.wavi|shared_key');
    assert.equal(infoCommand(), 'info');
    assert.equal(infoCommand({ brief: true }), 'info:brief');
    assert.equal(noopCommand(), 'noop:0');
    assert.equal(batchCommand([{ id: 1, command: 'update:phone@alice 123' }, { id: 2, command: 'delete:phone@alice' }]),
      'batch:[{"id":1,"command":"update:phone@alice 123"},{"id":2,"command":"delete:phone@alice"}]');
    assert.equal(exitCommand(), '@exit');
  });

  test('notifications and monitor', () => {
    assert.equal(notifyCommand({ operation: 'update', messageType: 'key', metadata: { ttr: -1 }, key: `${bob}:message.demo${me}`, value: 'hi' }),
      `notify:update:messageType:key:ttr:-1:${bob}:message.demo${me}:hi`);
    assert.equal(notifyCommand({ text: 'hello there', recipient: bob }), `notify:messageType:text:${bob}:hello there`);
    assert.equal(notifyCommand({ operation: 'update', metadata: { ivNonce: 'SVY=' }, key: `${bob}:message.demo${me}`, value: 'Q1Q=' }),
      `notify:update:ivNonce:SVY=:${bob}:message.demo${me}:Q1Q=`);
    assert.equal(notifyCommand({ operation: 'delete', key: '@bob:phone@alice' }), 'notify:delete:@bob:phone@alice');
    assert.equal(notifyCommand({ key: 'public:phone.wavi@alice', recipient: '@bob' }), 'notify:@bob:public:phone.wavi@alice');
    assert.equal(notifyCommand({ key: 'phone.wavi@alice', recipient: '@bob', strategy: 'latest', notifier: 'wavi', latestN: 3, priority: 'high' }),
      'notify:priority:high:strategy:latest:latestN:3:notifier:wavi:@bob:phone.wavi@alice');
    assert.equal(notifyListCommand(), 'notify:list');
    assert.equal(notifyListCommand({ regex: 'phone' }), 'notify:list:phone');
    assert.equal(notifyListCommand({ fromDate: '2024-01-01', toDate: '2024-01-31', regex: '.wavi' }), 'notify:list:2024-01-01:2024-01-31:.wavi');
    assert.equal(notifyStatusCommand('0e5e9e89-c9cb'), 'notify:status:0e5e9e89-c9cb');
    assert.equal(notifyFetchCommand('124-abc'), 'notify:fetch:124-abc');
    assert.equal(notifyRemoveCommand('0e5e9e89-c9cb'), 'notify:remove:0e5e9e89-c9cb');
    assert.equal(notifyAllCommand({ recipients: ['@bob', 'colin'], atKey: 'phone', sharedBy: '@alice', value: 'hello' }), 'notify:all:@bob,@colin:phone@alice:hello');
    assert.equal(notifyAllCommand({ operation: 'update', ttr: -1, recipients: ['@bob'], atKey: 'phone', sharedBy: '@alice' }), 'notify:all:update:ttr:-1:@bob:phone@alice');
    assert.equal(monitorCommand(), 'monitor');
    assert.equal(monitorCommand({ epochMillis: 0, regex: '.*' }), 'monitor:0 .*');
    assert.equal(monitorCommand({ regex: '.*' }), 'monitor .*');
    assert.equal(monitorCommand({ strict: true, selfNotifications: true, multiplexed: true, epochMillis: 1700000000000, regex: String.raw`\.wavi@` }),
      String.raw`monitor:strict:selfNotifications:multiplexed:1700000000000 \.wavi@`);
  });

  test('APKAM verbs', () => {
    assert.equal(enrollCommand('request', { appName: 'wavi', deviceName: 'pixel', namespaces: { wavi: 'rw' } }),
      'enroll:request:{"appName":"wavi","deviceName":"pixel","namespaces":{"wavi":"rw"}}');
    assert.equal(enrollCommand('revoke', { enrollmentId: '1234' }, { force: true }), 'enroll:revoke:force:{"enrollmentId":"1234"}');
    assert.equal(enrollCommand('list'), 'enroll:list');
    assert.equal(otpGetCommand(), 'otp:get');
    assert.equal(otpGetCommand({ ttl: 60000 }), 'otp:get:ttl:60000');
    assert.equal(otpPutCommand('ABC123'), 'otp:put:ABC123');
    assert.equal(keysCommand({ operation: 'get', keyName: '1234.default_enc_private_key.__manage@alice' }), 'keys:get:keyName:1234.default_enc_private_key.__manage@alice');
    assert.equal(keysCommand({ operation: 'get', visibility: 'self' }), 'keys:get:self');
    assert.equal(
      keysCommand({ operation: 'put', visibility: 'private', namespace: '__private', appName: 'wavi', deviceName: 'pixel', keyType: 'aes256', encryptionKeyName: 'k-1', keyName: 'mykey', keyValue: 'c2Vj' }),
      'keys:put:private:namespace:__private:appName:wavi:deviceName:pixel:keyType:aes256:encryptionKeyName:k-1:keyName:mykey c2Vj',
    );
  });
});

describe('builders refuse what the server would misread', () => {
  test('values with line breaks must be base64-encoded by the caller', () => {
    for (const value of ['line1\nline2', 'cr\r', 'a\u2028b', 'a\u2029b']) {
      assert.throws(() => updateCommand('public:about@alice', value), illegalArgument);
      assert.throws(() => notifyCommand({ key: '@bob:about@alice', value }), illegalArgument);
      assert.throws(() => notifyCommand({ text: value, recipient: '@bob' }), illegalArgument);
      assert.throws(() => monitorCommand({ regex: value }), illegalArgument);
      assert.throws(() => syncFromCommand(0, { limit: 1, regex: value }), illegalArgument);
      assert.throws(() => batchCommand([{ id: 1, command: value }]), illegalArgument);
    }
  });

  test('empty values and trailing whitespace (trimmed by the server) are refused', () => {
    assert.throws(() => updateCommand('public:about@alice', ''), illegalArgument);
    assert.throws(() => updateCommand('public:about@alice', 'trailing '), illegalArgument);
    assert.throws(() => notifyCommand({ key: '@bob:about@alice', value: 'x\t' }), illegalArgument);
    assert.equal(updateCommand('public:about@alice', ' leading'), 'update:public:about@alice  leading');
  });

  test('keys that update cannot carry', () => {
    for (const key of ['cached:@bob:phone@alice', 'cached:public:phone@bob', 'local:prefs@alice', 'private:notes@alice']) {
      assert.throws(() => updateCommand(key, 'v'), invalidKey, key);
      assert.throws(() => updateMetaCommand(key, { ttl: 1 }), invalidKey, key);
    }
    assert.throws(() => updateCommand('not a key', 'v'), invalidKey);
    assert.throws(() => updateCommand('public:country,current@alice', 'v'), invalidKey);
  });

  test('bad pieces', () => {
    assert.throws(() => updateCommand('public:x@alice', 'v', { ivNonce: 'a:b' }), illegalArgument);
    assert.throws(() => cramCommand('not hex'), illegalArgument);
    assert.throws(() => pkamCommand('sig with space'), illegalArgument);
    assert.throws(() => pkamCommand('c2ln', { enrollmentId: 'a:b' }), illegalArgument);
    assert.throws(() => scanCommand({ regex: 'two words' }), illegalArgument);
    assert.throws(() => statsCommand({ ids: [0] }), illegalArgument);
    assert.throws(() => statsCommand({ ids: [1, 3], regex: 'x' }), illegalArgument);
    assert.throws(() => notifyCommand({ id: 'not/an/id', key: '@bob:x1@alice' }), illegalArgument);
    assert.throws(() => notifyCommand({ key: 'phone@alice' }), illegalArgument, 'a self key needs a recipient');
    assert.throws(() => notifyCommand({ key: '@bob:phone@alice', recipient: '@carol' }), illegalArgument);
    assert.throws(() => notifyCommand({ text: 'mail me @bob', recipient: '@bob' }), illegalArgument);
    assert.throws(() => notifyCommand({ text: 'a::b', recipient: '@bob' }), illegalArgument);
    assert.throws(() => notifyCommand({ text: 'hi', recipient: '@bob', messageType: 'key' }), illegalArgument);
    assert.throws(() => notifyCommand({ key: '@bob:x@alice' }), illegalArgument, 'the grammar needs two key characters');
    assert.throws(() => notifyCommand({ key: 'privatekey:at_secret', recipient: '@bob' }), invalidKey);
    assert.throws(() => notifyListCommand({ toDate: '2024-01-01' }), illegalArgument);
    assert.throws(() => notifyListCommand({ fromDate: '2024-1-1' }), illegalArgument);
    assert.throws(() => notifyListCommand({ regex: 'a:b' }), illegalArgument);
    assert.throws(() => notifyListCommand({ regex: '2024-01-01' }), illegalArgument);
    assert.throws(() => notifyRemoveCommand('a b'), illegalArgument);
    assert.throws(() => notifyAllCommand({ recipients: [], atKey: 'x' }), illegalArgument);
    assert.throws(() => configBlockCommand('add', []), illegalArgument);
    assert.throws(() => configBlockCommand('add', ['@a:b']), (e: unknown) => e instanceof InvalidAtSignError);
    assert.throws(() => noopCommand(-1), illegalArgument);
    assert.throws(() => syncFromCommand(-2, { limit: 1 }), illegalArgument);
    assert.throws(() => otpPutCommand('abc'), illegalArgument);
    assert.throws(() => keysCommand({ operation: 'put', keyValue: 'v' }), illegalArgument);
    assert.throws(() => batchCommand([]), illegalArgument);
    assert.throws(() => lookupCommand('phone'), illegalArgument);
    assert.throws(() => lookupCommand({ entity: 'phone' }), invalidKey);
    assert.throws(() => fromCommand('@alice@bob'), (e: unknown) => e instanceof InvalidAtSignError);
  });

  test('a self key named meta… needs a metadata option to reach the update handler', () => {
    assert.throws(() => updateCommand('metadata@alice', 'v'), illegalArgument);
    assert.throws(() => updateCommand('META.wavi@alice', 'v'), illegalArgument);
    const command = updateCommand('metadata@alice', 'v', { isEncrypted: false });
    assert.equal(command, 'update:isEncrypted:false:metadata@alice v');
    assert.equal(parseVerb(command).verb, 'update');
    assert.equal(parseVerb(updateCommand('public:metadata@alice', 'v')).verb, 'update');
  });

  test('JSON with U+2028 stays on one line', () => {
    const command = enrollCommand('request', { appName: 'a\u2028b' });
    assert.equal(command, 'enroll:request:{"appName":"a\\u2028b"}');
    const parsed = parseVerb(command);
    assert.deepEqual(parsed.verb === 'enroll' && parsed.params, { appName: 'a\u2028b' });
  });
});

// ------------------------------------------------------------------ builders → parseVerb

const atSignChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789_-'.split(''), '🛠', '🦄', '™');
const atSign = fc.array(atSignChar, { minLength: 1, maxLength: 8 }).map((chars) => `@${chars.join('')}`);
const entityChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzXYZ0123456789_-.\'*"'.split(''), '🦄');
const entity = fc.oneof(
  fc.array(entityChar, { minLength: 2, maxLength: 16 }).map((chars) => chars.join('')),
  // Names that collide with grammar words.
  fc.constantFrom('ttl', 'isEncrypted', 'public', 'cached', 'meta', 'all', 'update', 'notifier', 'value', 'privatekey'),
).filter((text) => !/^(shared_key|publickey|signing_|blocklist|configkey|_)/i.test(text));
const value = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
  .filter((text) => !/[\n\r\u2028\u2029]/.test(text) && !/\s$/.test(text));
const base64ish = fc.stringMatching(/^[A-Za-z0-9+/=]{1,16}$/);
const metadata: fc.Arbitrary<MetadataOptions> = fc.record(
  {
    ttl: fc.nat(),
    ttb: fc.nat(),
    ttr: fc.integer({ min: -1, max: 1e9 }),
    ccd: fc.boolean(),
    dataSignature: base64ish,
    isBinary: fc.boolean(),
    isEncrypted: fc.boolean(),
    sharedKeyEnc: base64ish,
    pubKeyCS: base64ish,
    encoding: fc.constant('base64'),
    ivNonce: base64ish,
    encKeyName: base64ish,
    skeEncAlgo: base64ish,
  },
  { requiredKeys: [], noNullPrototype: true },
);
const updatableKey: fc.Arbitrary<AtKeyParts> = fc.oneof(
  fc.record({ visibility: fc.constant('public' as const), entity, sharedBy: atSign }),
  fc.record({ entity, sharedBy: atSign }),
  fc.record({ sharedWith: atSign, entity, sharedBy: atSign }),
);
const anyKey: fc.Arbitrary<AtKeyParts> = fc.oneof(
  updatableKey,
  fc.record({ cached: fc.constant(true), sharedWith: atSign, entity, sharedBy: atSign }),
  fc.record({ cached: fc.constant(true), visibility: fc.constant('public' as const), entity, sharedBy: atSign }),
);

describe('every builder output is accepted by parseVerb with the same fields', () => {
  test('update', () => {
    fc.assert(
      fc.property(updatableKey, value, fc.oneof(metadata, fc.constant({})), (parts, text, options) => {
        if (/^meta/i.test(parts.entity) && parts.visibility === undefined && parts.sharedWith === undefined && Object.keys(options).length === 0) {
          assert.throws(() => updateCommand(parts, text, options), illegalArgument);
          return;
        }
        const key = formatAtKey(parts);
        const parsed = parseVerb(updateCommand(parts, text, options));
        assert.equal(parsed.verb, 'update');
        if (parsed.verb !== 'update') return;
        assert.equal(parsed.key, key);
        assert.equal(parsed.atKey, parts.entity);
        assert.equal(parsed.sharedBy, parts.sharedBy);
        assert.equal(parsed.sharedWith, parts.sharedWith);
        assert.equal(parsed.isPublic, parts.visibility === 'public');
        assert.equal(parsed.value, text);
        assert.deepEqual(parsed.metadata, options);
        assert.equal(parsed.lenient, false);
      }),
      { numRuns: 500 },
    );
  });

  test('update:meta', () => {
    fc.assert(
      fc.property(updatableKey, metadata, (parts, options) => {
        const parsed = parseVerb(updateMetaCommand(parts, options));
        assert.equal(parsed.verb === 'update:meta' && parsed.key, formatAtKey(parts));
        assert.deepEqual(parsed.verb === 'update:meta' && parsed.metadata, options);
      }),
      { numRuns: 300 },
    );
  });

  test('llookup and delete of any key', () => {
    fc.assert(
      fc.property(anyKey, fc.constantFrom(undefined, 'meta' as const, 'all' as const), fc.constantFrom(undefined, 'low' as const, 'high' as const), (parts, operation, priority) => {
        const key = formatAtKey(parts);
        const llookup = parseVerb(llookupCommand(parts, operation === undefined ? {} : { operation }));
        assert.equal(llookup.verb === 'llookup' && llookup.key, key);
        assert.equal(llookup.verb === 'llookup' && llookup.operation, operation);
        assert.equal(llookup.verb === 'llookup' && llookup.isCached, parts.cached === true);
        const deletion = parseVerb(deleteCommand(key, priority === undefined ? {} : { priority }));
        assert.equal(deletion.verb === 'delete' && deletion.key, key);
        assert.equal(deletion.verb === 'delete' && deletion.priority, priority);
      }),
      { numRuns: 300 },
    );
  });

  test('lookup and plookup', () => {
    fc.assert(
      fc.property(entity, atSign, fc.boolean(), fc.constantFrom(undefined, 'meta' as const, 'all' as const), (name, owner, bypassCache, operation) => {
        for (const build of [lookupCommand, plookupCommand]) {
          const parsed = parseVerb(build({ entity: name, sharedBy: owner }, { bypassCache, ...(operation === undefined ? {} : { operation }) }));
          assert.ok(parsed.verb === 'lookup' || parsed.verb === 'plookup');
          if (parsed.verb !== 'lookup' && parsed.verb !== 'plookup') return;
          assert.equal(parsed.key, `${name}${owner}`);
          assert.equal(parsed.bypassCache, bypassCache);
          assert.equal(parsed.operation, operation);
        }
      }),
      { numRuns: 200 },
    );
  });

  test('notify about keys', () => {
    const options = fc.record(
      {
        id: fc.stringMatching(/^[\w-]{1,36}$/),
        operation: fc.constantFrom('update' as const, 'delete' as const),
        messageType: fc.constant('key' as const),
        priority: fc.constantFrom('low' as const, 'medium' as const, 'high' as const),
        strategy: fc.constantFrom('all' as const, 'latest' as const),
        latestN: fc.nat(),
        notifier: fc.stringMatching(/^[^\s:]{1,12}$/),
        ttln: fc.nat(),
        metadata,
        value,
      },
      { requiredKeys: [], noNullPrototype: true },
    );
    fc.assert(
      fc.property(fc.record({ sharedWith: atSign, entity, sharedBy: atSign }), options, (parts, extra) => {
        const parsed = parseVerb(notifyCommand({ key: parts, ...extra }));
        assert.equal(parsed.verb, 'notify');
        if (parsed.verb !== 'notify') return;
        for (const field of ['id', 'operation', 'messageType', 'priority', 'strategy', 'latestN', 'notifier', 'ttln', 'value'] as const) {
          assert.equal(parsed[field], extra[field], field);
        }
        assert.deepEqual(parsed.metadata, extra.metadata ?? {});
        assert.equal(parsed.sharedWith, parts.sharedWith);
        assert.equal(parsed.atKey, parts.entity);
        assert.equal(parsed.sharedBy, parts.sharedBy);
        assert.equal(parsed.key, formatAtKey(parts));
      }),
      { numRuns: 500 },
    );
  });

  test('notify about public keys and text messages', () => {
    const text = value.filter((t) => t.length >= 2 && !t.includes('@') && !t.includes('::') && !t.startsWith(':'));
    fc.assert(
      fc.property(entity, atSign, atSign, text, (name, owner, recipient, message) => {
        const publicKey = parseVerb(notifyCommand({ key: { visibility: 'public', entity: name, sharedBy: owner }, recipient }));
        assert.equal(publicKey.verb === 'notify' && publicKey.key, `public:${name}${owner}`);
        assert.equal(publicKey.verb === 'notify' && publicKey.sharedWith, recipient);
        const textMessage = parseVerb(notifyCommand({ text: message, recipient }));
        assert.equal(textMessage.verb === 'notify' && textMessage.atKey, message);
        assert.equal(textMessage.verb === 'notify' && textMessage.messageType, 'text');
        assert.equal(textMessage.verb === 'notify' && textMessage.sharedWith, recipient);
      }),
      { numRuns: 300 },
    );
  });

  test('scan, monitor, sync, stats, notify:list', () => {
    const regex = fc.stringMatching(/^\S{1,12}$/);
    fc.assert(
      fc.property(
        fc.record({ regex, showHidden: fc.boolean(), forAtSign: atSign, page: fc.nat() }, { requiredKeys: [], noNullPrototype: true }),
        fc.record(
          { strict: fc.boolean(), selfNotifications: fc.boolean(), multiplexed: fc.boolean(), epochMillis: fc.nat(), regex: value },
          { requiredKeys: [], noNullPrototype: true },
        ),
        fc.integer({ min: -1, max: 1e9 }),
        fc.nat(),
        fc.option(value, { nil: undefined }),
        (scan, monitor, from, limit, syncRegex) => {
          assert.deepEqual(parseVerb(scanCommand(scan)), { verb: 'scan', ...scan, showHidden: scan.showHidden === true });
          assert.deepEqual(parseVerb(monitorCommand(monitor)), {
            verb: 'monitor',
            ...monitor,
            strict: monitor.strict === true,
            selfNotifications: monitor.selfNotifications === true,
            multiplexed: monitor.multiplexed === true,
          });
          const sync = parseVerb(syncFromCommand(from, { limit, ...(syncRegex === undefined ? {} : { regex: syncRegex }) }));
          assert.deepEqual(sync, { verb: 'sync:from', fromCommitId: from, limit, ...(syncRegex === undefined ? {} : { regex: syncRegex }) });
        },
      ),
      { numRuns: 300 },
    );
    assert.deepEqual(parseVerb(statsCommand({ ids: [15], regex: 'x:y' })), { verb: 'stats', statIds: [15], regex: 'x:y' });
    assert.deepEqual(parseVerb(notifyListCommand({ fromDate: '2024-01-01', regex: 'phone.wavi' })), {
      verb: 'notify:list',
      fromDate: '2024-01-01',
      regex: 'phone.wavi',
    });
  });

  test('authentication, config, APKAM and batch', () => {
    assert.deepEqual(parseVerb(fromCommand('@alice', { version: '3.3.0', appName: 'atagent' })), {
      verb: 'from',
      atSign: '@alice',
      clientConfig: { version: '3.3.0', appName: 'atagent' },
    });
    assert.deepEqual(parseVerb(pkamCommand('c2ln', { signingAlgo: 'ecc_secp256r1', hashingAlgo: 'sha512', enrollmentId: 'e1' })), {
      verb: 'pkam',
      signature: 'c2ln',
      signingAlgo: 'ecc_secp256r1',
      hashingAlgo: 'sha512',
      enrollmentId: 'e1',
    });
    assert.deepEqual(parseVerb(configBlockCommand('add', ['@bob', '@colin'])), {
      verb: 'config',
      action: 'block',
      operation: 'add',
      atSigns: ['@bob', '@colin'],
    });
    assert.deepEqual(parseVerb(enrollCommand('approve', { enrollmentId: '1' })), {
      verb: 'enroll',
      operation: 'approve',
      force: false,
      params: { enrollmentId: '1' },
    });
    assert.deepEqual(parseVerb(otpPutCommand('ABC123', { ttl: 10 })), { verb: 'otp', operation: 'put', otp: 'ABC123', ttl: 10 });
    assert.deepEqual(parseVerb(batchCommand([{ id: 'a', command: 'update:k@a v' }])), { verb: 'batch', requests: [{ id: 'a', command: 'update:k@a v' }] });
    assert.deepEqual(parseVerb(notifyAllCommand({ operation: 'delete', messageType: 'key', ttl: 1, ttb: 2, ttr: 3, ccd: true, recipients: ['@b', '@c'], atKey: 'k', sharedBy: '@a', value: 'v' })), {
      verb: 'notify:all',
      operation: 'delete',
      messageType: 'key',
      ttl: 1,
      ttb: 2,
      ttr: 3,
      ccd: true,
      recipients: ['@b', '@c'],
      atKey: 'k',
      sharedBy: '@a',
      value: 'v',
    });
    assert.deepEqual(parseVerb(keysCommand({ operation: 'put', visibility: 'public', keyName: 'k', keyValue: 'a b' })), {
      verb: 'keys',
      operation: 'put',
      visibility: 'public',
      keyName: 'k',
      keyValue: 'a b',
    });
    assert.equal(parseAtKey('public:publickey@bob').type, 'reservedKey');
  });
});
