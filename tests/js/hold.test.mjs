// The page's hold on the portal's auto-close (static/hold.js): sent at bind, and let go by the
// page only when Python is not live SAFETY_MS after an end signal.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SAFETY_MS, createHold } from '../../static/hold.js';

/** A hold over a fake clock: `advance` runs the timers that fall due. */
function harness({ live = false } = {}) {
  const sent = [];
  const state = { live, now: 0, timers: [] };
  const hold = createHold({
    send: (name) => sent.push(name),
    isLive: () => state.live,
    setTimer: (run, ms) => {
      const timer = { run, at: state.now + ms, cleared: false };
      state.timers.push(timer);
      return timer;
    },
    clearTimer: (timer) => { timer.cleared = true; },
  });
  const advance = (ms) => {
    state.now += ms;
    for (const timer of state.timers.filter((t) => !t.cleared && t.at <= state.now)) {
      timer.cleared = true;
      timer.run();
    }
  };
  return { hold, sent, state, advance };
}

test('the hold is sent when the page binds, before any end', () => {
  const { hold, sent } = harness();
  hold.bound();
  assert.deepEqual(sent, ['disableAutoClose']);
});

test('no live Python 10 s after the end: the page lets go by itself, once', (t) => {
  t.mock.method(console, 'warn', () => {});
  const { hold, sent, advance } = harness();
  hold.bound();
  hold.ended();
  hold.ended(); // a BeforeClose after the idle: the same end
  advance(SAFETY_MS - 1);
  assert.deepEqual(sent, ['disableAutoClose']);
  advance(1);
  assert.deepEqual(sent, ['disableAutoClose', 'enableAutoClose']);
  assert.equal(hold.released, true);
  hold.ended();
  advance(SAFETY_MS);
  assert.deepEqual(sent, ['disableAutoClose', 'enableAutoClose']);
});

test('Python live in time: the page never lets go; Python decides', () => {
  const { hold, sent, state, advance } = harness();
  hold.bound();
  hold.ended();
  advance(SAFETY_MS / 2);
  state.live = true;
  hold.live();
  advance(SAFETY_MS);
  hold.ended();
  advance(SAFETY_MS);
  assert.deepEqual(sent, ['disableAutoClose']);
  assert.equal(hold.released, false);
});

test('Python live without having told the page yet: the page does not let go', () => {
  const { hold, sent, state, advance } = harness();
  hold.ended();
  state.live = true;
  advance(SAFETY_MS);
  assert.deepEqual(sent, []);
});
