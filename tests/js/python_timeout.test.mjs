// How long a page lets Python start before it says it runs without it
// (static/python.js pythonTimeout): `?python_timeout=<ms>` in the page's URL,
// 1 s to 5 min, and anything else is ignored for the default, 45 s.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { pythonTimeout } from '../../static/python.js';

const DEFAULT_MS = 45_000;

test('a limit in the URL from 1 s to 5 min is taken', () => {
  for (const [value, ms] of [['3000', 3_000], ['1000', 1_000], ['300000', 300_000]]) {
    assert.equal(pythonTimeout(`?python_timeout=${value}`), ms, value);
  }
});

test('a bad limit in the URL is ignored for the default', () => {
  for (const value of ['abc', '0', '999999999', '-5', '1e9', '999', '300001', '', ' 3000', '3000.5']) {
    assert.equal(pythonTimeout(`?python_timeout=${value}`), DEFAULT_MS, value);
  }
  assert.equal(pythonTimeout(''), DEFAULT_MS);
  assert.equal(pythonTimeout('?other=3000'), DEFAULT_MS);
});

test("by default the limit is read from the page's own URL", () => {
  globalThis.location = /** @type {Location} */ ({ search: '?lang=ru&python_timeout=2500' });
  try {
    assert.equal(pythonTimeout(), 2_500);
  } finally {
    delete globalThis.location;
  }
});
