/**
 * Random and malformed input thrown at a live atServer (fast-check): arbitrary text, invalid
 * UTF-8, mutated real commands, on unauthenticated and owner connections. After every run the
 * process is alive, the fuzzed connection answers a sentinel command or was closed with an
 * error, every reply has a protocol shape, and a second session sees its data untouched.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateRsaKeyPair, type RsaKeyPair } from '../../../agent/src/crypto/index.js';
import { verbSyntax } from '../../helpers/vectors.js';
import type { LineClient } from '../../helpers/line-client.js';
import { pkamLogin, startTestPlatform, type TestPlatform } from '../../helpers/platform.js';

const FUZZED = '@fuzz';
const BYSTANDER = '@alice🛠';
const SENTINEL = 'info:brief';
const REPLY_SHAPE = /^(data:|error:|@[^@\s]*@|notification: )/;

const realCommands = verbSyntax().cases.map((vector) => vector.command.replaceAll('@alice', FUZZED));

/** Text that could be one or several command lines. */
const lineText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.constantFrom(...realCommands),
  fc.tuple(fc.constantFrom(...realCommands), fc.nat(), fc.string({ maxLength: 20 })).map(([command, at, insert]) => {
    const cut = at % (command.length + 1);
    return command.slice(0, cut) + insert + command.slice(cut);
  }),
  fc.tuple(fc.constantFrom('update:', 'llookup:', 'scan ', 'lookup:', 'sync:from:', 'batch:', 'from:'), fc.string({ unit: 'binary', maxLength: 300 })).map(([verb, rest]) => verb + rest),
);

const chunk = fc.oneof(
  { weight: 4, arbitrary: lineText.map((text) => Buffer.from(`${text}\n`, 'utf8')) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.concat([Buffer.from(bytes), Buffer.from('\n')])) },
);

// noop with a long delay only slows the run down; everything else goes.
const isSlow = (bytes: Buffer) => /(^|\n)\s*noop:\d{3,}/i.test(bytes.toString('latin1'));

describe('fuzzing a live atServer', () => {
  let env: TestPlatform;
  let fuzzKeys: RsaKeyPair;
  let bystander: LineClient;

  before(async () => {
    env = await startTestPlatform(null, { demo: [BYSTANDER] });
    fuzzKeys = await generateRsaKeyPair();
    await env.platform.registerAtSign(FUZZED, { pkamPublicKey: fuzzKeys.publicKey.toBase64() });
    bystander = await env.pkamClient(BYSTANDER);
    await bystander.data(`update:canary${BYSTANDER} still here`);
  });
  after(() => env.close());

  test('no input crashes the server, breaks framing or touches another session', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(chunk, { minLength: 1, maxLength: 12 }), async (authenticate, chunks) => {
        fc.pre(!chunks.some(isSlow));
        // Commands may have replaced the fuzzed atSign's PKAM key: put it back.
        await env.platform.registerAtSign(FUZZED, { pkamPublicKey: fuzzKeys.publicKey.toBase64() });
        const client = await env.connect(FUZZED);
        try {
          if (authenticate) await pkamLogin(client, FUZZED, fuzzKeys.privateKey.toBase64());
          await client.write(Buffer.concat([...chunks, Buffer.from(`${SENTINEL}\n`)])).catch(() => undefined);
          // Read every reply line until the sentinel's answer, or until the server closed.
          for (;;) {
            const line = await client.readUntil('\n').catch(() => undefined);
            if (line === undefined) break;
            const text = line.replace(/^(@[^@\s:]*@|@)+/, '');
            if (text !== '') assert.match(text, REPLY_SHAPE, JSON.stringify(line.slice(0, 200)));
            if (text.startsWith('data:{"version"') && text.includes('uptimeAsMillis')) break;
          }
        } finally {
          client.destroy();
        }
        assert.equal(await bystander.data(`llookup:canary${BYSTANDER}`), 'still here');
      }),
      { numRuns: 300 },
    );
    assert.equal(await bystander.data('noop:0'), 'ok');
  });
});
