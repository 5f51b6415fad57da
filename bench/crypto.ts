/**
 * Crypto core benchmark: the native addon against the node:crypto fallback (js-backend.ts)
 * and node-forge (pure JS), with `openssl speed` run in the same process tree as the
 * reference for what the hardware does. One table; ratios addon/node:crypto, addon/forge
 * and, where openssl measures the same primitive, addon/openssl.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { paddedLength, type CryptoBackend } from '../agent/src/crypto/backend.js';
import { jsBackend } from '../agent/src/crypto/js-backend.js';
import { loadNativeBackend } from '../agent/src/crypto/native-backend.js';
import { formatRate, formatRatio, opsPerSecond, printTable } from './measure.js';

const AES_SIZES = [16, 64, 256, 1024, 16 * 1024, 1024 * 1024];
const B2E15_SIZES = [1024, 1024 * 1024];
// openssl speed runs this many times for this many seconds each and the best run counts:
// the same best-of rule as opsPerSecond, so neither side gains from a quiet moment.
const OPENSSL_RUNS = 3;
const OPENSSL_SECONDS = 1;

interface Row {
  operation: string;
  bytes?: number;
  addon?: number;
  node?: number;
  forge?: number;
  openssl?: number;
}

interface OpensslReference {
  aesBytesPerSecond: Map<number, number>;
  rsaPrivatePerSecond?: number;
  rsaPublicPerSecond?: number;
  version: string;
}

function sizeLabel(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes >= 1024 * 1024) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024) return `${bytes / 1024} KB`;
  return `${bytes} B`;
}

function megabytes(ops: number | undefined, bytes: number | undefined): string {
  if (ops === undefined || bytes === undefined) return '';
  return ((ops * bytes) / 1e6).toFixed(bytes >= 1024 ? 0 : 1);
}

function runOpenssl(args: string[]): string | undefined {
  try {
    return execFileSync('openssl', ['speed', '-mr', '-seconds', String(OPENSSL_SECONDS), ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return undefined;
  }
}

/** `openssl speed -mr` output: "+F:<n>:AES-256-CTR:<bytes/s>" and "+F2:<n>:2048:<sign/s>:<verify/s>". */
function measureOpenssl(): OpensslReference {
  const reference: OpensslReference = { aesBytesPerSecond: new Map(), version: 'openssl not found' };
  try {
    reference.version = execFileSync('openssl', ['version'], { encoding: 'utf8' }).trim();
  } catch {
    return reference;
  }
  const max = (a: number | undefined, b: number) => (a === undefined ? b : Math.max(a, b));
  for (let run = 0; run < OPENSSL_RUNS; run++) {
    for (const bytes of [64, 1024 * 1024]) {
      const out = runOpenssl(['-evp', 'aes-256-ctr', '-bytes', String(bytes)]);
      const rate = out?.match(/^\+F:\d+:AES-256-CTR:([\d.]+)/m)?.[1];
      if (rate) reference.aesBytesPerSecond.set(bytes, max(reference.aesBytesPerSecond.get(bytes), Number(rate)));
    }
    const rsa = runOpenssl(['rsa2048'])?.match(/^\+F2:\d+:2048:([\d.]+):([\d.]+)/m);
    if (rsa) {
      reference.rsaPrivatePerSecond = max(reference.rsaPrivatePerSecond, Number(rsa[1]));
      reference.rsaPublicPerSecond = max(reference.rsaPublicPerSecond, Number(rsa[2]));
    }
  }
  return reference;
}

// --- node-forge equivalents --------------------------------------------------------------

const binary = (bytes: Uint8Array) => Buffer.from(bytes).toString('binary');

function forgeAesEncrypt(key: string, iv: string, plaintext: Buffer): Buffer {
  const cipher = forge.cipher.createCipher('AES-CTR', key);
  cipher.start({ iv });
  const pad = paddedLength(plaintext.length) - plaintext.length;
  cipher.update(forge.util.createBuffer(binary(Buffer.concat([plaintext, Buffer.alloc(pad, pad)]))));
  cipher.finish();
  return Buffer.from(cipher.output.getBytes(), 'binary');
}

