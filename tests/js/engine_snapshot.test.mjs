// How the worker starts Pyodide (static/engine.js siteRuntime): from the
// build's snapshot, the app already imported, and else the normal way, by
// itself, whatever went wrong with the snapshot.  The runtime is a fake
// that answers as Pyodide does; the browser test of both paths is
// tests/e2e/test_start_paths.py.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createEngine, siteRuntime } from '../../static/engine.js';
import { Outbox } from './fakes.mjs';
import { ENGINE } from './rules.mjs';

const KEY = '314.0.7-0123456789abcdef';
const SNAPSHOT = { url: 'https://app.example/snapshots/x.snapshot', key: KEY, pyodide: '314.0.7' };
const BOOT = {
  pyodide: 'https://app.example/pyodide/314.0.7/',
  wheels: ['https://app.example/wheels/micropip.whl'],
  appWheel: 'https://app.example/wheels/app/placement_app.whl',
  snapshot: SNAPSHOT,
  engine: ENGINE,
};
const BYTES = new Uint8Array([1, 2, 3]);

/** What the app's check of a restored runtime (placement_app/browser/restored.py) says, by `restore`. */
const REFUSED_BY_PYTHON = {
  stranger: `it is 314.0.7-fedcba9876543210, not ${KEY}`,
  'no-stdlib': 'the standard library did not load',
};

/**
 * A Pyodide module stand-in.  `restore` says what a restore does: 'ok', 'throws'
 * (bytes that are not a snapshot), 'stranger' (a snapshot of another build) or
 * 'no-stdlib'.  Every loadPyodide call, every fetch, every warning and every
 * check of a restored runtime (the key it was asked for) is recorded.
 */
function fakeSite({ restore = 'ok', version = '314.0.7', download = async () => BYTES } = {}) {
  const seen = { imports: [], loads: [], fetches: [], warnings: [], checked: [], installs: [] };
  const runtime = (fromSnapshot) => ({
    pyimport(name) {
      if (name === 'micropip') return { install: async (wheel) => seen.installs.push(wheel) };
      if (name === 'placement_app.browser.restored' && fromSnapshot) {
        return {
          after_restore(key) {
            seen.checked.push(key);
            return REFUSED_BY_PYTHON[restore];
          },
        };
      }
      return { main: () => () => {} };
    },
  });
  const module = {
    version,
    async loadPyodide(options) {
      const snapshot = options._loadSnapshot ? await options._loadSnapshot : undefined;
      seen.loads.push({ ...options, _loadSnapshot: snapshot });
      if (snapshot && restore === 'throws') throw new Error('RuntimeError: memory access out of bounds');
      return runtime(Boolean(snapshot));
    },
  };
  const loadRuntime = siteRuntime({
    importRuntime: async (url) => {
      seen.imports.push(url);
      return module;
    },
    fetchBytes: (url) => {
      seen.fetches.push(url);
      return download(url);
    },
    warn: (message) => seen.warnings.push(message),
  });
  return { seen, loadRuntime };
}

test('with a snapshot the runtime is restored from it, the app already imported, once Python accepts it', async () => {
  const { seen, loadRuntime } = fakeSite();
  const runtime = await loadRuntime(BOOT);
  assert.equal(runtime.appInstalled, true);
  assert.deepEqual(seen.fetches, [SNAPSHOT.url]);
  assert.deepEqual(seen.imports, ['https://app.example/pyodide/314.0.7/pyodide.mjs']);
  assert.equal(seen.loads.length, 1);
  assert.deepEqual(seen.loads[0]._loadSnapshot, BYTES);
  assert.equal(seen.loads[0].packages, undefined, 'micropip is not loaded: the app is in the snapshot');
  // Python checks it is the snapshot the page names (and reseeds random: tests/unit/test_restored.py).
  assert.deepEqual(seen.checked, [KEY]);
  assert.deepEqual(seen.warnings, []);
});

test('without a snapshot nothing is fetched and Pyodide starts with micropip', async () => {
  const { seen, loadRuntime } = fakeSite();
  const runtime = await loadRuntime({ ...BOOT, snapshot: undefined });
  assert.equal(runtime.appInstalled, undefined);
  assert.equal(runtime.snapshotRefused, undefined);
  assert.deepEqual(seen.fetches, []);
  assert.deepEqual(seen.loads.map((options) => options.packages), [BOOT.wheels]);
  assert.deepEqual(seen.warnings, []);
});

const REFUSALS = [
  ['is missing on the server', { download: async () => { throw new Error('HTTP 404'); } }, /HTTP 404/],
  ['was made for another Pyodide', { version: '315.0.0' }, /made for Pyodide 314\.0\.7, not 315\.0\.0/],
  ['does not restore', { restore: 'throws' }, /memory access out of bounds/],
  ['belongs to another build of the app', { restore: 'stranger' }, /not 314\.0\.7-0123456789abcdef/],
  ['restores without the standard library', { restore: 'no-stdlib' }, /standard library/],
];

for (const [why, fake, reason] of REFUSALS) {
  test(`a snapshot that ${why} is set aside and the card starts the normal way`, async () => {
    const { seen, loadRuntime } = fakeSite(fake);
    const runtime = await loadRuntime(BOOT);
    assert.equal(runtime.appInstalled, undefined);
    assert.match(runtime.snapshotRefused, reason);
    assert.deepEqual(seen.loads.at(-1).packages, BOOT.wheels);
    assert.equal(seen.loads.at(-1)._loadSnapshot, undefined);
    assert.equal(seen.warnings.length, 1);
    assert.match(seen.warnings[0], reason);
  });
}

test('the engine marks the path it took, and installs the wheel only on the normal one', async () => {
  for (const [fake, marks, installs] of [
    [{}, ['from-snapshot', 'pyodide-ready', 'wheel-installed'], []],
    [{ restore: 'throws' }, ['snapshot-refused', 'pyodide-ready', 'wheel-installed'], [BOOT.appWheel]],
  ]) {
    const { seen, loadRuntime } = fakeSite(fake);
    const outbox = new Outbox();
    const receive = createEngine({ loadRuntime, post: (message) => outbox.push(message) });
    receive({ type: 'boot', entry: 'placement_app.card.app', boot: BOOT, data: {} });
    const items = await outbox.until((posted) => posted.some((m) => m.type === 'live' || m.type === 'failed'));
    assert.deepEqual(items.at(-1), { type: 'live' });
    assert.deepEqual(items.filter((m) => m.type === 'mark').map((m) => m.name), marks);
    assert.deepEqual(seen.installs, installs);
  }
});
