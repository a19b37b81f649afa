// The quick view's rules (static/fallback.js) against the table of cases
// that tests/unit/test_quick_view_rules.py holds the Python model to.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { clip, normaliseFailedCode, preview, readCallState } from '../../static/fallback.js';

const TABLE = JSON.parse(readFileSync(new URL('../cases/quick_view_rules.json', import.meta.url), 'utf8'));

for (const { case: name, text, limit, expected } of TABLE.clip) {
  test(`clip: ${name}`, () => {
    assert.equal(clip(text, limit), expected);
  });
}

for (const { case: name, value, limit, expected } of TABLE.preview) {
  test(`preview: ${name}`, () => {
    assert.equal(preview(value, limit), expected);
  });
}

for (const { case: name, value, expected } of TABLE.failed_code) {
  test(`failed code: ${name}`, () => {
    assert.equal(normaliseFailedCode(value), expected);
    // Both wire forms of a state change carry it the same way.
    assert.deepEqual(readCallState([['idle', { failedCode: value }]]), { state: 'idle', code: expected });
    assert.deepEqual(readCallState(['idle', { failedCode: value }]), { state: 'idle', code: expected });
  });
}

test('clip cuts at 64 characters unless told otherwise', () => {
  assert.equal(clip('x'.repeat(65)), `${'x'.repeat(63)}…`);
  assert.equal(clip(486), '486');
});

test('a state change without a code, or with params that are not an object, has no code', () => {
  assert.deepEqual(readCallState(['connecting']), { state: 'connecting', code: null });
  assert.deepEqual(readCallState([['idle']]), { state: 'idle', code: null });
  assert.deepEqual(readCallState([['idle', {}]]), { state: 'idle', code: null });
  assert.deepEqual(readCallState([['idle', ['486']]]), { state: 'idle', code: null });
  assert.deepEqual(readCallState([['idle', '486']]), { state: 'idle', code: null });
  assert.deepEqual(readCallState([['idle', Object.create({ failedCode: '486' })]]), { state: 'idle', code: null });
});

test('anything but a known state is not a state change', () => {
  for (const args of [[], [[]], ['ringing'], [['IDLE']], [486], [null], [{ state: 'idle' }], [['<b>idle</b>']]]) {
    assert.equal(readCallState(args), null, JSON.stringify(args));
  }
});