function forgeAesDecrypt(key: string, iv: string, ciphertext: Buffer): Buffer {
  const decipher = forge.cipher.createDecipher('AES-CTR', key);
  decipher.start({ iv });
  decipher.update(forge.util.createBuffer(binary(ciphertext)));
  decipher.finish();
  const padded = Buffer.from(decipher.output.getBytes(), 'binary');
  return padded.subarray(0, padded.length - (padded[padded.length - 1] ?? 0));
}

// --- rows --------------------------------------------------------------------------------

function aesRows(native: CryptoBackend, reference: OpensslReference): Row[] {
  const key = randomBytes(32);
  const iv = randomBytes(16);
  const forgeKey = binary(key);
  const forgeIv = binary(iv);
  const addon = native.createAes(key);
  const node = jsBackend.createAes(key);
  const rows: Row[] = [];
  for (const size of AES_SIZES) {
    const plaintext = randomBytes(size);
    const ciphertext = Buffer.alloc(paddedLength(size));
    const out = Buffer.alloc(paddedLength(size));
    addon.encryptInto(iv, plaintext, ciphertext);
    // The three engines must agree before their speed means anything.
    const check = Buffer.alloc(ciphertext.length);
    node.encryptInto(iv, plaintext, check);
    if (!check.equals(ciphertext) || !forgeAesEncrypt(forgeKey, forgeIv, plaintext).equals(ciphertext)) {
      throw new Error(`AES engines disagree at ${size} bytes`);
    }
    const openssl = reference.aesBytesPerSecond.get(size);
    rows.push({
      operation: 'AES-256-CTR+PKCS7 encrypt',
      bytes: size,
      addon: opsPerSecond(() => addon.encryptInto(iv, plaintext, out)),
      node: opsPerSecond(() => node.encryptInto(iv, plaintext, out)),
      forge: opsPerSecond(() => forgeAesEncrypt(forgeKey, forgeIv, plaintext)),
      openssl: openssl === undefined ? undefined : openssl / size,
    });
    rows.push({
      operation: 'AES-256-CTR+PKCS7 decrypt',
      bytes: size,
      addon: opsPerSecond(() => addon.decryptInto(iv, ciphertext, out)),
      node: opsPerSecond(() => node.decryptInto(iv, ciphertext, out)),
      forge: opsPerSecond(() => forgeAesDecrypt(forgeKey, forgeIv, ciphertext)),
      openssl: openssl === undefined ? undefined : openssl / size,
    });
  }
  return rows;
}

function rsaRows(native: CryptoBackend, reference: OpensslReference): Row[] {
  const pair = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const pkcs8 = Buffer.from(
    forge.asn1.toDer(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(pair.privateKey))).getBytes(),
    'binary',
  );
  const spki = Buffer.from(forge.asn1.toDer(forge.pki.publicKeyToAsn1(pair.publicKey)).getBytes(), 'binary');
  const addonPrivate = native.createRsaPrivate(pkcs8);
  const addonPublic = native.createRsaPublic(spki);
  const nodePrivate = jsBackend.createRsaPrivate(pkcs8);
  const nodePublic = jsBackend.createRsaPublic(spki);
  // What the protocol encrypts and signs: a 44-character base64 AES key, a PKAM challenge.
  const message = Buffer.from(randomBytes(32).toString('base64'));
  const ciphertext = addonPublic.encrypt(message);
  const signature = addonPrivate.sign('sha256', message);
  if (!nodePrivate.decrypt(ciphertext).equals(message) || !nodePrivate.sign('sha256', message).equals(signature)) {
    throw new Error('RSA engines disagree');
  }
  const forgeMessage = binary(message);
  const forgeCiphertext = binary(ciphertext);
  const forgeSignature = binary(signature);
  const forgeDigest = () => forge.md.sha256.create().update(forgeMessage);
  return [
    {
      operation: 'RSA-2048 encrypt (PKCS1 v1.5)',
      addon: opsPerSecond(() => addonPublic.encrypt(message)),
      node: opsPerSecond(() => nodePublic.encrypt(message)),
      forge: opsPerSecond(() => pair.publicKey.encrypt(forgeMessage, 'RSAES-PKCS1-V1_5')),
      openssl: reference.rsaPublicPerSecond,
    },
    {
      operation: 'RSA-2048 decrypt (implicit rejection)',
      addon: opsPerSecond(() => addonPrivate.decrypt(ciphertext)),
      node: opsPerSecond(() => nodePrivate.decrypt(ciphertext)),
      forge: opsPerSecond(() => pair.privateKey.decrypt(forgeCiphertext, 'RSAES-PKCS1-V1_5')),
      openssl: reference.rsaPrivatePerSecond,
    },
    {
      operation: 'RSA-2048 sign SHA-256',
      addon: opsPerSecond(() => addonPrivate.sign('sha256', message)),
      node: opsPerSecond(() => nodePrivate.sign('sha256', message)),
      forge: opsPerSecond(() => pair.privateKey.sign(forgeDigest())),
      openssl: reference.rsaPrivatePerSecond,
    },
    {
      operation: 'RSA-2048 verify SHA-256',
      addon: opsPerSecond(() => addonPublic.verify('sha256', message, signature)),
      node: opsPerSecond(() => nodePublic.verify('sha256', message, signature)),
      forge: opsPerSecond(() => pair.publicKey.verify(forgeDigest().digest().bytes(), forgeSignature)),
      openssl: reference.rsaPublicPerSecond,
    },
  ];
}

