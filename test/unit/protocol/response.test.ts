/**
 * Responses: every exchange of verb_exchanges.json — a concrete response that matches the
 * exchange's regex is produced (with the server-side formatters where they apply) and the
 * client-side parser must classify it; the exchange's command must parse, or fail with AT0003
 * exactly when the exchange expects "Invalid syntax".
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  AtServerError,
  errorDescription,
  expectData,
  formatData,
  formatError,
  formatNotificationLine,
  formatPolReply,
  formatPrompt,
  formatResponseLevelError,
  formatRootAnswer,
  INBOUND_CONNECTION_LIMIT_REPLY,
  IllegalArgumentError,
  InvalidSyntaxError,
  isKeyNotFound,
  isStatsNotification,
  metadataToJson,
  notificationFromJson,
  notificationToJson,
  parseDataJson,
  parseErrorText,
  parseMetadataJson,
  parseResponse,
  parseRootAnswer,
  parseVerb,
  statsNotification,
  stripPrompt,
  UnexpectedResponseError,
  usesJsonErrors,
  type AtNotification,
  type AtResponse,
  type ErrorFormatOptions,
} from '../../../agent/src/protocol/index.js';
import { verbExchanges, type Exchange } from '../../helpers/vectors.js';

const ME = '@alice🛠';
const OTHER = '@bob🛠';
const UID = '1234';
const UUID = '5f3c6a2e-9d1b-4c7e-8a0f-2b4d6e8f0a1c';
const VALUE = 'c2VjcmV0';

const PLACEHOLDERS: Record<string, string> = {
  '{me}': ME,
  '{other}': OTHER,
  '{uid}': UID,
  '{n}': '5',
  '<value>': VALUE,
  '<base64 SHA256withRSA(challenge)>': 'c2lnbmF0dXJl',
  '<sig>': 'c2lnbmF0dXJl',
  '<base64(ascii hex r||s)>': 'c2lnbmF0dXJl',
  '<bad signature>': 'YmFk',
  '<id>': UUID,
  '<id of the above>': UUID,
  '<key>': 'MIIBIjAN',
  '<epochMillis>': '1700000000000',
};

function fill(text: string): string {
  let filled = text;
  for (const [placeholder, value] of Object.entries(PLACEHOLDERS)) filled = filled.replaceAll(placeholder, value);
  return filled;
}

const owner: ErrorFormatOptions = { json: false, authenticated: true };
const ownerJson: ErrorFormatOptions = { json: true, authenticated: true };
const anonymous: ErrorFormatOptions = { json: false, authenticated: false };

/** The error line an owner connection gets for a command parseVerb refuses. */
function syntaxErrorFor(command: string, options: ErrorFormatOptions = owner): string {
  try {
    parseVerb(command);
  } catch (error) {
    assert.ok(error instanceof InvalidSyntaxError);
    return formatError(error.code, error.detail, options);
  }
  assert.fail(`${command} should not parse`);
}

