// The app's share of the page's storage (static/storage.js): copied for the worker at start-up,
// Python's writes applied, only under the app's prefix.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { STORAGE_PREFIX, createPageStorage } from '../../static/storage.js';

/** A Web Storage over a Map; `refuse` makes every use throw, as a disabled one does. */
function webStorage(entries = {}) {
  const items = new Map(Object.entries(entries));
  const fail = () => { if (store.refuse) throw new Error('SecurityError'); };
  const store = {
    items,
    refuse: false,
    get length() { fail(); return items.size; },
    key(index) { fail(); return [...items.keys()][index] ?? null; },
    getItem(key) { fail(); return items.get(key) ?? null; },
    setItem(key, value) { fail(); items.set(key, value); },
    removeItem(key) { fail(); items.delete(key); },
  };
  return store;
}

test('the worker gets the app\'s keys only', () => {
  const storage = webStorage({ [`${STORAGE_PREFIX}call:7`]: 'saved', 'other-app': 'theirs' });
  assert.deepEqual(createPageStorage(storage).snapshot(), { [`${STORAGE_PREFIX}call:7`]: 'saved' });
});

test('Python\'s writes are applied under the app\'s prefix, and nowhere else', () => {
  const storage = webStorage({ 'other-app': 'theirs' });
  const page = createPageStorage(storage);
  page.apply({ op: 'set', key: `${STORAGE_PREFIX}call:7`, value: 'v1' });
  page.apply({ op: 'set', key: 'other-app', value: 'overwritten' });
  page.apply({ op: 'remove', key: 'other-app' });
  page.apply({ op: 'drop', key: `${STORAGE_PREFIX}call:7` });
  assert.deepEqual(Object.fromEntries(storage.items), { 'other-app': 'theirs', [`${STORAGE_PREFIX}call:7`]: 'v1' });
  page.apply({ op: 'remove', key: `${STORAGE_PREFIX}call:7` });
  assert.equal(storage.items.has(`${STORAGE_PREFIX}call:7`), false);
});

test('a refused storage costs the saved copy only', (t) => {
  const warn = t.mock.method(console, 'warn', () => {});
  const storage = webStorage({ [`${STORAGE_PREFIX}call:7`]: 'saved' });
  storage.refuse = true;
  const page = createPageStorage(storage);
  assert.equal(page.snapshot(), null);
  page.apply({ op: 'set', key: `${STORAGE_PREFIX}call:7`, value: 'v2' });
  assert.equal(warn.mock.callCount(), 2);
  assert.equal(createPageStorage(null).snapshot(), null);
});
