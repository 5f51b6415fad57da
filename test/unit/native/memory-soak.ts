/**
 * Child process of memory.test.ts (run with --expose-gc): hammers every native entry point,
 * success and failure paths, and prints the resident-set and heap growth as JSON. Each phase
 * runs a warm-up round first so allocator pools and JIT code are in place before the baseline;
 * phases that create contexts warm up with a full round, because contexts are freed only when
 * the GC finds them and the allocator keeps the high-water mark of that first round.
 */
import { randomBytes } from 'node:crypto';
import { paddedLength } from '../../../agent/src/crypto/backend.js';
import { loadNativeBackend } from '../../../agent/src/crypto/native-backend.js';
import { readFixture, b64 } from './fixtures.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const native = loadNativeBackend();
const vectors = readFixture('vectors/crypto.json');
const aes = native.createAes(randomBytes(32));
const iv = randomBytes(16);
const plaintext = randomBytes(64);
const ciphertext = Buffer.alloc(paddedLength(64));
const scratch = Buffer.alloc(ciphertext.length);
aes.encryptInto(iv, plaintext, ciphertext);
const tampered = Buffer.from(ciphertext);
tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 0xff;
const small = randomBytes(100);
const smallText = native.base2e15Encode(small);
const megabyte = randomBytes(1 << 20);
const privateDer = b64(vectors.sharedKeyExchange.bobEncryptionPrivateKey);
const publicDer = b64(vectors.sharedKeyExchange.bobEncryptionPublicKey);
const rsaPrivate = native.createRsaPrivate(privateDer);
const rsaPublic = native.createRsaPublic(publicDer);
const rsaCiphertext = rsaPublic.encrypt(Buffer.from('shared key'));
const rsaSignature = rsaPrivate.sign('sha256', Buffer.from('challenge'));
const badRsaCiphertext = randomBytes(256);
badRsaCiphertext[0] = 0x01;

const scale = Number(process.env['SOAK_SCALE'] ?? '1');
const phases: Array<[string, number, () => void, number?]> = [
  ['aes encryptInto 64 B', 1_000_000, () => aes.encryptInto(iv, plaintext, scratch)],
  ['aes decryptInto 64 B', 1_000_000, () => aes.decryptInto(iv, ciphertext, scratch)],
  ['aes bad padding (throws)', 100_000, () => { try { aes.decryptInto(iv, tampered, scratch); } catch {} }],
  ['aes createAes', 100_000, () => native.createAes(plaintext.subarray(0, 32)), 1],
  ['base2e15 encode 100 B', 1_000_000, () => native.base2e15Encode(small)],
  ['base2e15 decode 100 B', 1_000_000, () => native.base2e15Decode(smallText, true)],
  ['base2e15 encode 1 MB (external strings)', 300, () => native.base2e15Encode(megabyte), 1],
  ['base2e15 strict reject (throws)', 100_000, () => { try { native.base2e15Decode('\u3481', true); } catch {} }],
  ['rsa encrypt', 20_000, () => rsaPublic.encrypt(plaintext)],
  ['rsa verify', 20_000, () => rsaPublic.verify('sha256', Buffer.from('challenge'), rsaSignature)],
  ['rsa verify false', 20_000, () => rsaPublic.verify('sha256', Buffer.from('challengE'), rsaSignature)],
  ['rsa createRsaPublic', 20_000, () => native.createRsaPublic(publicDer), 1],
  ['rsa decrypt', 1_000, () => rsaPrivate.decrypt(rsaCiphertext)],
  ['rsa decrypt implicit rejection', 1_000, () => rsaPrivate.decrypt(badRsaCiphertext)],
  ['rsa sign', 1_000, () => rsaPrivate.sign('sha512', plaintext)],
  ['rsa createRsaPrivate', 1_000, () => native.createRsaPrivate(privateDer), 1],
  ['rsa bad key (throws)', 20_000, () => { try { native.createRsaPrivate(publicDer); } catch {} }],
];

// Node-API finalizers (which free the native contexts) run from the event loop after a
// collection, so each gc() is followed by a turn of the loop.
async function settle(): Promise<{ rss: number; heap: number }> {
  for (let i = 0; i < 4; i++) {
    gc!();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const usage = process.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed + usage.external };
}

const results: Array<{ phase: string; calls: number; rssGrowth: number; heapGrowth: number }> = [];
for (const [phase, count, call, warmUpShare = 0.1] of phases) {
  const calls = Math.max(1, Math.round(count * scale));
  for (let i = 0; i < Math.ceil(calls * warmUpShare); i++) call();
  const before = await settle();
  for (let i = 0; i < calls; i++) call();
  const after = await settle();
  results.push({ phase, calls, rssGrowth: after.rss - before.rss, heapGrowth: after.heap - before.heap });
}
process.stdout.write(JSON.stringify(results));