function line(text: string): string {
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

const date = new Date(Date.UTC(2024, 9, 24, 1, 35, 2, 123));

function notification(fields: Partial<AtNotification>): AtNotification {
  return {
    id: UUID,
    from: ME,
    to: ME,
    key: `${ME}:nottrkey-${UID}${ME}`,
    value: null,
    operation: 'update',
    epochMillis: 1729733702123,
    messageType: 'key',
    isEncrypted: false,
    metadata: { availableAt: date, expiresAt: new Date(date.getTime() + 900_000) },
    ...fields,
  };
}

type Expectation =
  | { readonly kind: 'greeting' }
  | { readonly kind: 'root'; readonly address: { host: string; port: number } | null }
  | { readonly kind: 'data'; readonly payload?: string; readonly isNull?: boolean; readonly spaced?: boolean; readonly json?: (value: unknown) => void }
  | { readonly kind: 'error'; readonly code: string; readonly form: 'legacy' | 'json' | 'response-level' }
  | { readonly kind: 'pol'; readonly atSign: string }
  | { readonly kind: 'notification'; readonly stats: boolean };

interface Sample {
  readonly command: string;
  readonly response: (command: string) => string;
  readonly expect: Expectation;
}

const data = (payload: string, expect: Partial<Extract<Expectation, { kind: 'data' }>> = {}): Pick<Sample, 'response' | 'expect'> => ({
  response: () => line(formatData(payload)),
  expect: { kind: 'data', payload, ...expect },
});
const invalidSyntax = (options: ErrorFormatOptions = owner): Pick<Sample, 'response' | 'expect'> => ({
  response: (command) => line(syntaxErrorFor(command, options)),
  expect: { kind: 'error', code: 'AT0003', form: options.json ? 'json' : 'legacy' },
});
const error = (code: string, message: string, options: ErrorFormatOptions = owner): Pick<Sample, 'response' | 'expect'> => ({
  response: () => line(formatError(code, message, options)),
  expect: { kind: 'error', code, form: options.json ? 'json' : 'legacy' },
});

// One entry per exchange, in file order.
const SAMPLES: readonly Sample[] = [
  { command: '(connect)', response: () => formatPrompt(), expect: { kind: 'greeting' } },
  { command: 'from:{me}', ...data(`_4af24c03-d732-48f8-a9a2-570e8fb6a01c${ME}:d6cac849-9c29-42b0-b0c5-493db62728b9`) },
  { command: 'from:{me}:clientConfig:{"version":"3.0.57"}', ...data(`_4af24c03-d732-48f8-a9a2-570e8fb6a01c${ME}:d6cac849-9c29-42b0-b0c5-493db62728b9`) },
  { command: 'from:{other}', ...data(`proof:_1f0e2d3c-4b5a-4978-8695-a4b3c2d1e0f9${OTHER}:6c987cc1-0dde-4ba1-af56-a9677086182f`) },
  { command: 'from:{other}', ...error('AT0401', 'Certificate Verification Failed', anonymous) },
  { command: 'pkam:<base64 SHA256withRSA(challenge)>', ...data('success') },
  { command: 'pkam:signingAlgo:rsa2048:hashingAlgo:sha256:<sig>', ...data('success') },
  { command: 'pkam:signingAlgo:ecc_secp256r1:hashingAlgo:sha256:<base64(ascii hex r||s)>', ...data('success') },
  { command: 'pkam:<bad signature>', ...error('AT0401', 'pkam authentication failed', anonymous) },
  { command: 'cram:<sha512hex(secret+challenge)>', ...data('success') },
  {
    command: 'pkam:enrollmentId:<id>:<sig>',
    response: () => line(formatResponseLevelError('AT0026', `enrollment_id: ${UUID} is pending`)),
    expect: { kind: 'error', code: 'AT0026', form: 'response-level' },
  },
  {
    command: 'pkam:enrollmentId:<id>:<sig>',
    response: () => line(formatResponseLevelError('AT0025', `enrollment_id: ${UUID} is denied`)),
    expect: { kind: 'error', code: 'AT0025', form: 'response-level' },
  },
  { command: 'llookup:public:location@{me}', ...error('AT0401', 'Command cannot be executed without auth', anonymous) },
  { command: 'update:public:location-{uid}{me} Hyderabad', ...data('17') },
  { command: 'llookup:public:location-{uid}{me}', ...data('Hyderabad') },
  { command: 'update:public:passcode-{uid}{me} @!ice^&##', ...data('18') },
  { command: 'update:public:message-{uid}{me} Hey Hello! welcome to the tests', ...data('19') },
  { command: 'update:public:emoji-{uid}{me} 🦄', ...data('20') },
  { command: 'update:public:key-1-{uid}{me}', ...invalidSyntax() },
  { command: 'update:public:country@{me} USA', ...invalidSyntax() },
  { command: 'update:public:@alice:invalid-key{me} invalid-value', ...invalidSyntax(ownerJson) },
  { command: 'update:public:country,current{me} USA', ...error('AT0016', 'You may not update keys of type KeyType.invalidKey', ownerJson) },
  { command: 'update:@🦄:emoji.name{me} unicorn', ...data('21') },
  { command: 'update:ttl:3000:{me}:offer-{uid}{me} 3 seconds', ...data('22') },
  {
    command: 'llookup:meta:{me}:offer-{uid}{me}',
    ...data(
      JSON.stringify(
        metadataToJson({ createdBy: ME, updatedBy: ME, createdAt: date, updatedAt: date, expiresAt: new Date(date.getTime() + 3000), status: 'active', version: 0, ttl: 3000, isBinary: false, isEncrypted: false }),
      ),
      { json: (payload) => assert.equal(parseMetadataJson(JSON.stringify(payload)).ttl, 3000) },
    ),
  },
  { command: 'llookup:{me}:offer-{uid}{me}', ...data('null', { isNull: true }) },
  { command: 'update:ttb:2000:{me}:auth-code-{uid}{me} 3289', ...data('23') },
  { command: 'llookup:{me}:auth-code-{uid}{me}', ...data('null', { isNull: true }) },
  { command: 'llookup:random-{uid}{me}', ...error('AT0015', `random-${UID}${ME} does not exist in keystore`) },
  { command: 'lokup:public:phone-{uid}{me}', ...invalidSyntax() },
  { command: 'plookup:emoji-color-{uid}{me}@@@', ...invalidSyntax() },
  { command: 'update:privatekey:at_pkam_publickey <key>', ...data('-1') },
  {
    command: 'scan',
    ...data(JSON.stringify([`public:signing_publickey${ME}`, `${ME}:signing_privatekey${ME}`, `public:publickey${ME}`]), {
      json: (keys) => assert.equal((keys as string[]).length, 3),
    }),
  },
  { command: 'scan mobile-{uid}', ...data(JSON.stringify([`public:mobile-${UID}${ME}`])) },
  { command: 'scan@', ...invalidSyntax() },
  { command: 'scan', ...data(JSON.stringify([`location.wavi${ME}`]), { json: (keys) => assert.deepEqual(keys, [`location.wavi${ME}`]) }) },
  { command: 'delete:public:location-{uid}{me}', ...data('24') },
  { command: 'delete:location-{uid}{me}', ...data('25') },
  { command: 'deete:phone{me}', ...invalidSyntax() },
  { command: 'delete:public:signing_publickey{me}', ...error('AT0009', `Cannot delete protected key: 'public:signing_publickey${ME}'`) },
  { command: 'delete:{me}:signing_privatekey{me}', ...error('AT0009', `Cannot delete protected key: '${ME}:signing_privatekey${ME}'`) },
  { command: 'delete:public:publickey{me}', ...error('AT0009', `Cannot delete protected key: 'public:publickey${ME}'`) },
  { command: 'delete:privatekey:at_pkam_publickey', ...invalidSyntax() },
  { command: 'config:block:add:{other}', ...data('success') },
  { command: 'config:block:show', ...data(JSON.stringify([OTHER])) },
  { command: 'config:block:remove:{other}', ...data('success') },
  { command: 'config:block:show', ...data('null', { isNull: true }) },
  { command: 'config:set:maxNotificationRetries=25', ...data('testing mode disabled by default') },
  {
    command: 'stats:3',
    response: () => line(formatData('[{"id":"3","name":"lastCommitID","value":"42"}]', { spaced: true })),
    expect: { kind: 'data', payload: '[{"id":"3","name":"lastCommitID","value":"42"}]', spaced: true },
  },
  { command: 'stats:-1', ...invalidSyntax() },
  { command: 'info', ...data('{"version":"3.0.52","uptimeAsWords":"1 hours 35 minutes 29 seconds"}') },
  { command: 'info:brief', ...data('{"version":"3.0.52","uptimeAsMillis":5855295}') },
  { command: 'noop:100', ...data('ok') },
  { command: 'noop:5001', ...error('AT0022', 'noop:<durationInMillis> where the duration maximum is 5000 milliseconds') },
  {
    command: 'sync:from:{n}:limit:5:.persona',
    ...data(
      JSON.stringify([
        {
          atKey: `public:twitter.persona${ME}`,
          value: '@alice_tweets',
          metadata: metadataToJson({ createdBy: ME, updatedBy: ME, createdAt: date, updatedAt: date, status: 'active', version: 0, isBinary: false, isEncrypted: false }, { allStrings: true }),
          commitId: 6,
          operation: '*',
        },
      ]),
      { json: (entries) => assert.equal(parseMetadataJson(JSON.stringify((entries as { metadata: unknown }[])[0]?.metadata)).version, 0) },
    ),
  },
  { command: 'sync:.buzz@', ...invalidSyntax() },
  { command: 'sync .buzz@', ...invalidSyntax() },
  { command: 'notify:update:{me}:nottrkey-{uid}{me}', ...data(UUID) },
  { command: 'notify:status:<id of the above>', ...data('delivered') },
  {
    command: 'notify:list:nottrkey',
    ...data(`[${notificationToJson(notification({}), { metadataShape: 'replay' })}]`, {
      json: (list) => assert.equal(notificationFromJson((list as unknown[])[0]).value, null),
    }),
  },
  { command: 'notify:update:{me}:nottrkey-{uid}{me}:no-ttr', ...data(UUID) },
  {
    command: 'notify:list',
    ...data(`[${notificationToJson(notification({ value: 'no-ttr' }), { metadataShape: 'replay' })}]`, {
      json: (list) => assert.equal(notificationFromJson((list as unknown[])[0]).value, 'no-ttr'),
    }),
  },
  {
    command: 'notify:fetch:<id>',
    ...data(
      JSON.stringify({
        id: UUID,
        fromAtSign: ME,
        notificationDateTime: '2024-10-24 01:35:02.123Z',
        toAtSign: ME,
        notification: `${ME}:nottrkey-${UID}${ME}`,
        type: 'NotificationType.received',
        opType: 'OperationType.update',
        messageType: 'MessageType.key',
        priority: 'NotificationPriority.low',
        notificationStatus: 'NotificationStatus.delivered',
        retryCount: '1',
        strategy: 'all',
        depth: '1',
        notifier: 'SYSTEM',
      }),
    ),
  },
  { command: 'notify:fetch:124-abc', ...data('{"id":"124-abc","notificationStatus":"NotificationStatus.expired"}') },
  { command: 'notify:update:messageType:notifier:system:ttr:-1:{me}:email-{uid}{me}', ...invalidSyntax() },
  // Grammar-valid: the notify handler refuses strategy latest without a notifier.
  { command: 'notify:update:messageType:key:strategy:latest:ttr:-1:{me}:email-{uid}{me}', ...error('AT0003', 'Invalid syntax. notifier is mandatory for strategy latest') },
  { command: 'notify:messageType:key:update:notifier:system:ttr:-1:{me}:email-{uid}{me}', ...invalidSyntax() },
  { command: 'notify:update:ttb:3000:ttr:-1:ttln:10000:{me}:message-{uid}{me}:Hey!', ...invalidSyntax() },
  { command: 'notify:update:ttl:600000:ttr:-1:{other}:key-1{me}:<value>', ...data(UUID) },
  { command: 'llookup:cached:{other}:key-1{me}', ...data(VALUE) },
  { command: 'notify:delete:{other}:key-2{me}', ...data(UUID) },
  { command: 'llookup:cached:{other}:key-2{me}', ...error('AT0015', `cached:${OTHER}:key-2${ME} does not exist in keystore`) },
  { command: 'notify:id:<id>:update:messageType:key:notifier:SYSTEM:ttln:86400000:isEncrypted:true:{me}:phone{other}:<value>', ...data('success') },
  { command: 'pol', response: () => formatPolReply(OTHER), expect: { kind: 'pol', atSign: OTHER } },
  {
    command: 'monitor:<epochMillis> monitor.e2etest',
    response: () =>
      line(
        formatNotificationLine(
          notification({ from: OTHER, key: `${ME}:phone.monitor.e2etest${OTHER}`, value: VALUE, isEncrypted: true, metadata: { ivNonce: 'SVY=', sharedKeyEnc: 'U0tF' } }),
        ),
      ),
    expect: { kind: 'notification', stats: false },
  },
  { command: '(every 15 s)', response: () => line(formatNotificationLine(statsNotification(ME, 42, 1729733702123))), expect: { kind: 'notification', stats: true } },
  { command: 'batch:[{"id":1,"command":"update:phone{me} 123"}]', ...data('[{"id":1,"response":{"data":"26"}}]') },
  {
    command: 'alice🛠',
    response: () => formatRootAnswer({ host: 'vip.ve.atsign.zone', port: 25000 }).replace(/\r\n@$/, ''),
    expect: { kind: 'root', address: { host: 'vip.ve.atsign.zone', port: 25000 } },
  },
  { command: 'nosuchatsign', response: () => formatRootAnswer(null).replace(/\r\n@$/, ''), expect: { kind: 'root', address: null } },
];

function checkClassification(response: AtResponse, expect: Expectation): void {
  assert.equal(response.kind, expect.kind);
  switch (expect.kind) {
    case 'data':
      assert.ok(response.kind === 'data');
      if (expect.payload !== undefined) assert.equal(response.payload, expect.payload);
      assert.equal(response.isNull, expect.isNull === true);
      assert.equal(response.spaced, expect.spaced === true);
      expect.json?.(parseDataJson(response.payload));
      break;
    case 'error':
      assert.ok(response.kind === 'error');
      assert.ok(response.error instanceof AtServerError);
      assert.equal(response.error.code, expect.code);
      assert.equal(response.error.form, expect.form);
      break;
    case 'pol':
      assert.ok(response.kind === 'pol');
      assert.equal(response.atSign, expect.atSign);
      break;
    case 'notification':
      assert.ok(response.kind === 'notification');
      assert.equal(isStatsNotification(response.notification), expect.stats);
      break;
    default:
      assert.fail(`not an atServer response: ${expect.kind}`);
  }
}

describe('verb_exchanges.json', () => {
  const exchanges: readonly Exchange[] = verbExchanges();

  test('has one sample per exchange, in order', () => {
    assert.equal(exchanges.length, 79);
    assert.equal(SAMPLES.length, exchanges.length);
    exchanges.forEach((exchange, index) => assert.equal(SAMPLES[index]?.command, exchange.command, `exchange ${index}`));
  });

  exchanges.forEach((exchange, index) => {
    const sample = SAMPLES[index];
    if (sample === undefined) return;
    const command = fill(exchange.command);
    test(`#${index} ${exchange.connectionState}: ${command.slice(0, 70)}`, () => {
      const response = sample.response(command);
      // The sample really is a response of the recorded shape.
      assert.match(response, new RegExp(fill(exchange.responseRegex)));
      if (exchange.prompt !== null) {
        const prompt = fill(exchange.prompt);
        assert.equal(prompt === '@' ? formatPrompt() : formatPrompt(prompt.slice(0, -1)), prompt);
      }

      if (sample.expect.kind === 'greeting') {
        assert.equal(response, '@');
        return;
      }
      if (sample.expect.kind === 'root') {
        assert.deepEqual(parseRootAnswer(response), sample.expect.address);
        assert.deepEqual(parseRootAnswer(`${response}\r\n@`), sample.expect.address);
        return;
      }

      checkClassification(parseResponse(response), sample.expect);
      // A prompt glued in front (monitor connections, late prompts) changes nothing.
      if (sample.expect.kind !== 'pol') checkClassification(parseResponse(`${formatPrompt(ME)}${response}`), sample.expect);

      // The command side of the exchange: AT0003 exactly when the grammar is at fault. The
      // auth check comes before the grammar (server.md §2.3), so "without auth" answers say
      // nothing about syntax (that exchange also writes `location@{me}`, i.e. a doubled @).
      if (!command.startsWith('(') && !exchange.responseRegex.includes('without auth')) {
        const grammarFault = /Invalid syntax/.test(exchange.responseRegex) || /"AT0003"/.test(exchange.responseRegex);
        const handlerFault = exchange.note.includes('handler check');
        if (grammarFault && !handlerFault) {
          assert.throws(() => parseVerb(command), (e: unknown) => e instanceof InvalidSyntaxError);
        } else {
          assert.doesNotThrow(() => parseVerb(command));
        }
      }
    });
  });
});

describe('parseResponse', () => {
  test('strips a leading prompt before the first colon only', () => {
    assert.equal(stripPrompt('@alice@data:ok'), 'data:ok');
    assert.equal(stripPrompt('@data:ok'), 'data:ok');
    assert.equal(stripPrompt('data:a@b'), 'data:a@b');
    assert.equal(stripPrompt(`${ME}@error:AT0015-x`), 'error:AT0015-x');
  });

  test('keeps internal newlines and drops one trailing CR', () => {
    const response = parseResponse('data:line1\nline2\r');
    assert.ok(response.kind === 'data');
    assert.equal(response.payload, 'line1\nline2');
  });

  test('the three error forms', () => {
    const legacy = parseErrorText('AT0015-key not found : phone@alice does not exist in keystore');
    assert.equal(legacy.code, 'AT0015');
    assert.equal(legacy.form, 'legacy');
    assert.equal(legacy.detail, 'phone@alice does not exist in keystore');
    assert.equal(legacy.description, 'key not found : phone@alice does not exist in keystore');
    assert.ok(isKeyNotFound(legacy));

    const json = parseErrorText('{"errorCode":"AT0016","errorDescription":"Invalid key : You may not update keys of type KeyType.invalidKey"}');
    assert.equal(json.code, 'AT0016');
    assert.equal(json.form, 'json');
    assert.equal(json.detail, 'You may not update keys of type KeyType.invalidKey');

    const responseLevel = parseErrorText('AT0026:enrollment_id: 3f0c is pending');
    assert.equal(responseLevel.code, 'AT0026');
    assert.equal(responseLevel.form, 'response-level');
    assert.equal(responseLevel.detail, 'enrollment_id: 3f0c is pending');

    const unauthenticated = parseErrorText('AT0003-Exception: invalid command');
    assert.equal(unauthenticated.detail, 'invalid command');

    const unknown = parseErrorText('something broke');
    assert.equal(unknown.code, 'AT0011');
    assert.equal(unknown.detail, 'something broke');
    assert.equal(parseErrorText('{not json').code, 'AT0011');
  });

  test('the C SDK string-matches error:AT0015-key not found', () => {
    const written = formatError('AT0015', 'shared_key.bob@alice does not exist in keystore', owner);
    assert.ok(written.startsWith('error:AT0015-key not found'));
  });

  test('expectData returns payloads and throws errors', () => {
    assert.equal(expectData('data:17'), '17');
    assert.throws(() => expectData('error:AT0015-key not found : x'), (e: unknown) => e instanceof AtServerError && isKeyNotFound(e));
    assert.throws(() => expectData('@bob@'), (e: unknown) => e instanceof UnexpectedResponseError);
  });

  test('unexpected shapes are UnexpectedResponseError (AT0014)', () => {
    for (const bad of ['', '@', 'hello', 'DATA:x', 'notification: {bad json', 'notification: {"id":"1"}']) {
      assert.throws(() => parseResponse(bad), (e: unknown) => e instanceof UnexpectedResponseError && e.code === 'AT0014', JSON.stringify(bad));
    }
    assert.throws(() => parseDataJson('not json'), (e: unknown) => e instanceof UnexpectedResponseError);
  });

  test('stream lines', () => {
    assert.deepEqual(parseResponse('stream:ack 1234'), { kind: 'stream', payload: 'ack 1234' });
  });

  test('any text classifies or throws UnexpectedResponseError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => {
        try {
          parseResponse(text);
        } catch (e) {
          assert.ok(e instanceof UnexpectedResponseError, String(e));
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('server-side formatting', () => {
  test('prompts and the pol reply', () => {
    assert.equal(formatPrompt(), '@');
    assert.equal(formatPrompt(ME), `${ME}@`);
    assert.equal(formatPolReply(OTHER), `${OTHER}@`);
  });

  test('data, with and without the space', () => {
    assert.equal(formatData('success'), 'data:success\n');
    assert.equal(formatData('null'), 'data:null\n');
    assert.equal(formatData('{"@bob":"1"}', { spaced: true }), 'data: {"@bob":"1"}\n');
    assert.throws(() => formatData('two\nlines'), (e: unknown) => e instanceof IllegalArgumentError);
  });

  test('errors in every form (server.md §11, protocol.md §3.3)', () => {
    assert.equal(formatError('AT0015', 'random-1234@alice does not exist in keystore', owner), 'error:AT0015-key not found : random-1234@alice does not exist in keystore\n');
    assert.equal(formatError('AT0003', 'invalid command', anonymous), 'error:AT0003-Exception: invalid command\n');
    assert.equal(
      formatError('AT0016', 'You may not update keys of type KeyType.invalidKey', ownerJson),
      'error:{"errorCode":"AT0016","errorDescription":"Invalid key : You may not update keys of type KeyType.invalidKey"}\n',
    );
    assert.equal(formatError('AT0401', 'pkam authentication failed', { json: true, authenticated: false }), 'error:{"errorCode":"AT0401","errorDescription":"Exception: pkam authentication failed"}\n');
    assert.equal(formatResponseLevelError('AT0026', 'enrollment_id: x is pending'), 'error:AT0026:enrollment_id: x is pending\n');
    assert.equal(INBOUND_CONNECTION_LIMIT_REPLY, 'error:AT0012-Inbound connection limit exceeded\n');
    assert.equal(formatError('AT0011', 'line\nbreak', owner), 'error:AT0011-Internal server exception : line break\n');
    assert.equal(errorDescription('AT9999', 'custom', true), 'custom');
  });

  test('formatted errors parse back to their code and message', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('AT0003', 'AT0009', 'AT0015', 'AT0016', 'AT0022', 'AT0401'),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((m) => !/[\n\r\u2028\u2029]/.test(m)),
        fc.boolean(),
        fc.boolean(),
        (code, message, json, authenticated) => {
          const response = parseResponse(line(formatError(code, message, { json, authenticated })));
          assert.ok(response.kind === 'error');
          assert.equal(response.error.code, code);
          assert.equal(response.error.detail, message);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('JSON errors only for clientConfig versions above 3.0.37', () => {
    assert.equal(usesJsonErrors(undefined), false);
    assert.equal(usesJsonErrors('3.0.37'), false);
    assert.equal(usesJsonErrors('3.0.38'), true);
    assert.equal(usesJsonErrors('3.3.0'), true);
    assert.equal(usesJsonErrors('3.0.57'), true);
    assert.equal(usesJsonErrors('2.9.99'), false);
    assert.equal(usesJsonErrors('4'), true);
    assert.equal(usesJsonErrors('n/a'), false);
  });
});
