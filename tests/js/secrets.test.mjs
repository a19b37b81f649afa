// The rule that hides the portal's secrets (static/secrets.js), with the keys the page is handed
// in the pages' protocol, against the cases tests/unit/test_secret_keys.py holds Python's redact to.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { createRedactor } from '../../static/secrets.js';
import { PROTOCOL } from './fakes.mjs';

const TABLE = JSON.parse(readFileSync(new URL('./redaction_cases.json', import.meta.url), 'utf8'));
const { redact, redactText } = createRedactor(PROTOCOL.secrets);
const HIDDEN = PROTOCOL.secrets.hidden;

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

test('the keys, the words for a hidden value and the depth are the ones handed over', () => {
  const own = createRedactor({ keys: ['PIN'], hidden: '***', maxDepth: 1, inText: '(pin\\s*[:=]\\s*)\\w*' });
  assert.deepEqual(own.redact({ pin: 1, auth: 'tok', deep: [[1]] }), { pin: '***', auth: 'tok', deep: ['***'] });
  assert.equal(own.redactText('pin=1234&auth=tok'), 'pin=***&auth=tok');
  assert.throws(() => createRedactor({ keys: [], hidden: '***', maxDepth: 1, inText: '' }), /no secret keys/);
});

test('a token echoed in a text no key names is hidden too, wherever the value holds it', () => {
  const hide = createRedactor(PROTOCOL.secrets).redact;
  const hidden = PROTOCOL.secrets.hidden;
  const token = 'SECRETauth0123456789';
  const echoed = hide([{ AUTH_ID: token, PLACEMENT_OPTIONS: `{not json, CALL_ID: ${token}`, list: [`x${token}y`] }]);
  assert.deepEqual(echoed, [{ AUTH_ID: hidden, PLACEMENT_OPTIONS: `{not json, CALL_ID: ${hidden}`, list: [`x${hidden}y`] }]);
  assert.deepEqual(hide({ AUTH_ID: 'short', note: 'short story' }), { AUTH_ID: hidden, note: 'short story' });
});
