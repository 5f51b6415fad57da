/**
 * Every exchange of verb_exchanges.json that a client sees, replayed over a real TLS socket:
 * the client sends the recorded command, a scripted peer answers with a response of the
 * recorded shape (whole, split before the prompt, one byte per write), and the client's
 * parsed result or typed error is checked.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AtConnection } from '../../../agent/src/net/index.js';
import { parseNotificationLine, parseResponse } from '../../../agent/src/protocol/index.js';
import { startScriptedPeer, type ScriptStep, type ScriptedPeer } from './support/scripted-peer.js';
import { verbExchanges, type Exchange } from '../../helpers/vectors.js';

const ME = '@alice🛠';
const OTHER = '@bob🛠';
const UID = '7d1c';
const UUID = '4af24c03-d732-48f8-a9a2-570e8fb6a01c';
const UUID2 = 'd6cac849-9c29-42b0-b0c5-493db62728b9';

function fill(template: string): string {
  return template.replaceAll('{me}', ME).replaceAll('{other}', OTHER).replaceAll('{uid}', UID).replaceAll('{n}', '0');
}

const NOTIFICATION = `notification: {"id":"${UUID}","from":"${OTHER}","to":"${ME}","key":"${ME}:monitor.e2etest${OTHER}","value":"v","operation":"update","epochMillis":1729733702123,"messageType":"MessageType.key","isEncrypted":false,"metadata":null}`;
const STATS = `notification: {"id":"-1","from":"${ME}","to":"${ME}","key":"statsNotification.${ME}","value":"42","operation":"update","epochMillis":1729733702200,"messageType":"MessageType.key","isEncrypted":false,"metadata":null}`;

/** A response of the recorded shape for each exchange (placeholders still in). */
const SAMPLES: Record<string, string> = {
  'unauthenticated|from:{me}': `data:_${UUID}{me}:${UUID2}`,
  'unauthenticated|from:{me}:clientConfig:{"version":"3.0.57"}': `data:_${UUID}{me}:${UUID2}`,
  'unauthenticated (server-to-server, valid client cert)|from:{other}': `data:proof:_${UUID}{other}:${UUID2}`,
  'unauthenticated (no client cert)|from:{other}': 'error:AT0401-Exception: Certificate Verification Failed',
  'after from:{me}|pkam:<base64 SHA256withRSA(challenge)>': 'data:success',
  'after from:{me}|pkam:signingAlgo:rsa2048:hashingAlgo:sha256:<sig>': 'data:success',
  'after from:{me}|pkam:signingAlgo:ecc_secp256r1:hashingAlgo:sha256:<base64(ascii hex r||s)>': 'data:success',
  'after from:{me}|pkam:<bad signature>': 'error:AT0401-Exception: pkam authentication failed',
  'after from:{me}|cram:<sha512hex(secret+challenge)>': 'data:success',
  'after from:{me} (APKAM pending)|pkam:enrollmentId:<id>:<sig>': `error:AT0026:enrollment_id: ${UUID} is pending`,
  'after from:{me} (APKAM denied)|pkam:enrollmentId:<id>:<sig>': `error:AT0025:enrollment_id: ${UUID} is denied`,
  'unauthenticated|llookup:public:location@{me}': 'error:AT0401-Exception: Command cannot be executed without auth',
  'owner|update:public:location-{uid}{me} Hyderabad': 'data:12',
  'owner|llookup:public:location-{uid}{me}': 'data:Hyderabad',
  'owner|update:public:passcode-{uid}{me} @!ice^&##': 'data:13',
  'owner|update:public:message-{uid}{me} Hey Hello! welcome to the tests': 'data:14',
  'owner|update:public:emoji-{uid}{me} 🦄': 'data:15',
  'owner|update:public:key-1-{uid}{me}': 'error:AT0003-Invalid syntax : update:public:key-1-{uid}{me}',
  'owner|update:public:country@{me} USA': 'error:AT0003-Invalid syntax : update:public:country@{me} USA',
  'owner (JSON errors)|update:public:@alice:invalid-key{me} invalid-value':
    'error:{"errorCode":"AT0003","errorDescription":"Invalid syntax : update:public:@alice:invalid-key{me} invalid-value"}',
  'owner (JSON errors)|update:public:country,current{me} USA':
    'error:{"errorCode":"AT0016","errorDescription":"Invalid key : You may not update keys of type KeyType.invalidKey"}',
  'owner|update:@🦄:emoji.name{me} unicorn': 'data:16',
  'owner|update:ttl:3000:{me}:offer-{uid}{me} 3 seconds': 'data:17',
  'owner|llookup:meta:{me}:offer-{uid}{me}':
    'data:{"createdBy":"{me}","updatedBy":"{me}","createdAt":"2024-10-24 01:35:02.123Z","status":"active","version":0,"ttl":3000,"isEncrypted":false}',
  'owner (after 3 s)|llookup:{me}:offer-{uid}{me}': 'data:null',
  'owner|update:ttb:2000:{me}:auth-code-{uid}{me} 3289': 'data:18',
  'owner (before 2 s)|llookup:{me}:auth-code-{uid}{me}': 'data:null',
  'owner|llookup:random-{uid}{me}': 'error:AT0015-key not found : random-{uid}{me} does not exist in keystore',
  'owner|lokup:public:phone-{uid}{me}': 'error:AT0003-Invalid syntax : lokup:public:phone-{uid}{me}',
  'owner|plookup:emoji-color-{uid}{me}@@@': 'error:AT0003-Invalid syntax : plookup:emoji-color-{uid}{me}@@@',
  'owner|update:privatekey:at_pkam_publickey <key>': 'data:-1',
  'owner|scan': 'data:["public:location-{uid}{me}","public:signing_publickey{me}","public:publickey{me}"]',
  'owner|scan mobile-{uid}': 'data:["public:mobile-{uid}{me}"]',
  'owner|scan@': 'error:AT0003-Invalid syntax : scan@',
  'unauthenticated|scan': 'data:["location-{uid}{me}","publickey{me}"]',
  'owner|delete:public:location-{uid}{me}': 'data:19',
  'owner|delete:location-{uid}{me}': 'data:20',
  'owner|deete:phone{me}': 'error:AT0003-Invalid syntax : deete:phone{me}',
  'owner|delete:public:signing_publickey{me}': 'error:AT0009-UnAuthorized client in request : Cannot delete protected key',
  'owner|delete:{me}:signing_privatekey{me}': 'error:AT0009-UnAuthorized client in request : Cannot delete protected key',
  'owner|delete:public:publickey{me}': 'error:AT0009-UnAuthorized client in request : Cannot delete protected key',
  'owner|delete:privatekey:at_pkam_publickey': 'error:AT0003-Invalid syntax : delete:privatekey:at_pkam_publickey',
  'owner|config:block:add:{other}': 'data:success',
  'owner|config:block:show': 'data:["{other}"]',
  'owner|config:block:remove:{other}': 'data:success',
  'owner (empty list)|config:block:show': 'data:null',
  'owner (production)|config:set:maxNotificationRetries=25': 'data:testing mode disabled by default',
  'owner|stats:3': 'data: [{"id":"3","name":"lastCommitID","value":"20"}]',
  'owner|stats:-1': 'error:AT0003-Invalid syntax : stats:-1',
  'any|info': 'data:{"version":"3.0.52","uptimeAsWords":"1 hours 35 minutes 29 seconds"}',
  'any|info:brief': 'data:{"version":"3.0.52","uptimeAsMillis":5855295}',
  'any|noop:100': 'data:ok',
  'any|noop:5001': 'error:AT0022-Illegal arguments : noop:<durationInMillis> where the duration maximum is 5000 milliseconds',
  'owner|sync:from:{n}:limit:5:.persona':
    'data:[{"atKey":"public:twitter.persona{me}","value":"@x","metadata":{"isEncrypted":"false"},"commitId":3,"operation":"*"}]',
  'owner|sync:.buzz@': 'error:AT0003-Invalid syntax : sync:.buzz@',
  'owner|sync .buzz@': 'error:AT0003-Invalid syntax : sync .buzz@',
  'owner|notify:update:{me}:nottrkey-{uid}{me}': `data:${UUID}`,
  'owner|notify:status:<id of the above>': 'data:delivered',
  'owner|notify:list:nottrkey':
    `data:[{"id":"${UUID}","from":"{me}","to":"{me}","key":"{me}:nottrkey-{uid}{me}","value":null,"operation":"update","epochMillis":1,"messageType":"MessageType.key","isEncrypted":false,"metadata":null}]`,
  'owner|notify:update:{me}:nottrkey-{uid}{me}:no-ttr': `data:${UUID2}`,
  'owner|notify:list':
    `data:[{"id":"${UUID2}","from":"{me}","to":"{me}","key":"{me}:nottrkey-{uid}{me}","value":"no-ttr","operation":"update","epochMillis":2,"messageType":"MessageType.key","isEncrypted":false,"metadata":null}]`,
  'owner|notify:fetch:<id>':
    `data:{"id":"${UUID}","fromAtSign":"{me}","notificationDateTime":"2024-10-24 01:35:02.123Z","toAtSign":"{me}","notification":"{me}:nottrkey-{uid}{me}","type":"NotificationType.received","opType":"OperationType.update","messageType":"MessageType.key","priority":"NotificationPriority.low","notificationStatus":"NotificationStatus.delivered","retryCount":"1","strategy":"all","depth":"1"}`,
  'owner|notify:fetch:124-abc': 'data:{"id":"124-abc","notificationStatus":"NotificationStatus.expired"}',
  'owner|notify:update:messageType:notifier:system:ttr:-1:{me}:email-{uid}{me}': 'error:AT0003-Invalid syntax : notify',
  'owner|notify:update:messageType:key:strategy:latest:ttr:-1:{me}:email-{uid}{me}': 'error:AT0003-Invalid syntax : notify',
  'owner|notify:messageType:key:update:notifier:system:ttr:-1:{me}:email-{uid}{me}': 'error:AT0003-Invalid syntax : notify',
  'owner|notify:update:ttb:3000:ttr:-1:ttln:10000:{me}:message-{uid}{me}:Hey!': 'error:AT0003-Invalid syntax : notify',
  'owner ({me} -> {other})|notify:update:ttl:600000:ttr:-1:{other}:key-1{me}:<value>': `data:${UUID}`,
  'owner on {other} (after delivery)|llookup:cached:{other}:key-1{me}': 'data:<value>',
  'owner ({me} -> {other})|notify:delete:{other}:key-2{me}': `data:${UUID2}`,
  'owner on {other} (after ccd delete)|llookup:cached:{other}:key-2{me}':
    'error:AT0015-key not found : cached:{other}:key-2{me} does not exist in keystore',
  'pol-authenticated as {other} (server-to-server)|notify:id:<id>:update:messageType:key:notifier:SYSTEM:ttln:86400000:isEncrypted:true:{me}:phone{other}:<value>':
    'data:success',
  'pol handshake|pol': '{other}@',
  'owner|batch:[{"id":1,"command":"update:phone{me} 123"}]': 'data:[{"id":1,"response":{"data":"21"}}]',
};

