/** Metadata: command options (canonical order out, any order in) and the JSON forms. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  formatAtDate,
  formatMetadataOptions,
  IllegalArgumentError,
  InvalidSyntaxError,
  JAVA_SDK_UNKNOWN_METADATA_FIELDS,
  METADATA_OPTIONS,
  metadataFromJson,
  metadataToJson,
  parseAtDate,
  parseMetadataJson,
  parseMetadataOptions,
  scanMetadataOptions,
  UnexpectedResponseError,
  type Metadata,
  type MetadataOptions,
} from '../../../agent/src/protocol/index.js';

const illegalArgument = (error: unknown) => error instanceof IllegalArgumentError && error.code === 'AT0022';
const invalidSyntax = (error: unknown) => error instanceof InvalidSyntaxError && error.code === 'AT0003';

describe('formatMetadataOptions', () => {
  test('writes the canonical order whatever the object order', () => {
    const metadata: MetadataOptions = {
      skeEncAlgo: 'rsa',
      ivNonce: 'AAEC',
      isEncrypted: true,
      ttl: 3000,
      pubKeyCS: 'ab12',
      sharedKeyEnc: 'QUJD',
      ttr: -1,
      ccd: true,
      isBinary: false,
      dataSignature: 'c2ln',
      ttb: 0,
      encoding: 'base64',
      encKeyName: 'k',
      encAlgo: 'AES',
      skeEncKeyName: 's',
      sharedKeyStatus: 'ok',
    };
    assert.equal(
      formatMetadataOptions(metadata),
      ':ttl:3000:ttb:0:ttr:-1:ccd:true:dataSignature:c2ln:sharedKeyStatus:ok:isBinary:false:isEncrypted:true' +
        ':sharedKeyEnc:QUJD:pubKeyCS:ab12:encoding:base64:encKeyName:k:encAlgo:AES:ivNonce:AAEC:skeEncKeyName:s:skeEncAlgo:rsa',
    );
  });

  test('writes nothing for no metadata and skips server-maintained fields', () => {
    assert.equal(formatMetadataOptions(undefined), '');
    assert.equal(formatMetadataOptions({}), '');
    const withServerFields: Metadata = { createdBy: '@alice', version: 3, createdAt: new Date(0), isEncrypted: false };
    assert.equal(formatMetadataOptions(withServerFields), ':isEncrypted:false');
  });

  test('the literal null clears a string option', () => {
    assert.equal(formatMetadataOptions({ dataSignature: 'null' }), ':dataSignature:null');
  });

  test('refuses values the grammar cannot carry', () => {
    for (const bad of [
      { ivNonce: 'a:b' },
      { ivNonce: 'a@b' },
      { ivNonce: 'a b' },
      { ivNonce: '' },
      { ttl: -1 },
      { ttb: 1.5 },
      { ttr: -2 },
      { ttl: Number.MAX_SAFE_INTEGER + 2 },
      { ccd: 'true' as unknown as boolean },
      { ttl: '5' as unknown as number },
    ] as MetadataOptions[]) {
      assert.throws(() => formatMetadataOptions(bad), illegalArgument, JSON.stringify(bad));
    }
  });
});

describe('reading command options', () => {
  test('scanMetadataOptions takes any order and stops at the key', () => {
    const scanned = scanMetadataOptions(':sharedKeyEnc:QUJD:pubKeyCS:ab:isBinary:false:isEncrypted:true:ttln:5000:@bob:k@alice v', ['ttln']);
    assert.deepEqual(scanned.metadata, { sharedKeyEnc: 'QUJD', pubKeyCS: 'ab', isBinary: false, isEncrypted: true });
    assert.deepEqual(scanned.extras, { ttln: '5000' });
    assert.equal(scanned.rest, ':@bob:k@alice v');
  });

  test('option names and booleans are case-insensitive', () => {
    assert.deepEqual(parseMetadataOptions(':ISENCRYPTED:TRUE:TTL:5'), { isEncrypted: true, ttl: 5 });
  });

  test('a repeated option is an error', () => {
    assert.throws(() => parseMetadataOptions(':ttl:5:ttl:6'), invalidSyntax);
  });

  test('leftover text is an error', () => {
    assert.throws(() => parseMetadataOptions(':ttl:5:bogus:1'), invalidSyntax);
    assert.throws(() => parseMetadataOptions(':ttl:abc'), invalidSyntax);
    assert.throws(() => parseMetadataOptions(':ttl:99999999999999999999'), invalidSyntax);
  });

  test('a value that runs into a key is not an option', () => {
    assert.equal(scanMetadataOptions(':ccd:true@alice v').rest, ':ccd:true@alice v');
  });
});

const base64ish = fc.stringMatching(/^[A-Za-z0-9+/=]{1,24}$/);
const metadataOptions: fc.Arbitrary<MetadataOptions> = fc.record(
  {
    ttl: fc.integer({ min: 0, max: 2 ** 40 }),
    ttb: fc.integer({ min: 0, max: 2 ** 40 }),
    ttr: fc.integer({ min: -1, max: 2 ** 40 }),
    ccd: fc.boolean(),
    dataSignature: base64ish,
    sharedKeyStatus: base64ish,
    isBinary: fc.boolean(),
    isEncrypted: fc.boolean(),
    sharedKeyEnc: base64ish,
    pubKeyCS: fc.stringMatching(/^[0-9a-f]{32}$/),
    encoding: fc.constant('base64'),
    encKeyName: base64ish,
    encAlgo: base64ish,
    ivNonce: base64ish,
    skeEncKeyName: base64ish,
    skeEncAlgo: base64ish,
  },
  { requiredKeys: [], noNullPrototype: true },
);

describe('option round trips', () => {
  test('options → parse → options is the identity', () => {
    fc.assert(
      fc.property(metadataOptions, (metadata) => {
        const text = formatMetadataOptions(metadata);
        const parsed = parseMetadataOptions(text);
        assert.deepEqual(parsed, metadata);
        assert.equal(formatMetadataOptions(parsed), text);
      }),
      { numRuns: 300 },
    );
  });

  test('shuffled options parse to the same metadata', () => {
    fc.assert(
      fc.property(metadataOptions, fc.integer(), (metadata, seed) => {
        const pieces = formatMetadataOptions(metadata)
          .split(/(?=:(?:ttl|ttb|ttr|ccd|dataSignature|sharedKeyStatus|isBinary|isEncrypted|sharedKeyEnc|pubKeyCS|encoding|encKeyName|encAlgo|ivNonce|skeEncKeyName|skeEncAlgo):)/)
          .filter((piece) => piece !== '');
        const shuffled = pieces
          .map((piece, index) => ({ piece, order: Math.sin(seed + index) }))
          .sort((a, b) => a.order - b.order)
          .map(({ piece }) => piece)
          .join('');
        assert.deepEqual(parseMetadataOptions(shuffled), metadata);
      }),
      { numRuns: 200 },
    );
  });

  test('the option table is the grammar order of protocol.md §5.1', () => {
    assert.deepEqual(
      METADATA_OPTIONS.map((o) => o.name),
      ['ttl', 'ttb', 'ttr', 'ccd', 'dataSignature', 'sharedKeyStatus', 'isBinary', 'isEncrypted', 'sharedKeyEnc', 'pubKeyCS', 'encoding', 'encKeyName', 'encAlgo', 'ivNonce', 'skeEncKeyName', 'skeEncAlgo'],
    );
  });
});

describe('dates', () => {
  test('format as Dart toString in UTC with milliseconds', () => {
    assert.equal(formatAtDate(new Date(Date.UTC(2024, 9, 24, 1, 35, 2, 123))), '2024-10-24 01:35:02.123Z');
    assert.equal(formatAtDate(new Date(Date.UTC(2024, 0, 1, 0, 0, 0, 5))), '2024-01-01 00:00:00.005Z');
  });

  test('parse the wire form, ISO-8601, microseconds and offsets', () => {
    const expected = Date.UTC(2024, 9, 24, 1, 35, 2, 123);
    assert.equal(parseAtDate('2024-10-24 01:35:02.123Z')?.getTime(), expected);
    assert.equal(parseAtDate('2024-10-24T01:35:02.123Z')?.getTime(), expected);
    assert.equal(parseAtDate('2024-10-24 01:35:02.123456Z')?.getTime(), expected);
    assert.equal(parseAtDate('2024-10-24T03:35:02.123+02:00')?.getTime(), expected);
    assert.equal(parseAtDate('2024-10-24 01:35:02Z')?.getTime(), Date.UTC(2024, 9, 24, 1, 35, 2));
  });

  test('refuse text that is not a date', () => {
    for (const bad of ['null', '', 'yesterday', '2024-02-31 00:00:00.000Z', '2024-13-01 00:00:00.000Z', '2024-10-24 25:00:00Z']) {
      assert.equal(parseAtDate(bad), undefined, bad);
    }
  });

  test('round-trip any millisecond instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253402300799999 }), (ms) => {
        assert.equal(parseAtDate(formatAtDate(new Date(ms)))?.getTime(), ms);
      }),
    );
  });
});

const REFERENCE_JSON =
  '{"createdBy":"@alice","updatedBy":"@alice","createdAt":"2024-10-24 01:35:02.123Z","updatedAt":"2024-10-24 01:35:02.123Z",' +
  '"availableAt":"2024-10-24 01:35:04.123Z","expiresAt":"2024-10-24 01:35:07.123Z","refreshAt":"2024-10-25 01:35:02.123Z",' +
  '"status":"active","version":0,"ttl":3000,"ttb":2000,"ttr":86400,"ccd":false,"isBinary":false,"isEncrypted":true,' +
  '"dataSignature":"c2ln","sharedKeyEnc":"U0tF","pubKeyCS":"5d52","encoding":"base64","encKeyName":"k","encAlgo":"AES",' +
  '"ivNonce":"SVY=","skeEncKeyName":"s","skeEncAlgo":"RSA"}';

describe('metadata JSON', () => {
  test('the reference JSON reads into the model and writes back identically', () => {
    const metadata = parseMetadataJson(REFERENCE_JSON);
    assert.equal(metadata.ttl, 3000);
    assert.equal(metadata.ccd, false);
    assert.equal(metadata.createdAt?.getTime(), Date.UTC(2024, 9, 24, 1, 35, 2, 123));
    assert.equal(JSON.stringify(metadataToJson(metadata)), REFERENCE_JSON);
  });

  test('unset fields are left out, never written as null', () => {
    const json = metadataToJson({ createdBy: '@alice', version: 1, isEncrypted: false });
    assert.deepEqual(json, { createdBy: '@alice', version: 1, isEncrypted: false });
    assert.equal(JSON.stringify(json).includes('null'), false);
    for (const field of JAVA_SDK_UNKNOWN_METADATA_FIELDS) assert.equal(field in json, false);
  });

  test('reads nulls, "null" strings, string numbers and the isCascade alias', () => {
    const metadata = metadataFromJson({
      createdBy: '@alice',
      expiresAt: 'null',
      availableAt: null,
      ivNonce: null,
      version: '2',
      ttr: '-1',
      isCascade: true,
      isEncrypted: 'true',
      unknownField: { anything: 1 },
    });
    assert.deepEqual(metadata, { createdBy: '@alice', version: 2, ttr: -1, ccd: true, isEncrypted: true });
  });

  test('sync entries write every value as a string', () => {
    const json = metadataToJson(
      { createdBy: '@alice', createdAt: new Date(Date.UTC(2024, 9, 24)), version: 0, isBinary: false, ttr: -1 },
      { allStrings: true },
    );
    assert.deepEqual(json, { createdBy: '@alice', createdAt: '2024-10-24 00:00:00.000Z', version: '0', ttr: '-1', isBinary: 'false' });
    assert.deepEqual(metadataFromJson(json), {
      createdBy: '@alice',
      createdAt: new Date(Date.UTC(2024, 9, 24)),
      version: 0,
      ttr: -1,
      isBinary: false,
    });
  });

  test('Java SDK flags are read and written', () => {
    const metadata = metadataFromJson({ isPublic: true, isHidden: false, isCached: false, namespaceAware: true, sharedKeyStatus: 'x' });
    assert.deepEqual(metadataFromJson(metadataToJson(metadata)), metadata);
  });

  test('wrong types are UnexpectedResponseError', () => {
    const unexpected = (error: unknown) => error instanceof UnexpectedResponseError;
    assert.throws(() => metadataFromJson({ ttl: 'soon' }), unexpected);
    assert.throws(() => metadataFromJson({ isEncrypted: 1 }), unexpected);
    assert.throws(() => metadataFromJson({ createdAt: 'yesterday' }), unexpected);
    assert.throws(() => metadataFromJson({ ivNonce: 5 }), unexpected);
    assert.throws(() => metadataFromJson([1]), unexpected);
    assert.throws(() => metadataFromJson(null), unexpected);
    assert.throws(() => parseMetadataJson('{'), unexpected);
  });

  test('JSON → model → JSON is stable for any metadata', () => {
    const date = fc.integer({ min: 0, max: 253402300799999 }).map((ms) => new Date(ms));
    const full: fc.Arbitrary<Metadata> = fc.record(
      {
        createdBy: fc.constantFrom('@alice', '@bob🛠'),
        createdAt: date,
        updatedAt: date,
        expiresAt: date,
        status: fc.constant('active'),
        version: fc.nat(),
        ttl: fc.nat(),
        ccd: fc.boolean(),
        isEncrypted: fc.boolean(),
        ivNonce: base64ish,
        sharedKeyEnc: base64ish,
      },
      { requiredKeys: [], noNullPrototype: true },
    );
    fc.assert(
      fc.property(full, fc.boolean(), (metadata, allStrings) => {
        const json = metadataToJson(metadata, { allStrings });
        const back = metadataFromJson(JSON.parse(JSON.stringify(json)));
        assert.deepEqual(back, metadata);
        assert.deepEqual(metadataToJson(back, { allStrings }), json);
      }),
      { numRuns: 200 },
    );
  });
});