function base2e15Rows(native: CryptoBackend): Row[] {
  const rows: Row[] = [];
  for (const size of B2E15_SIZES) {
    const bytes = randomBytes(size);
    const text = native.base2e15Encode(bytes);
    if (jsBackend.base2e15Encode(bytes) !== text || !jsBackend.base2e15Decode(text, true).equals(bytes)) {
      throw new Error(`base2e15 engines disagree at ${size} bytes`);
    }
    rows.push({
      operation: 'base2e15 encode',
      bytes: size,
      addon: opsPerSecond(() => native.base2e15Encode(bytes)),
      node: opsPerSecond(() => jsBackend.base2e15Encode(bytes)),
    });
    rows.push({
      operation: 'base2e15 decode (strict)',
      bytes: size,
      addon: opsPerSecond(() => native.base2e15Decode(text, true)),
      node: opsPerSecond(() => jsBackend.base2e15Decode(text, true)),
    });
  }
  return rows;
}

export async function run(): Promise<void> {
  const native = loadNativeBackend();
  // openssl first, while nothing else competes for the two cores.
  const reference = measureOpenssl();
  const rows = [...aesRows(native, reference), ...rsaRows(native, reference), ...base2e15Rows(native)];
  printTable(
    [
      'operation',
      'size',
      'addon ops/s',
      'addon MB/s',
      'node:crypto ops/s',
      'node:crypto MB/s',
      'forge ops/s',
      'addon/node:crypto',
      'addon/forge',
      'openssl ops/s',
      'addon/openssl',
    ],
    rows.map((r) => [
      r.operation,
      sizeLabel(r.bytes),
      formatRate(r.addon),
      megabytes(r.addon, r.bytes),
      formatRate(r.node),
      megabytes(r.node, r.bytes),
      formatRate(r.forge),
      formatRatio(r.addon, r.node),
      formatRatio(r.addon, r.forge),
      r.openssl === undefined ? '' : formatRate(r.openssl),
      r.openssl === undefined ? '' : formatRatio(r.addon, r.openssl),
    ]),
  );
  console.log('');
  console.log(`Reference rows (${reference.version}, best of ${OPENSSL_RUNS} runs of openssl speed -seconds ${OPENSSL_SECONDS}):`);
  for (const [bytes, rate] of reference.aesBytesPerSecond) {
    console.log(`  openssl speed -evp aes-256-ctr -bytes ${bytes}: ${formatRate(rate / bytes)} ops/s, ${(rate / 1e6).toFixed(0)} MB/s`);
  }
  if (reference.rsaPrivatePerSecond !== undefined) {
    console.log(`  openssl speed rsa2048: ${formatRate(reference.rsaPrivatePerSecond)} private ops/s (sign), ${formatRate(reference.rsaPublicPerSecond)} public ops/s (verify)`);
  }
  console.log('  addon/openssl compares AES rows with the EVP rate at the same size, RSA decrypt and sign with');
  console.log('  its private-key rate, RSA encrypt and verify with its public-key rate.');
  console.log(`  Node ${process.version} (OpenSSL ${process.versions.openssl}); node-forge is pure JavaScript.`);
}
