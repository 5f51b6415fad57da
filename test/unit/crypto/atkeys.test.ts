/** `.atKeys` files: the demo files, every corruption named, permissions, atomic 0600 writes. */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  AesKey,
  KeyFileCorruptError,
  KeyFileExistsError,
  KeyFileMismatchError,
  KeyFileNotFoundError,
  KeyFilePermissionsError,
  KeyFileUnreadableError,
  defaultAtKeysPath,
  loadAtKeys,
  parseAtKeys,
  serializeAtKeys,
  writeAtKeys,
  type AtKeys,
} from '../../../agent/src/crypto/index.js';
import { forEachEngine } from './engines.js';
import { readVector } from '../../helpers/vectors.js';

const demoFiles = readVector('demo_atkeys_files.json');
const demoKeys = readVector('demo_keys.json').atSigns;
const cryptoVectors = readVector('crypto.json');

const aliceFile: Record<string, string> = demoFiles.files['@alice🛠'];
const aliceText = JSON.stringify(aliceFile);
const bobFile: Record<string, string> = demoFiles.files['@bob🛠'];

/** The demo files whose keys are filed upstream under another name (see the vectors README). */
const FILED_UNDER_ANOTHER_NAME: Record<string, string> = { '@device2': '@device1', '@policy': '@policy1' };

function keyStrings(keys: AtKeys) {
  return {
    pkamPublicKey: keys.pkamPublicKey.toBase64(),
    pkamPrivateKey: keys.pkamPrivateKey?.toBase64(),
    encryptionPublicKey: keys.encryptionPublicKey.toBase64(),
    encryptionPrivateKey: keys.encryptionPrivateKey.toBase64(),
    selfEncryptionKey: keys.selfEncryptionKey.toBase64(),
  };
}

function expectedFromDemoKeys(atSign: string) {
  const d = demoKeys[atSign];
  return {
    pkamPublicKey: d.pkamPublicKey,
    pkamPrivateKey: d.pkamPrivateKey,
    encryptionPublicKey: d.encryptionPublicKey,
    encryptionPrivateKey: d.encryptionPrivateKey,
    selfEncryptionKey: d.selfEncryptionKey,
  };
}

forEachEngine('.atKeys demo files', (engine) => {
  test('all 36 demo files decrypt to the keys of demo_keys.json', () => {
    const names = Object.keys(demoFiles.files);
    assert.equal(names.length, 36);
    let sameName = 0;
    for (const atSign of names) {
      const keys = parseAtKeys(JSON.stringify(demoFiles.files[atSign]), atSign, engine());
      assert.equal(keys.atSign, atSign);
      assert.equal(keys.apkamSymmetricKey, undefined);
      assert.equal(keys.enrollmentId, undefined);
      const filedUnder = FILED_UNDER_ANOTHER_NAME[atSign] ?? atSign;
      if (filedUnder === atSign) sameName++;
      assert.deepEqual(keyStrings(keys), expectedFromDemoKeys(filedUnder), atSign);
    }
    assert.equal(sameName, 34);
  });

  test('the two odd ones out: @device2 holds @device1\'s keys, @policy holds @policy1\'s', () => {
    // Upstream has no @policy entry in its key maps and a different @device2 entry.
    assert.equal(demoKeys['@policy'], undefined);
    const device2 = parseAtKeys(JSON.stringify(demoFiles.files['@device2']), '@device2', engine());
    assert.notEqual(device2.pkamPublicKey.toBase64(), demoKeys['@device2'].pkamPublicKey);
  });

  test('the APKAM-era file: enrollment id, APKAM symmetric key, consistent pairs', () => {
    const keys = parseAtKeys(JSON.stringify(demoFiles.apkamEraExample), 'apkam example', engine());
    const file = demoFiles.apkamEraExample;
    assert.equal(keys.atSign, '@alice🛠');
    assert.equal(keys.enrollmentId, file.enrollmentId);
    assert.equal(keys.apkamSymmetricKey?.toBase64(), file.apkamSymmetricKey);
    assert.equal(keys.selfEncryptionKey.toBase64(), file.selfEncryptionKey);
    assert.ok(keys.pkamPrivateKey?.matches(keys.pkamPublicKey));
    assert.ok(keys.encryptionPrivateKey.matches(keys.encryptionPublicKey));
  });

  test('crypto.json atKeysFile vector', () => {
    const { file, decrypted } = cryptoVectors.atKeysFile;
    const keys = parseAtKeys(JSON.stringify(file), 'vector', engine());
    assert.equal(keys.pkamPublicKey.toBase64(), decrypted.aesPkamPublicKey);
    assert.equal(keys.pkamPrivateKey?.toBase64(), decrypted.aesPkamPrivateKey);
    assert.equal(keys.encryptionPublicKey.toBase64(), decrypted.aesEncryptPublicKey);
    assert.equal(keys.encryptionPrivateKey.toBase64(), decrypted.aesEncryptPrivateKey);
  });

  test('serializing a parsed demo file gives back the identical text', () => {
    for (const atSign of ['@alice🛠', '@bob🛠', '@emoji🦄🛠', '@xavier']) {
      const text = JSON.stringify(demoFiles.files[atSign]);
      assert.equal(serializeAtKeys(parseAtKeys(text, atSign, engine())), text, atSign);
    }
  });
});

