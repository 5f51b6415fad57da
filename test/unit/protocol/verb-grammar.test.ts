/** The verb grammar data against verb_syntax.json: 30 sources and 110 cases. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { matchVerb, VERB_GRAMMAR, verbRegex, type VerbGrammarName } from '../../../agent/src/protocol/index.js';
import { verbSyntax } from '../../helpers/vectors.js';

const vectors = verbSyntax();

describe('VERB_GRAMMAR', () => {
  test('holds the 30 upstream regexes verbatim', () => {
    assert.equal(Object.keys(VERB_GRAMMAR).length, 30);
    assert.deepEqual({ ...VERB_GRAMMAR }, vectors.regexes);
  });

  test('compiles case-insensitive, non-unicode', () => {
    const regex = verbRegex('pol');
    assert.equal(regex.flags, 'i');
    assert.equal(matchVerb('pol', 'POL') !== null, true);
  });
});

describe('matchVerb: verb_syntax.json', () => {
  assert.equal(vectors.cases.length, 110);
  for (const { regex, command, matches, groups } of vectors.cases) {
    test(`${regex}: ${command.slice(0, 90)}`, () => {
      const actual = matchVerb(regex as VerbGrammarName, command);
      if (!matches) {
        assert.equal(actual, null);
        return;
      }
      assert.deepEqual(actual, groups);
    });
  }
});