/** Exchanges that are not one command and its answer on an atServer connection. */
function isCommandExchange(exchange: Exchange): boolean {
  return !exchange.command.startsWith('(') && exchange.connectionState !== 'root' && !exchange.command.startsWith('monitor');
}

function sampleFor(exchange: Exchange): string {
  const sample = SAMPLES[`${exchange.connectionState}|${exchange.command}`];
  assert.ok(sample !== undefined, `no sample response for ${exchange.connectionState} | ${exchange.command}`);
  const text = fill(sample);
  assert.match(text, new RegExp(fill(exchange.responseRegex)), `sample for ${exchange.command} has the recorded shape`);
  return text;
}

function promptFor(exchange: Exchange): string {
  if (exchange.command === 'pol') return '';
  if (exchange.prompt !== null) return fill(exchange.prompt);
  return exchange.connectionState.startsWith('owner') ? `${ME}@` : '@';
}

const exchanges = verbExchanges();
// pol follows a foreign from: (prompt `@`) in real life; the fixture lists it elsewhere.
const commandExchanges = (() => {
  const list = exchanges.filter(isCommandExchange);
  const pol = list.findIndex((exchange) => exchange.command === 'pol');
  const [polExchange] = list.splice(pol, 1);
  const from = list.findIndex((exchange) => exchange.connectionState.startsWith('unauthenticated (server-to-server'));
  if (polExchange !== undefined) list.splice(from + 1, 0, polExchange);
  return list;
})();
const monitorExchange = exchanges.find((exchange) => exchange.command.startsWith('monitor'));

