/** The AT error table and error helpers. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AT_ERROR_DESCRIPTIONS,
  AtProtocolError,
  AtServerError,
  closesConnection,
  describeAtError,
  hasAtErrorCode,
  IllegalArgumentError,
  InvalidAtKeyError,
  InvalidSyntaxError,
  isApkamEnrollmentError,
  isAtProtocolError,
  isAtSignNotFound,
  isInvalidKey,
  isInvalidSyntax,
  isKeyNotFound,
  isUnauthenticated,
  isUnauthorized,
} from '../../../agent/src/protocol/index.js';

describe('AT error codes', () => {
  test('the table of server.md §11', () => {
    assert.equal(Object.keys(AT_ERROR_DESCRIPTIONS).length, 28);
    assert.equal(describeAtError('AT0015'), 'key not found');
    assert.equal(describeAtError('AT0009'), 'UnAuthorized client in request');
    assert.equal(describeAtError('AT0401'), 'Client authentication failed');
    assert.equal(describeAtError('AT9999'), undefined);
    assert.equal(describeAtError('toString'), undefined);
  });

  test('which codes close the connection', () => {
    for (const code of ['AT0002', 'AT0005', 'AT0012', 'AT0013', 'AT0024']) assert.equal(closesConnection(code), true, code);
    for (const code of ['AT0003', 'AT0015', 'AT0401']) assert.equal(closesConnection(code), false, code);
  });

  test('error classes carry their code and detail', () => {
    const syntax = new InvalidSyntaxError('invalid command');
    assert.equal(syntax.code, 'AT0003');
    assert.equal(syntax.detail, 'invalid command');
    assert.equal(syntax.message, 'AT0003: invalid command');
    assert.equal(syntax.name, 'InvalidSyntaxError');
    assert.ok(syntax instanceof AtProtocolError);
    assert.equal(new InvalidAtKeyError('x').code, 'AT0016');
    assert.equal(new IllegalArgumentError('x').code, 'AT0022');
  });

  test('helpers match on the code, whatever the class', () => {
    const notFound = new AtServerError('AT0015', 'phone@alice does not exist in keystore', 'legacy', 'key not found : phone@alice does not exist in keystore');
    assert.ok(isKeyNotFound(notFound));
    assert.ok(isAtProtocolError(notFound));
    assert.ok(hasAtErrorCode(notFound, 'AT0015'));
    assert.ok(isInvalidSyntax(new InvalidSyntaxError('x')));
    assert.ok(isInvalidKey(new InvalidAtKeyError('x')));
    assert.ok(isUnauthenticated(new AtServerError('AT0401', 'x', 'legacy', 'x')));
    assert.ok(isUnauthorized(new AtServerError('AT0009', 'x', 'legacy', 'x')));
    assert.ok(isAtSignNotFound(new AtServerError('AT0007', 'x', 'legacy', 'x')));
    assert.ok(isApkamEnrollmentError(new AtServerError('AT0026', 'x', 'response-level', 'x')));
    assert.equal(isKeyNotFound(new Error('AT0015')), false);
    assert.equal(isKeyNotFound(undefined), false);
  });
});
