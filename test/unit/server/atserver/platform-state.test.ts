import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readPlatformState, writePlatformState } from '../../../../agent/src/server/atserver/platform-state.js';
import { tempDir } from '../../../helpers/temp-dir.js';

test('platform state: absent is empty, written is read back, a damaged file is refused naming it', (t) => {
  const dir = tempDir(t);
  assert.deepEqual(readPlatformState(dir), { atSigns: {} });
  const state = { rootPort: 64000, atSigns: { '@alice': { port: 64001, dir: 'alice' } } };
  writePlatformState(dir, state);
  assert.deepEqual(readPlatformState(dir), state);
  const file = path.join(dir, 'platform.json');
  for (const damaged of ['{"rootPort": 64000, "atSi', '[]', 'null']) {
    fs.writeFileSync(file, damaged);
    assert.throws(() => readPlatformState(dir), (error: Error) => error.message.startsWith(`${file} is not a platform state file`), damaged);
  }
});
