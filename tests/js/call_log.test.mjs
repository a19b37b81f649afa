// The call's event log (static/call-log.js): every event kept at once, nothing lost, bounded.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createCallLog } from '../../static/call-log.js';
import { PROTOCOL } from './fakes.mjs';

/** localStorage's semantics, with a quota in characters. */
class FakeStorage {
  constructor(quota = Infinity) {
    this.items = new Map();
    this.quota = quota;
  }

  get length() { return this.items.size; }

  key(index) { return [...this.items.keys()][index] ?? null; }

  getItem(key) { return this.items.get(key) ?? null; }

  setItem(key, value) {
    let size = key.length + value.length;
    for (const [other, text] of this.items) if (other !== key) size += other.length + text.length;
    if (size > this.quota) throw Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
    this.items.set(key, String(value));
  }

  removeItem(key) { this.items.delete(key); }
}

const { prefix: PREFIX, keep: KEEP, version: VERSION } = PROTOCOL.log;
const OPENED = 'app:opened';

function log(store, { page = 'p1', maxEvents = 100, maxChars = 100_000, maxCalls = 3, clock = { now: 0 },
  warnings = [] } = {}) {
  return createCallLog({ storage: () => store, prefix: PREFIX, page, keep: KEEP, version: VERSION, maxEvents, maxChars, maxCalls,
    now: () => clock.now, warn: (message) => warnings.push(message) });
}

/** The log of `id` as the next page hands it to Python (whole, read back from storage). */
const kept = (store, id) => JSON.parse(log(store, { page: 'reader' }).all()[id] ?? 'null');
/** The calls whose logs storage holds. */
const logged = (store) => Object.keys(log(store, { page: 'reader' }).all()).sort();

test('each event is in storage the moment it arrives, once the call is known', () => {
  const store = new FakeStorage();
  const calls = log(store);
  calls.add('CallCard::CallStateChanged', '["connecting"]', 5);
  assert.equal(store.length, 0);  // no call yet: kept in memory
  calls.add(OPENED, '[{"CALL_ID":"c1"}]', 6);
  calls.call('c1');
  assert.deepEqual(kept(store, 'c1').events, [
    ['CallCard::CallStateChanged', '["connecting"]', 5, 'p1'], [OPENED, '[{"CALL_ID":"c1"}]', 6, 'p1']]);
  calls.add('CallCard::CallStateChanged', '["idle"]', 9);
  assert.deepEqual(kept(store, 'c1').events.at(-1), ['CallCard::CallStateChanged', '["idle"]', 9, 'p1']);
  assert.equal(kept(store, 'c1').version, VERSION);
});

test('the next page of the call goes on with the same log', () => {
  const store = new FakeStorage();
  const first = log(store, { page: 'p1' });
  first.call('c1');
  first.add('CallCard::CallStateChanged', '["connecting"]', 1);
  const second = log(store, { page: 'p2' });
  assert.deepEqual(Object.keys(second.all()), ['c1']);
  second.call('c1');
  second.add('CallCard::CallStateChanged', '["connected"]', 2);
  assert.deepEqual(kept(store, 'c1').events.map(([, , at, page]) => [at, page]), [[1, 'p1'], [2, 'p2']]);
  second.call('c2');  // a page shows one call
  assert.deepEqual(logged(store), ['c1']);
});

test('a flood keeps the newest events and the init data, and counts what went', () => {
  const store = new FakeStorage();
  const calls = log(store, { maxEvents: 5 });
  calls.call('c1');
  calls.add(OPENED, '[{}]', 0);
  for (let at = 1; at <= 10; at += 1) calls.add('CallCard::CallStateChanged', '["connecting"]', at);
  const { events, dropped } = kept(store, 'c1');
  assert.deepEqual(events.map(([kind, , at]) => [kind, at]),
    [[OPENED, 0], ...[7, 8, 9, 10].map((at) => ['CallCard::CallStateChanged', at])]);
  assert.equal(dropped, 6);
});

