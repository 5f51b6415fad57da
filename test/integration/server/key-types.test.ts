/**
 * Every key of key_types.json written with `update:json` (which takes any fully-qualified
 * key) to the server of the key's owner: public, self, shared and reserved keys are stored
 * (a commit id answers), private, cached, local and invalid keys are AT0016 — by the
 * server's classification, which never requires a namespace.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { classifyKey, isValidAtSign, normalizeAtSign, normalizeStoredKey } from '../../../agent/src/protocol/index.js';
import { keyTypes } from '../../helpers/vectors.js';
import type { LineClient } from '../../helpers/line-client.js';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform.js';

const WRITABLE = new Set(['publicKey', 'selfKey', 'sharedKey', 'reservedKey']);
const DEFAULT_OWNER = '@keytypes';

function ownerOf(key: string): string {
  const match = /@([^@:]+)$/.exec(key);
  return match?.[1] !== undefined && isValidAtSign(match[1]) ? normalizeAtSign(match[1]) : DEFAULT_OWNER;
}

describe('key_types.json through update', () => {
  let env: TestPlatform;
  const cases = keyTypes().cases;

  before(async () => {
    const owners = [...new Set([DEFAULT_OWNER, ...cases.map((vector) => ownerOf(vector.key))])];
    env = await startTestPlatform(null, { atSigns: owners });
  });
  after(() => env.close());

  test('vectors without a mandatory namespace classify as the server classifies', () => {
    for (const vector of cases.filter((entry) => !entry.enforceNamespace)) {
      const type = classifyKey(normalizeStoredKey(vector.key));
      if (vector.expected.startsWith('!')) assert.notEqual(type, vector.expected.slice(1), vector.key);
      else assert.equal(type, vector.expected, vector.key);
    }
  });

  test('accepted or AT0016, per classification', async () => {
    const clients = new Map<string, LineClient>();
    for (const vector of cases) {
      const owner = ownerOf(vector.key);
      let client = clients.get(owner);
      if (client === undefined) {
        client = await env.cramClient(owner);
        clients.set(owner, client);
      }
      const type = classifyKey(normalizeStoredKey(vector.key));
      const reply = await client.send(`update:json:${JSON.stringify({ atKey: vector.key, value: 'v' })}`);
      if (WRITABLE.has(type)) assert.match(reply.line, /^data:-?\d+$/, `${vector.key} (${type}) → ${reply.line}`);
      else assert.match(reply.line, /^error:AT0016-/, `${vector.key} (${type}) → ${reply.line}`);
    }
  });
});
