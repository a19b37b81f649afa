// The rule that hides the portal's secrets (static/secrets.js) against the
// cases tests/unit/test_secret_keys.py holds Python's redact to.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { HIDDEN, redact, redactText } from '../../static/secrets.js';

const TABLE = JSON.parse(readFileSync(new URL('./redaction_cases.json', import.meta.url), 'utf8'));

for (const { case: name, value, expected } of TABLE.cases) {
  test(`redact: ${name}`, () => {
    assert.deepEqual(redact(value), expected);
  });
}

test('a text with a secret after its key hides the value, whatever the quoting', () => {
  assert.equal(redactText('{"AUTH_ID": "tok", "x": 1}'), `{"AUTH_ID": "${HIDDEN}", "x": 1}`);
  assert.equal(redactText("{'refresh_id':'tok'}"), `{'refresh_id':'${HIDDEN}'}`);
  assert.equal(redactText('auth=tok;x=1'), `auth=${HIDDEN};x=1`);
  assert.equal(redactText('{\\"member_id\\":\\"tok\\"}'), `{\\"member_id\\":\\"${HIDDEN}\\"}`);
});

test('an object with __proto__ as a key stays an own key, and hides nothing it should not', () => {
  const value = JSON.parse('{"__proto__": {"auth": "tok"}, "failedCode": "486"}');
  const hidden = redact(value);
  assert.equal(JSON.stringify(hidden), `{"__proto__":{"auth":"${HIDDEN}"},"failedCode":"486"}`);
  assert.equal(Object.getPrototypeOf(hidden), Object.prototype);
});
