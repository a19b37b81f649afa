// What Python asks the page to keep (static/storage.js): only under the app's prefix.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createPageStorage } from '../../static/storage.js';
import { PROTOCOL } from './fakes.mjs';

const PREFIX = PROTOCOL.log.storagePrefix;

/** A Web Storage over a Map; `refuse` makes every use throw, as a disabled one does. */
function webStorage(entries = {}) {
  const items = new Map(Object.entries(entries));
  const fail = () => { if (store.refuse) throw new Error('SecurityError'); };
  const store = {
    items,
    refuse: false,
    setItem(key, value) { fail(); items.set(key, value); },
    removeItem(key) { fail(); items.delete(key); },
  };
  return store;
}

test('Python\'s writes are applied under the app\'s prefix, and nowhere else', () => {
  const storage = webStorage({ 'other-app': 'theirs' });
  const page = createPageStorage(storage, PREFIX);
  page.apply({ op: 'set', key: `${PREFIX}shown:7`, value: 'v1' });
  page.apply({ op: 'set', key: 'other-app', value: 'overwritten' });
  page.apply({ op: 'remove', key: 'other-app' });
  page.apply({ op: 'drop', key: `${PREFIX}shown:7` });
  assert.deepEqual(Object.fromEntries(storage.items), { 'other-app': 'theirs', [`${PREFIX}shown:7`]: 'v1' });
  page.apply({ op: 'remove', key: `${PREFIX}shown:7` });
  assert.equal(storage.items.has(`${PREFIX}shown:7`), false);
});

test('a refused storage costs a warning, never the card', (t) => {
  const warn = t.mock.method(console, 'warn', () => {});
  const storage = webStorage();
  storage.refuse = true;
  createPageStorage(storage, PREFIX).apply({ op: 'set', key: `${PREFIX}shown:7`, value: 'v2' });
  assert.equal(warn.mock.callCount(), 1);
  createPageStorage(null, PREFIX).apply({ op: 'set', key: `${PREFIX}shown:7`, value: 'v2' });
  assert.equal(warn.mock.callCount(), 1);
});
