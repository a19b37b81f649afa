// The worker's hand-over (static/engine.js) with a fake Pyodide whose every
// start-up phase the test holds open: no event is lost, reordered or held
// back once Python is live.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ENTRIES, createEngine } from '../../static/engine.js';
import { Outbox, gate } from './fakes.mjs';
import { ENGINE } from './rules.mjs';

const BOOT = {
  type: 'boot',
  entry: 'placement_app.card.app',
  boot: { pyodide: 'https://app.example/runtime/', wheels: ['w.whl'], appWheel: 'https://app.example/app.whl',
    engine: ENGINE },
  data: { storage: {} },
};

function event(kind, at) {
  return { type: 'event', kind, payload: JSON.stringify([kind]), at };
}

/** A Pyodide stand-in: loading and installing wait for the test; main() returns `forward`. */
function fakePython({ forward } = {}) {
  const python = {
    loading: gate(),
    installing: gate(),
    loads: [],
    installs: [],
    mains: [],
    delivered: [],
  };
  const runtime = {
    pyimport(name) {
      if (name === 'micropip') {
        return {
          install(wheel) {
            python.installs.push(wheel);
            return python.installing.promise;
          },
        };
      }
      return {
        main(data) {
          python.mains.push({ entry: name, data: JSON.parse(data) });
          return forward ?? ((kind, payload, at) => python.delivered.push({ kind, payload, at }));
        },
      };
    },
  };
  python.loadRuntime = (boot) => {
    python.loads.push(boot);
    return python.loading.promise.then(() => runtime);
  };
  return python;
}

function start(python) {
  const outbox = new Outbox();
  const receive = createEngine({ loadRuntime: python.loadRuntime, post: (message) => outbox.push(message) });
  const posted = (type, name) => outbox.until((items) => items.some((m) => m.type === type && (!name || m.name === name)));
  /** Python is up, or it said why not: then the test says so. */
  const live = async () => {
    const items = await outbox.until((seen) => seen.some((m) => m.type === 'live' || m.type === 'failed'));
    assert.deepEqual(items.at(-1), { type: 'live' });
  };
  return { receive, outbox, posted, live };
}

test('events that come before Python is live reach it once, in the order they were posted', async () => {
  const python = fakePython();
  const { receive, outbox, live } = start(python);
  receive(event('before-boot', 1));
  receive(BOOT);
  receive(event('while-loading', 2));
  python.loading.resolve();
  await outbox.until((items) => items.length > 0);
  assert.deepEqual(outbox.items, [{ type: 'mark', name: 'pyodide-ready' }]);
  receive(event('while-installing', 3));
  assert.deepEqual(python.delivered, []);
  python.installing.resolve();
  await live();
  assert.deepEqual(python.delivered.map((seen) => seen.kind), ['before-boot', 'while-loading', 'while-installing']);
  assert.deepEqual(python.delivered[0], { kind: 'before-boot', payload: '["before-boot"]', at: 1 });
  assert.deepEqual(outbox.items, [{ type: 'mark', name: 'pyodide-ready' }, { type: 'mark', name: 'wheel-installed' }, { type: 'live' }]);
  assert.deepEqual(python.loads, [BOOT.boot]);
  assert.deepEqual(python.installs, [BOOT.boot.appWheel]);
  assert.deepEqual(python.mains, [{ entry: 'placement_app.card.app', data: BOOT.data }]);
});

test('once Python is live an event goes straight through', async () => {
  const python = fakePython();
  const { receive, live } = start(python);
  receive(BOOT);
  python.loading.resolve();
  python.installing.resolve();
  await live();
  receive(event('after-live', 9));
  assert.deepEqual(python.delivered.map((seen) => seen.kind), ['after-live']);
});

test('a page without data starts Python with an empty object', async () => {
  const python = fakePython();
  const { receive, live } = start(python);
  receive({ ...BOOT, data: undefined });
  python.loading.resolve();
  python.installing.resolve();
  await live();
  assert.deepEqual(python.mains[0].data, {});
});

test('a second boot is ignored', async () => {
  const python = fakePython();
  const { receive, outbox, live } = start(python);
  receive(BOOT);
  receive({ ...BOOT, entry: 'placement_app.admin.settings_page' });
  python.loading.resolve();
  python.installing.resolve();
  await live();
  receive(BOOT);
  receive(event('after', 2));
  assert.equal(python.loads.length, 1);
  assert.deepEqual(python.mains.map((main) => main.entry), ['placement_app.card.app']);
  assert.equal(outbox.items.filter((message) => message.type === 'live').length, 1);
  assert.deepEqual(python.delivered.map((seen) => seen.kind), ['after']);
});

test('the pages the app has are the only entries', () => {
  assert.deepEqual([...ENTRIES].sort(), [
    'placement_app.admin.install_page',
    'placement_app.admin.report_page',
    'placement_app.admin.settings_page',
    'placement_app.card.app',
  ]);
});

test('an unknown entry fails without loading Python', async () => {
  const python = fakePython();
  python.loading.resolve();
  python.installing.resolve();
  const { receive, outbox } = start(python);
  receive({ ...BOOT, entry: 'placement_app.app' });
  await outbox.until((items) => items.length > 0);
  assert.deepEqual(outbox.items, [{ type: 'failed', reason: 'unknown page placement_app.app' }]);
  assert.deepEqual(python.loads, []);
});

test('Python that cannot load fails with the reason, and marks nothing', async () => {
  const python = fakePython();
  const { receive, outbox, posted } = start(python);
  receive(BOOT);
  python.loading.reject(new Error('no WebAssembly memory'));
  await posted('failed');
  assert.deepEqual(outbox.items, [{ type: 'failed', reason: 'no WebAssembly memory' }]);
});

test('a wheel that cannot be installed fails after Pyodide was ready', async () => {
  const python = fakePython();
  const { receive, outbox, posted } = start(python);
  receive(BOOT);
  python.loading.resolve();
  python.installing.reject('offline');
  await posted('failed');
  assert.deepEqual(outbox.items, [{ type: 'mark', name: 'pyodide-ready' }, { type: 'failed', reason: 'offline' }]);
});

test('an event Python does not take does not stop the next one', async (t) => {
  const errors = t.mock.method(console, 'error', () => {});
  const taken = [];
  const forward = (kind) => {
    if (kind === 'bad') throw new Error('handler failed');
    taken.push(kind);
  };
  const python = fakePython({ forward });
  const { receive, live } = start(python);
  receive(event('first', 1));
  receive(event('bad', 2));
  receive(event('second', 3));
  receive(BOOT);
  python.loading.resolve();
  python.installing.resolve();
  await live();
  receive(event('bad', 4));
  receive(event('third', 5));
  assert.deepEqual(taken, ['first', 'second', 'third']);
  assert.equal(errors.mock.callCount(), 2);
});
