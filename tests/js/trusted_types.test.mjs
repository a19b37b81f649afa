// The site's one Trusted Types policy (static/python.js): created once, under
// the name the Content-Security-Policy allows, and it lets through no script
// URL but the site's own engine.js.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { POLICY_NAME, engineUrl } from '../../static/python.js';

const ENGINE = new URL('../../static/engine.js', import.meta.url).href;

test('without Trusted Types the worker URL is the plain URL', () => {
  assert.equal(engineUrl(), ENGINE);
});

test('with Trusted Types the worker URL comes from the one policy, which refuses any other script', () => {
  const policies = [];
  globalThis.trustedTypes = {
    createPolicy(name, rules) {
      policies.push({ name, rules });
      return { createScriptURL: (url) => ({ trusted: rules.createScriptURL(url) }) };
    },
  };
  try {
    assert.deepEqual(engineUrl(), { trusted: ENGINE });
    assert.deepEqual(engineUrl(), { trusted: ENGINE });
    assert.equal(policies.length, 1);
    assert.equal(policies[0].name, POLICY_NAME);
    assert.equal(POLICY_NAME, 'call-timeline');
    for (const url of ['https://evil.example/engine.js', `${ENGINE}?x`, 'data:text/javascript,1', '']) {
      assert.throws(() => policies[0].rules.createScriptURL(url), TypeError, url);
    }
    assert.equal(Object.keys(policies[0].rules).join(), 'createScriptURL');
  } finally {
    delete globalThis.trustedTypes;
  }
});
