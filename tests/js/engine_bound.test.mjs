// The worker's wait for Python is bounded (static/engine.js): past Python's bound
// the oldest events go, the page hears how many at once, and Python hears it
// first of all, as an event of its own; nothing crashes, and what is kept
// keeps its order and its numbers.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createEngine } from '../../static/engine.js';
import { Outbox, gate } from './fakes.mjs';
import { ENGINE } from './rules.mjs';

const { dropped: EVENTS_DROPPED, queueBound: MAX_QUEUE } = ENGINE;

/** The page's first message, with the engine's rules (a bound of its own for a test, if given). */
function boot(queueBound = MAX_QUEUE) {
  return {
    type: 'boot',
    entry: 'placement_app.card.app',
    boot: { pyodide: 'https://app.example/runtime/', wheels: [], appWheel: 'https://app.example/app.whl',
      engine: { ...ENGINE, queueBound } },
    data: {},
  };
}

function event(index) {
  return { type: 'event', kind: 'CallCard::CallStateChanged', payload: `["e${index}"]`, at: 1000 + index };
}

/** An engine whose Python starts when the test says; what Python was handed, in order. */
function engine(maxQueue) {
  const loading = gate();
  const delivered = [];
  const runtime = {
    pyimport(name) {
      if (name === 'micropip') return { install: () => Promise.resolve() };
      return { main: () => (kind, payload, at) => delivered.push({ kind, payload, at }) };
    },
  };
  const outbox = new Outbox();
  const receive = createEngine({
    loadRuntime: () => loading.promise.then(() => runtime),
    post: (message) => outbox.push(message),
  });
  const live = () => outbox.until((items) => items.some((message) => message.type === 'live'));
  return { receive: (message) => receive(message === BOOT ? boot(maxQueue) : message), outbox, delivered,
    start: () => loading.resolve(), live };
}

const BOOT = Symbol('the boot message, with the test\'s bound');

test('the wait holds 2,000 events', () => {
  assert.equal(MAX_QUEUE, 2000);  // Python's bound (browser.protocol.QUEUE_BOUND), as exported
});

test('past the bound the oldest events go, and Python hears how many before the rest', async () => {
  const { receive, outbox, delivered, start, live } = engine(5);
  receive(BOOT);
  for (let index = 1; index <= 8; index += 1) receive(event(index));
  start();
  await live();
  assert.deepEqual(delivered[0], { kind: EVENTS_DROPPED, payload: '[3]', at: 1003 });
  assert.deepEqual(delivered.slice(1).map(({ payload }) => payload), ['["e4"]', '["e5"]', '["e6"]', '["e7"]', '["e8"]']);
  await outbox.until((items) => items.some((message) => message.type === 'dropped'));
  assert.deepEqual(outbox.items.filter((message) => message.type === 'dropped'), [{ type: 'dropped', count: 3 }]);
});

test('the page hears once per burst, with the count so far', async () => {
  const { receive, outbox } = engine(2);
  receive(BOOT);
  for (let index = 1; index <= 10; index += 1) receive(event(index));
  await outbox.until((items) => items.some((message) => message.type === 'dropped'));
  for (let index = 11; index <= 13; index += 1) receive(event(index));
  await outbox.until((items) => items.filter((message) => message.type === 'dropped').length === 2);
  assert.deepEqual(outbox.items.filter((message) => message.type === 'dropped'),
    [{ type: 'dropped', count: 8 }, { type: 'dropped', count: 11 }]);
});

test('a flood far past the bound keeps memory bounded and the newest events', async () => {
  const { receive, delivered, start, live } = engine();
  receive(BOOT);
  for (let index = 1; index <= 50_000; index += 1) receive(event(index));
  start();
  await live();
  assert.equal(delivered.length, MAX_QUEUE + 1);
  assert.deepEqual(delivered[0], { kind: EVENTS_DROPPED, payload: '[48000]', at: 49_000 });
  assert.equal(delivered[1].payload, '["e48001"]');
  assert.equal(delivered.at(-1).payload, '["e50000"]');
});

test('within the bound nothing is dropped and nothing is said', async () => {
  const { receive, outbox, delivered, start, live } = engine(3);
  receive(BOOT);
  for (let index = 1; index <= 3; index += 1) receive(event(index));
  start();
  await live();
  assert.deepEqual(delivered.map(({ payload }) => payload), ['["e1"]', '["e2"]', '["e3"]']);
  assert.equal(outbox.items.some((message) => message.type === 'dropped'), false);
});

test('the data the page was opened with is never dropped', async () => {
  const { receive, delivered, start, live } = engine(3);
  receive(BOOT);
  receive({ type: 'event', kind: 'app:opened', payload: '[{"LANG": "en"}]', at: 999 });
  for (let index = 1; index <= 5; index += 1) receive(event(index));
  start();
  await live();
  assert.deepEqual(delivered.map(({ kind, at }) => [kind, at]),
    [[EVENTS_DROPPED, 1003], ['app:opened', 999], ['CallCard::CallStateChanged', 1004], ['CallCard::CallStateChanged', 1005]]);
  assert.equal(delivered[0].payload, '[3]');
});

const OPENED = [
  { type: 'event', kind: 'app:opened', payload: '[{"LANG": "en"}]', at: 998 },
  { type: 'event', kind: 'page:opened', payload: '[{}]', at: 999 },
];

test('never-drop data past the bound stays, and nothing is said dropped', async () => {
  const { receive, outbox, delivered, start, live } = engine(1);
  receive(BOOT);
  for (const message of OPENED) receive(message);
  start();
  await live();
  assert.deepEqual(delivered.map(({ kind }) => kind), ['app:opened', 'page:opened']);
  assert.equal(outbox.items.some((message) => message.type === 'dropped'), false);
});

test('when never-drop data fills the bound, the events that come after it go instead', async () => {
  const { receive, outbox, delivered, start, live } = engine(1);
  receive(BOOT);
  for (const message of OPENED) receive(message);
  for (let index = 1; index <= 3; index += 1) receive(event(index));
  await outbox.until((items) => items.some((message) => message.type === 'dropped'));
  start();
  await live();
  assert.deepEqual(delivered.map(({ kind, payload, at }) => [kind, payload, at]), [
    [EVENTS_DROPPED, '[3]', 1003], ['app:opened', '[{"LANG": "en"}]', 998], ['page:opened', '[{}]', 999]]);
  assert.deepEqual(outbox.items.filter((message) => message.type === 'dropped'), [{ type: 'dropped', count: 3 }]);
});