/** Asserts a KeyFileCorruptError naming `field` (undefined: the file as a whole) whose message leaks no key text. */
function corrupt(field: string | undefined, secrets: readonly string[] = Object.values(aliceFile)) {
  return (error: unknown) => {
    assert.ok(error instanceof KeyFileCorruptError, `expected KeyFileCorruptError, got ${String(error)}`);
    assert.equal(error.code, 'ERR_ATAGENT_KEYFILE_CORRUPT');
    assert.equal(error.field, field);
    if (field !== undefined) assert.ok(error.message.includes(`'${field}'`), error.message);
    for (const secret of secrets) assert.ok(!error.message.includes(secret.slice(0, 24)), `message leaks key text: ${error.message}`);
    return true;
  };
}

function withField(field: string, value: unknown): string {
  return JSON.stringify({ ...aliceFile, [field]: value });
}

function without(field: string): string {
  const copy: Record<string, string> = { ...aliceFile };
  delete copy[field];
  return JSON.stringify(copy);
}

describe('parseAtKeys refuses damaged files, naming the field', () => {
  test('empty, whitespace, not JSON, not an object', () => {
    assert.throws(() => parseAtKeys('', 'f'), corrupt(undefined));
    assert.throws(() => parseAtKeys(' \n', 'f'), corrupt(undefined));
    assert.throws(() => parseAtKeys('this is not json', 'f'), corrupt(undefined));
    assert.throws(() => parseAtKeys('[1,2]', 'f'), corrupt(undefined));
    assert.throws(() => parseAtKeys('null', 'f'), corrupt(undefined));
    assert.throws(() => parseAtKeys('"a string"', 'f'), corrupt(undefined));
  });

  test('a file truncated anywhere is reported as corrupt, never crashes', () => {
    for (let cut = 1; cut < aliceText.length; cut += 97) {
      assert.throws(() => parseAtKeys(aliceText.slice(0, cut), 'f'), KeyFileCorruptError, `cut at ${cut}`);
    }
    assert.throws(() => parseAtKeys(aliceText.slice(0, -1), 'f'), corrupt(undefined));
  });

  test('a truncated file never shows the parser\'s excerpt of the key text', () => {
    assert.throws(() => parseAtKeys(`${aliceText.slice(0, 200)}"}`, 'f'), (error: unknown) => {
      assert.ok(error instanceof KeyFileCorruptError);
      return true;
    });
    assert.throws(() => parseAtKeys(aliceText.replace('",', '"x'), 'f'), corrupt(undefined));
  });

  for (const field of ['aesPkamPublicKey', 'aesEncryptPublicKey', 'aesEncryptPrivateKey', 'selfEncryptionKey']) {
    test(`missing ${field}`, () => {
      assert.throws(() => parseAtKeys(without(field), 'f'), corrupt(field));
      assert.throws(() => parseAtKeys(withField(field, null), 'f'), corrupt(field));
      assert.throws(() => parseAtKeys(withField(field, ''), 'f'), corrupt(field));
      assert.throws(() => parseAtKeys(withField(field, 42), 'f'), corrupt(field));
    });
  }

  test('missing aesPkamPrivateKey is allowed (PKAM key in a secure element)', () => {
    const keys = parseAtKeys(without('aesPkamPrivateKey'), 'f');
    assert.equal(keys.pkamPrivateKey, undefined);
    assert.equal(keys.pkamPublicKey.toBase64(), demoKeys['@alice🛠'].pkamPublicKey);
    assert.throws(() => parseAtKeys(withField('aesPkamPrivateKey', 7), 'f'), corrupt('aesPkamPrivateKey'));
  });

  for (const field of ['aesPkamPublicKey', 'aesPkamPrivateKey', 'aesEncryptPublicKey', 'aesEncryptPrivateKey']) {
    test(`corrupted ${field}: bad base64, truncated, flipped bits, wrong content`, () => {
      const value = aliceFile[field] as string;
      const selfKey = AesKey.fromBase64(aliceFile['selfEncryptionKey'] as string);
      const damaged = [
        `${value.slice(0, 10)}*${value.slice(11)}`, // not base64
        value.slice(0, -4), // whole base64 groups but not whole AES blocks
        value.slice(0, -1), // not even base64
        Buffer.from(value, 'base64').subarray(0, 64).toString('base64'), // whole blocks: decrypts, padding fails
        selfKey.encryptText('not a key at all'), // decrypts fine, is no key
        selfKey.encryptText(Buffer.from('MIIB junk').toString('base64')), // base64, not DER
      ];
      for (const bad of damaged) assert.throws(() => parseAtKeys(withField(field, bad), 'f'), corrupt(field), bad.slice(0, 30));
      // the padding check fails or the key is unreadable when one ciphertext byte flips
      const flipped = Buffer.from(value, 'base64');
      flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 0x5a;
      assert.throws(() => parseAtKeys(withField(field, flipped.toString('base64')), 'f'), corrupt(field));
      // A flip inside the key text either breaks its base64/DER (corrupt, named) or, inside the
      // modulus, leaves a well-formed key that no longer fits its other half (mismatch).
      for (const [offset, bit] of [[100, 0x01], [100, 0x02], [150, 0x04], [200, 0x20]] as const) {
        const flippedInside = Buffer.from(value, 'base64');
        flippedInside[offset] = (flippedInside[offset] as number) ^ bit;
        assert.throws(
          () => parseAtKeys(withField(field, flippedInside.toString('base64')), 'f'),
          (error: unknown) => error instanceof KeyFileMismatchError || corrupt(field)(error),
        );
      }
    });
  }

  test('a public key where a private key belongs (and vice versa) is corrupt, naming the field', () => {
    assert.throws(() => parseAtKeys(withField('aesEncryptPrivateKey', aliceFile['aesEncryptPublicKey']), 'f'), corrupt('aesEncryptPrivateKey'));
    assert.throws(() => parseAtKeys(withField('aesPkamPublicKey', aliceFile['aesPkamPrivateKey']), 'f'), corrupt('aesPkamPublicKey'));
  });

  test('a bad selfEncryptionKey is named: every aes* field depends on it', () => {
    for (const bad of ['short', 'AAAA', Buffer.alloc(16).toString('base64'), `${aliceFile['selfEncryptionKey']} `]) {
      assert.throws(() => parseAtKeys(withField('selfEncryptionKey', bad), 'f'), corrupt('selfEncryptionKey'));
    }
    // another file's self key: the first aes* field fails its padding check
    assert.throws(() => parseAtKeys(withField('selfEncryptionKey', bobFile['selfEncryptionKey']), 'f'), corrupt('aesPkamPublicKey'));
  });

  test('mismatched pairs are KeyFileMismatchError naming the pair', () => {
    const mismatch = (pair: 'pkam' | 'encryption') => (error: unknown) =>
      error instanceof KeyFileMismatchError && error.code === 'ERR_ATAGENT_KEYFILE_MISMATCH' && error.pair === pair;
    assert.throws(() => parseAtKeys(withField('aesPkamPublicKey', aliceFile['aesEncryptPublicKey']), 'f'), mismatch('pkam'));
    assert.throws(() => parseAtKeys(withField('aesEncryptPublicKey', aliceFile['aesPkamPublicKey']), 'f'), mismatch('encryption'));
    assert.throws(() => parseAtKeys(withField('aesEncryptPrivateKey', aliceFile['aesPkamPrivateKey']), 'f'), mismatch('encryption'));
    // bob's encrypted public key re-wrapped under alice's self key: a valid key of the wrong pair
    const bobSelf = AesKey.fromBase64(bobFile['selfEncryptionKey'] as string);
    const aliceSelf = AesKey.fromBase64(aliceFile['selfEncryptionKey'] as string);
    const bobPkamPublic = aliceSelf.encryptText(bobSelf.decryptText(bobFile['aesPkamPublicKey'] as string));
    assert.throws(() => parseAtKeys(withField('aesPkamPublicKey', bobPkamPublic), 'f'), mismatch('pkam'));
  });

  test('APKAM fields: a bad apkamSymmetricKey or enrollmentId is named', () => {
    assert.throws(() => parseAtKeys(withField('apkamSymmetricKey', 'nope'), 'f'), corrupt('apkamSymmetricKey'));
    assert.throws(() => parseAtKeys(withField('apkamSymmetricKey', 12), 'f'), corrupt('apkamSymmetricKey'));
    assert.throws(() => parseAtKeys(withField('enrollmentId', 12), 'f'), corrupt('enrollmentId'));
    assert.throws(() => parseAtKeys(withField('enrollmentId', ''), 'f'), corrupt('enrollmentId'));
    const keys = parseAtKeys(JSON.stringify({ ...aliceFile, enrollmentId: null, apkamSymmetricKey: null }), 'f');
    assert.equal(keys.enrollmentId, undefined);
  });

  test('two atSign fields are ambiguous; none is fine; unknown fields are ignored', () => {
    assert.throws(() => parseAtKeys(withField('@mallory', aliceFile['selfEncryptionKey']), 'f'), corrupt('@mallory'));
    const anonymous = parseAtKeys(without('@alice🛠'), 'f');
    assert.equal(anonymous.atSign, undefined);
    assert.equal(parseAtKeys(withField('futureField', { any: 'thing' }), 'f').atSign, '@alice🛠');
  });

  test('a UTF-8 byte order mark is tolerated', () => {
    assert.equal(parseAtKeys(`\uFEFF${aliceText}`, 'f').atSign, '@alice🛠');
  });

  test('errors never quote characters of the (secret) decrypted key text', () => {
    const selfKey = AesKey.fromBase64(aliceFile['selfEncryptionKey'] as string);
    const damagedKeyText = selfKey.encryptText('MIIEv~secretpart~');
    assert.throws(() => parseAtKeys(withField('aesEncryptPrivateKey', damagedKeyText), 'f'), (error: unknown) => {
      assert.ok(corrupt('aesEncryptPrivateKey')(error));
      assert.ok(!(error as Error).message.includes('~'), (error as Error).message);
      return true;
    });
    assert.throws(() => parseAtKeys(withField('selfEncryptionKey', 'abc~defghijklmnopqrstuvwxyzabcdefghijklmnop='), 'f'), (error: unknown) => {
      assert.ok(!(error as Error).message.includes('~'), (error as Error).message);
      return true;
    });
  });

  test('errors carry the source name', () => {
    assert.throws(() => parseAtKeys('{}', '/keys/@x_key.atKeys'), (error: unknown) => {
      assert.ok(error instanceof KeyFileCorruptError);
      assert.equal(error.path, '/keys/@x_key.atKeys');
      assert.match(error.message, /\/keys\/@x_key\.atKeys/);
      return true;
    });
  });
});