test('storage keeps the last calls; a full storage forgets the oldest first', () => {
  const store = new FakeStorage();
  const clock = { now: 0 };
  for (const id of ['a', 'b', 'c', 'd']) {
    clock.now += 1;
    const calls = log(store, { clock });
    calls.call(id);
    calls.add(OPENED, '[{}]', clock.now);
  }
  assert.deepEqual(logged(store), ['b', 'c', 'd']);
  const tight = new FakeStorage(400);
  for (const id of ['a', 'b', 'c']) {
    clock.now += 1;
    const calls = log(tight, { clock });
    calls.call(id);
    calls.add(OPENED, JSON.stringify(['x'.repeat(80)]), clock.now);
  }
  assert.ok(logged(tight).includes('c'), 'the current call is kept');
  assert.ok(!logged(tight).includes('a'), 'the oldest went first');
});

test('a storage that refuses everything costs the card nothing but a warning', () => {
  const warnings = [];
  const refusing = { get length() { throw new Error('SecurityError'); }, key() { throw new Error('SecurityError'); },
    getItem() { throw new Error('SecurityError'); }, setItem() { throw new Error('SecurityError'); }, removeItem() {} };
  const calls = log(refusing, { warnings });
  calls.call('c1');
  calls.add(OPENED, '[{}]', 1);
  assert.deepEqual(calls.all(), {});
  assert.ok(warnings.length >= 1 && warnings.every((text) => text.startsWith('Call Timeline:')), warnings.join('\n'));
});

test('a flood of large payloads keeps the newest within the characters allowed, and counts the rest', () => {
  const store = new FakeStorage();
  const calls = log(store, { maxChars: 2_000 });
  calls.call('c1');
  calls.add(OPENED, '[{}]', 0);
  for (let at = 1; at <= 20; at += 1) calls.add('CallCard::CallStateChanged', JSON.stringify(['x'.repeat(300)]), at);
  const { events, dropped } = kept(store, 'c1');
  assert.equal(events[0][0], OPENED);
  assert.ok(JSON.stringify(events).length <= 2_000 + 50, 'within the bound');
  assert.equal(events.at(-1)[2], 20);
  assert.equal(dropped, 20 - (events.length - 1));
});

test('a storage that refuses the log even alone is asked no more, and warned of once', () => {
  const warnings = [];
  const tiny = new FakeStorage(10);
  const calls = log(tiny, { warnings });
  calls.call('c1');
  for (let at = 1; at <= 5; at += 1) calls.add('CallCard::CallStateChanged', '["connecting"]', at);
  assert.equal(warnings.length, 1);
});

test('a long call writes one part of its log and the head per event, never the whole log', () => {
  const store = new FakeStorage();
  const written = [];
  const setItem = store.setItem.bind(store);
  store.setItem = (key, value) => { written.push(value.length); setItem(key, value); };
  const calls = log(store, { maxEvents: 2000, maxChars: 1_000_000 });
  calls.call('c1');
  for (let at = 1; at <= 1000; at += 1) calls.add('CallCard::CallStateChanged', '["connecting"]', at);
  assert.equal(kept(store, 'c1').events.length, 1000);
  assert.ok(Math.max(...written.slice(-10)) < 5_000, `the last writes were ${written.slice(-10)} characters`);
});

test('large payloads are written in small parts: one more event never writes fifty of them', () => {
  const store = new FakeStorage();
  const written = [];
  const setItem = store.setItem.bind(store);
  store.setItem = (key, value) => { written.push(value.length); setItem(key, value); };
  const calls = log(store, { maxEvents: 2000, maxChars: 1_000_000 });
  calls.call('c1');
  for (let at = 1; at <= 100; at += 1) calls.add('CallCard::CallStateChanged', JSON.stringify(['x'.repeat(5_000)]), at);
  const { events } = kept(store, 'c1');
  assert.deepEqual(events.map((event) => event[2]), Array.from({ length: 100 }, (_, index) => index + 1));
  assert.ok(Math.max(...written) < 25_000, `the largest write was ${Math.max(...written)} characters`);
});
