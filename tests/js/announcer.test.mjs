// The card's one live region (static/announcer.js): a text is written only when it changes,
// and the quick view falls silent once Python speaks.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Announcer } from '../../static/announcer.js';
import { FakeDocument } from './fakes.mjs';

function region() {
  const element = new FakeDocument().createElement('p');
  let writes = 0;
  const announcer = new Announcer(new Proxy(element, {
    set(target, key, value) {
      if (key === 'textContent') writes += 1;
      return Reflect.set(target, key, value);
    },
  }));
  return { announcer, element, writes: () => writes };
}

test('the same words are not written again (a rewrite would be read again)', () => {
  const { announcer, element, writes } = region();
  announcer.say('Ringing');
  announcer.say('Ringing');
  announcer.say('');
  announcer.say(undefined);
  assert.equal(element.textContent, 'Ringing');
  assert.equal(writes(), 1);
  announcer.say('Talking');
  assert.equal(writes(), 2);
});

test('the quick view says its state and code until Python speaks, then nothing', () => {
  const { announcer, element } = region();
  announcer.fromQuickView('No connection', '486 · Busy');
  assert.equal(element.textContent, 'No connection. 486 · Busy');
  announcer.fromQuickView('Ringing', '');
  assert.equal(element.textContent, 'Ringing');
  announcer.fromEngine('Talking');
  announcer.fromQuickView('No connection', '');
  assert.equal(element.textContent, 'Talking');
});