describe('loadAtKeys and writeAtKeys on real files', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'atagent-atkeys-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function place(name: string, text: string, mode: number): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, text, { mode });
    await chmod(path, mode);
    return path;
  }

  test('loads a 0600 file', async () => {
    const path = await place('@alice🛠_key.atKeys', aliceText, 0o600);
    const keys = await loadAtKeys(path);
    assert.equal(keys.atSign, '@alice🛠');
    assert.deepEqual(keyStrings(keys), expectedFromDemoKeys('@alice🛠'));
  });

  for (const mode of [0o644, 0o640, 0o604, 0o660, 0o666, 0o610, 0o601, 0o777]) {
    test(`refuses mode ${mode.toString(8)} with a chmod 600 hint`, async () => {
      const path = await place(`mode-${mode.toString(8)}.atKeys`, aliceText, mode);
      await assert.rejects(loadAtKeys(path), (error: unknown) => {
        assert.ok(error instanceof KeyFilePermissionsError);
        assert.equal(error.code, 'ERR_ATAGENT_KEYFILE_PERMISSIONS');
        assert.equal(error.mode & 0o777, mode);
        assert.ok(error.message.includes(`chmod 600 ${path}`), error.message);
        return true;
      });
    });
  }

  test('0400 (read-only for the owner) is fine', async () => {
    const path = await place('readonly.atKeys', aliceText, 0o400);
    assert.equal((await loadAtKeys(path)).atSign, '@alice🛠');
  });

  test('a symlink is followed and the target\'s permissions are what count', async () => {
    const target = await place('target.atKeys', aliceText, 0o600);
    const link = join(dir, 'link.atKeys');
    await symlink(target, link);
    assert.equal((await loadAtKeys(link)).atSign, '@alice🛠');
    await chmod(target, 0o644);
    await assert.rejects(loadAtKeys(link), KeyFilePermissionsError);
  });

  test('a missing file is KeyFileNotFoundError', async () => {
    await assert.rejects(loadAtKeys(join(dir, 'nope.atKeys')), (error: unknown) =>
      error instanceof KeyFileNotFoundError && error.code === 'ERR_ATAGENT_KEYFILE_NOT_FOUND');
    await assert.rejects(loadAtKeys(join(dir, 'no-dir', 'nope.atKeys')), KeyFileNotFoundError);
  });

  test('a directory is KeyFileUnreadableError', async () => {
    const path = join(dir, 'a-directory.atKeys');
    await mkdir(path, { mode: 0o700 });
    await assert.rejects(loadAtKeys(path), (error: unknown) =>
      error instanceof KeyFileUnreadableError && error.code === 'ERR_ATAGENT_KEYFILE_UNREADABLE');
  });

  test('truncated, empty and oversized files on disk are corrupt', async () => {
    await assert.rejects(loadAtKeys(await place('truncated.atKeys', aliceText.slice(0, 1000), 0o600)), corrupt(undefined));
    await assert.rejects(loadAtKeys(await place('empty.atKeys', '', 0o600)), corrupt(undefined));
    await assert.rejects(loadAtKeys(await place('huge.atKeys', ' '.repeat(2 * 1024 * 1024), 0o600)), corrupt(undefined));
    await assert.rejects(loadAtKeys(await place('field.atKeys', without('aesEncryptPrivateKey'), 0o600)), corrupt('aesEncryptPrivateKey'));
  });

  test('writeAtKeys: mode 0600, legacy layout, reads back identically, no temp files left', async () => {
    const keys = parseAtKeys(aliceText, 'demo');
    const previousUmask = process.umask(0);
    let path = '';
    try {
      path = join(dir, 'written', 'deeper', '@alice🛠_key.atKeys');
      await writeAtKeys(path, keys);
    } finally {
      process.umask(previousUmask);
    }
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'written'))).mode & 0o777, 0o700);
    const text = await readFile(path, 'utf8');
    assert.equal(text, aliceText);
    assert.deepEqual(Object.keys(JSON.parse(text)), [
      'aesPkamPublicKey', 'aesPkamPrivateKey', 'aesEncryptPublicKey', 'aesEncryptPrivateKey', 'selfEncryptionKey', '@alice🛠',
    ]);
    assert.deepEqual(keyStrings(await loadAtKeys(path)), keyStrings(keys));
    assert.deepEqual(await readdir(join(dir, 'written', 'deeper')), ['@alice🛠_key.atKeys']);
  });

  test('writeAtKeys never replaces existing keys unless told to', async () => {
    const path = await place('existing.atKeys', aliceText, 0o600);
    const bobKeys = parseAtKeys(JSON.stringify(bobFile), 'bob');
    await assert.rejects(writeAtKeys(path, bobKeys), (error: unknown) =>
      error instanceof KeyFileExistsError && error.code === 'ERR_ATAGENT_KEYFILE_EXISTS');
    assert.equal(await readFile(path, 'utf8'), aliceText, 'the existing file is untouched');
    assert.ok(!(await readdir(dir)).some((name) => name.endsWith('.tmp')), 'no temp file left behind');
    await writeAtKeys(path, bobKeys, { overwrite: true });
    assert.equal((await loadAtKeys(path)).atSign, '@bob🛠');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
  });

  test('writeAtKeys with APKAM fields and without a PKAM private key or atSign', async () => {
    const base = parseAtKeys(aliceText, 'demo');
    const keys: AtKeys = {
      pkamPublicKey: base.pkamPublicKey,
      encryptionPublicKey: base.encryptionPublicKey,
      encryptionPrivateKey: base.encryptionPrivateKey,
      selfEncryptionKey: base.selfEncryptionKey,
      apkamSymmetricKey: AesKey.generate(),
      enrollmentId: 'c5a2b7a0-1d8e-4a5b-9b1e-2f3c4d5e6f70',
    };
    const path = join(dir, 'apkam.atKeys');
    await writeAtKeys(path, keys);
    const fields = JSON.parse(await readFile(path, 'utf8'));
    assert.deepEqual(Object.keys(fields), [
      'aesPkamPublicKey', 'aesEncryptPublicKey', 'aesEncryptPrivateKey', 'selfEncryptionKey', 'apkamSymmetricKey', 'enrollmentId',
    ]);
    const loaded = await loadAtKeys(path);
    assert.equal(loaded.atSign, undefined);
    assert.equal(loaded.pkamPrivateKey, undefined);
    assert.equal(loaded.enrollmentId, keys.enrollmentId);
    assert.ok(loaded.apkamSymmetricKey?.equals(keys.apkamSymmetricKey as AesKey));
  });

  test('writeAtKeys into a path whose directory is a file fails without leaving anything', async () => {
    const blocker = await place('blocker', 'x', 0o600);
    await assert.rejects(writeAtKeys(join(blocker, 'k.atKeys'), parseAtKeys(aliceText, 'demo')));
  });
});

describe('defaultAtKeysPath', () => {
  test('~/.atsign/keys/@<atSign>_key.atKeys, with or without the @', () => {
    assert.equal(defaultAtKeysPath('@alice', '/home/pi'), '/home/pi/.atsign/keys/@alice_key.atKeys');
    assert.equal(defaultAtKeysPath('alice🛠', '/home/pi'), '/home/pi/.atsign/keys/@alice🛠_key.atKeys');
    assert.match(defaultAtKeysPath('@bob'), /\.atsign\/keys\/@bob_key\.atKeys$/);
  });

  test('refuses atSigns that cannot be file names', () => {
    assert.throws(() => defaultAtKeysPath('@../../etc/passwd', '/home/pi'), RangeError);
    assert.throws(() => defaultAtKeysPath('@', '/home/pi'), RangeError);
    assert.throws(() => defaultAtKeysPath('', '/home/pi'), RangeError);
  });
});
