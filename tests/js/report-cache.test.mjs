// The failure report's record cache (static/report-cache.js): rows by owner, `known` only as
// written, and a browser that refuses IndexedDB costs a warning and a full load, never the page.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createCache } from '../../static/report-cache.js';

/** Keys as IndexedDB orders them here: [owner, id] arrays, compared part by part. */
const compare = (a, b) => {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    if (a[i] < b[i]) return -1;
    if (a[i] > b[i]) return 1;
  }
  return 0;
};

/** An idb database over Maps, with the calls the cache makes; `refuse` makes opening fail. */
function fakeIdb({ refuse = false } = {}) {
  const stores = new Map();
  const database = {
    createObjectStore(name) { stores.set(name, new Map()); },
    async getAll(name, range) {
      return [...stores.get(name).entries()]
        .filter(([key]) => compare(key, range.lower) >= 0 && compare(key, range.upper) <= 0)
        .sort(([a], [b]) => compare(a, b)).map(([, value]) => value);
    },
    async get(name, key) { return stores.get(name).get(key); },
    async put(name, value, key) { stores.get(name).set(key, value); },
    async delete(name, range) {
      for (const key of [...stores.get(name).keys()]) {
        if (compare(key, range.lower) >= 0 && compare(key, range.upper) <= 0) stores.get(name).delete(key);
      }
    },
  };
  let opened = 0;
  const openDB = async (name, version, { upgrade }) => {
    opened += 1;
    if (refuse) throw Object.assign(new Error('no'), { name: 'SecurityError' });
    if (!stores.size) upgrade(database);
    return database;
  };
  return { openDB, stores, opens: () => opened };
}

const bound = (lower, upper) => ({ lower, upper });

test('an owner reads back only its own rows, and `known` only once a load said it was complete', async () => {
  const idb = fakeIdb();
  const cache = createCache({ openDB: idb.openDB, bound });
  cache.storeRows('portal|1', [[11, ['row 11']], [12, ['row 12']]]);
  cache.storeRows('portal|2', [[13, ['row of another user']]]);
  assert.deepEqual(await cache.rowsOf('portal|1'), { known: 0, rows: [['row 11'], ['row 12']], kept: true });
  await cache.complete('portal|1', 12);
  assert.deepEqual(await cache.rowsOf('portal|1'), { known: 12, rows: [['row 11'], ['row 12']], kept: true });
  assert.deepEqual(await cache.rowsOf('portal|2'), { known: 0, rows: [['row of another user']], kept: true });
  assert.equal(idb.opens(), 1, 'the database is opened once');
});

test('`complete` is written after the rows asked for before it; a page is one record', async () => {
  const idb = fakeIdb();
  const cache = createCache({ openDB: idb.openDB, bound });
  cache.storeRows('p|1', [[1, ['a']], [3, ['c']], [2, ['b']]]);
  const done = cache.complete('p|1', 3);
  assert.equal(idb.stores.size, 0, 'nothing is written before the database is open');
  await done;
  assert.deepEqual([...idb.stores.get('rows')], [[['p|1', 3], [['a'], ['c'], ['b']]]]);
  assert.deepEqual(idb.stores.get('meta').get('p|1'), { known: 3 });
});

test('a row without a record ID is not kept', async () => {
  const idb = fakeIdb();
  const cache = createCache({ openDB: idb.openDB, bound });
  await cache.storeRows('p|1', [['x', ['a']], [2, ['b']], 'not a pair']);
  assert.deepEqual((await cache.rowsOf('p|1')).rows, [['b']]);
});

test('a browser that refuses IndexedDB gets an empty cache and a warning, never an error', async () => {
  const warnings = [];
  const cache = createCache({ openDB: fakeIdb({ refuse: true }).openDB, bound, warn: (text) => warnings.push(text) });
  await cache.storeRows('p|1', [[1, ['a']]]);
  await cache.complete('p|1', 1);
  assert.deepEqual(await cache.rowsOf('p|1'), { known: 0, rows: [], kept: false });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /SecurityError/);
});

test('the owner last asked for on a portal is remembered, for the next opening to read ahead', async () => {
  const idb = fakeIdb();
  const cache = createCache({ openDB: idb.openDB, bound });
  assert.equal(await cache.lastOwner('portal.example'), null);
  await cache.remember('portal.example', 'm1|7');
  assert.equal(await cache.lastOwner('portal.example'), 'm1|7');
  assert.equal(await cache.lastOwner('other.example'), null);
  assert.equal(await createCache({ openDB: fakeIdb({ refuse: true }).openDB, bound, warn: () => {} })
    .lastOwner('portal.example'), null);
});

test('prune forgets only the owner\'s pages whose records are all below the cut, after the writes before it', async () => {
  const idb = fakeIdb();
  const cache = createCache({ openDB: idb.openDB, bound });
  cache.storeRows('p|1', [[1, ['old 1']], [2, ['old 2']]]);
  cache.storeRows('p|1', [[3, ['old 3']], [5, ['new 5']]]); // straddles the cut: kept whole
  cache.storeRows('p|1', [[7, ['new 7']]]);
  cache.storeRows('p|2', [[1, ['another user, old']]]);
  await cache.prune('p|1', 5); // IDs below 5 go; the page whose highest is 5 stays
  assert.deepEqual((await cache.rowsOf('p|1')).rows, [['old 3'], ['new 5'], ['new 7']]);
  assert.deepEqual((await cache.rowsOf('p|2')).rows, [['another user, old']]);
  await cache.prune('p|1', Number.NaN); // not a cut: nothing happens
  assert.equal((await cache.rowsOf('p|1')).rows.length, 3);
});