const CHUNKINGS = ['whole', 'split before the prompt', 'one byte per write'] as const;

/** How a reply is written: whole, in two pieces (the first `splitAt` bytes), or one byte per write. */
function cut(chunking: (typeof CHUNKINGS)[number], splitAt: number): ScriptStep['chunks'] {
  if (chunking === 'whole') return undefined;
  return chunking === 'one byte per write' ? 'bytes' : [splitAt];
}

describe('verb_exchanges.json through the client connection', () => {
  test('the fixture has the exchanges this test expects', () => {
    assert.equal(commandExchanges.length, Object.keys(SAMPLES).length);
    assert.ok(monitorExchange !== undefined);
    assert.match(fill('@'), new RegExp(exchanges[0]?.responseRegex ?? '$^'));
  });

  test('the samples cover all three error forms', () => {
    // The same samples for every way of writing them: checked once, here.
    const errors = commandExchanges.map(sampleFor).filter((text) => text.startsWith('error:')).map(parseResponse);
    const seen = new Set(errors.map((response) => (response.kind === 'error' ? response.error.form : '')));
    assert.deepEqual([...seen].sort(), ['json', 'legacy', 'response-level']);
  });

  for (const chunking of CHUNKINGS) {
    describe(`responses written ${chunking}`, () => {
      let peer: ScriptedPeer;
      let connection: AtConnection;
      before(async () => {
        const steps: ScriptStep[] = commandExchanges.map((exchange) => {
          const body = `${sampleFor(exchange)}${exchange.command === 'pol' ? '' : '\n'}`;
          const reply = body + promptFor(exchange);
          return { expect: fill(exchange.command), reply, chunks: cut(chunking, Buffer.byteLength(body)) };
        });
        steps.push({
          expect: fill(monitorExchange?.command ?? 'monitor'),
          reply: `${NOTIFICATION}\n${STATS}\n`,
          chunks: cut(chunking, NOTIFICATION.length + 3),
        });
        peer = await startScriptedPeer({ scripts: [steps] });
        connection = await AtConnection.open({ host: peer.host, port: peer.port, ca: peer.caPem });
      });
      after(async () => {
        await connection.close();
        await peer.close();
      });

      test('each command gets its own parsed response or typed error', async () => {
        for (const exchange of commandExchanges) {
          const command = fill(exchange.command);
          const expected = sampleFor(exchange);
          const response = await connection.request(command, { bareReply: command === 'pol' });
          if (expected.startsWith('data:')) {
            assert.equal(response.kind, 'data', command);
            assert.equal(response.kind === 'data' && response.payload, expected.replace(/^data: ?/, ''), command);
          } else if (expected.startsWith('error:')) {
            assert.equal(response.kind, 'error', command);
            const code = /AT\d{4}/.exec(expected)?.[0];
            assert.equal(response.kind === 'error' && response.error.code, code, command);
          } else {
            assert.deepEqual(response, { kind: 'pol', atSign: OTHER }, command);
          }
        }
        assert.deepEqual(peer.problems, []);
      });

      test('monitor: notification lines are dispatched apart from responses', async () => {
        const lines: string[] = [];
        const arrived = new Promise<void>((resolve) => {
          connection.onNotification((line) => {
            lines.push(line);
            if (lines.length === 2) resolve();
          });
        });
        await connection.send(fill(monitorExchange?.command ?? ''));
        await arrived;
        assert.equal(parseNotificationLine(lines[0] ?? '').id, UUID);
        assert.match(lines[0] ?? '', new RegExp(fill(monitorExchange?.responseRegex ?? '')));
        assert.equal(parseNotificationLine(lines[1] ?? '').id, '-1');
        assert.deepEqual(peer.problems, []);
      });
    });
  }
});
