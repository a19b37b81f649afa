// The journal (static/journal.js): the events Python has not confirmed saved, written the moment
// the page is hidden or goes, kept exact while hidden, removed once it is shown again.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createJournal } from '../../static/journal.js';

const KEY = 'call-timeline:v1:journal:page-1';

/** A storage that keeps what is written; `refuse` makes it throw as a full one does. */
function fakeStorage() {
  const items = new Map();
  return {
    items,
    refuse: false,
    setItem(key, value) {
      if (this.refuse) throw new Error('QuotaExceededError');
      items.set(key, value);
    },
    removeItem(key) { items.delete(key); },
  };
}

/** An event target that keeps its listeners, for the test to fire. */
function target() {
  const listeners = new Map();
  return {
    addEventListener(type, listener) { listeners.set(type, listener); },
    fire(type, event = {}) { listeners.get(type)(event); },
  };
}

function harness() {
  const storage = fakeStorage();
  const page = { hidden: false };
  const journal = createJournal({ storage, key: KEY, page: 'page-1', isHidden: () => page.hidden, now: () => 5000 });
  const document = target();
  const window = target();
  journal.watch(document, window);
  const hide = () => { page.hidden = true; document.fire('visibilitychange'); };
  const show = () => { page.hidden = false; document.fire('visibilitychange'); };
  const written = () => (storage.items.has(KEY) ? JSON.parse(storage.items.get(KEY)) : null);
  return { storage, journal, window, hide, show, written };
}

/** One event as the page hands it to Python, its secrets hidden. */
const event = (seq, kind = 'CallCard::CallStateChanged', callId = null) => (
  { kind, kept: `["e${seq}"]`, at: 1000 + seq, seq, callId });

test('nothing is written while the page is shown; hidden, every unconfirmed event is, in its format', () => {
  const { journal, hide, written } = harness();
  journal.add(event(1, 'app:opened', 'call-7'));
  journal.add(event(2));
  assert.equal(written(), null);
  hide();
  assert.deepEqual(written(), {
    version: 1, call_id: 'call-7', page: 'page-1', written: 5000,
    events: [['app:opened', '["e1"]', 1001], ['CallCard::CallStateChanged', '["e2"]', 1002]],
  });
});

test('while hidden the journal follows every event and every confirmation; shown, it goes', () => {
  const { journal, hide, show, written } = harness();
  journal.add(event(1, 'app:opened', 'call-7'));
  hide();
  journal.add(event(2));
  journal.add(event(3));
  assert.deepEqual(written().events.map(([, payload]) => payload), ['["e1"]', '["e2"]', '["e3"]']);
  journal.confirmed(2);
  assert.deepEqual(written().events.map(([, payload]) => payload), ['["e3"]']);
  journal.confirmed(3);
  assert.equal(written(), null);  // nothing unconfirmed: no journal
  journal.add(event(4));
  assert.ok(written());
  show();
  assert.equal(written(), null);
});

test('a page that goes writes it (pagehide); one back from the cache removes it (pageshow)', () => {
  const { journal, window, written } = harness();
  journal.add(event(1, 'app:opened', 'call-7'));
  window.fire('pagehide');
  assert.equal(written().events.length, 1);
  window.fire('pageshow', { persisted: false });
  assert.ok(written());
  window.fire('pageshow', { persisted: true });
  assert.equal(written(), null);
});

test('no call named yet, no journal; the first call named owns it', () => {
  const { journal, hide, written } = harness();
  journal.add(event(1));
  hide();
  assert.equal(written(), null);
  journal.add(event(2, 'app:opened', 'call-7'));
  journal.add(event(3, 'app:opened', 'call-8'));
  assert.equal(written().call_id, 'call-7');
});

test('at most `max` events are kept, the oldest going first', () => {
  const storage = fakeStorage();
  const journal = createJournal({ storage, key: KEY, page: 'p', isHidden: () => true, max: 3 });
  for (let seq = 1; seq <= 5; seq++) journal.add(event(seq, 'app:opened', 'call-7'));
  assert.deepEqual(JSON.parse(storage.items.get(KEY)).events.map(([, , at]) => at), [1003, 1004, 1005]);
});

test('a storage that refuses costs the journal only, said in the console', (t) => {
  const warn = t.mock.method(console, 'warn', () => {});
  const { storage, journal, hide, written } = harness();
  storage.refuse = true;
  journal.add(event(1, 'app:opened', 'call-7'));
  hide();
  assert.equal(written(), null);
  assert.equal(warn.mock.callCount(), 1);
  const none = createJournal({ storage: null, key: KEY, page: 'p', isHidden: () => true });
  none.add(event(1, 'app:opened', 'call-7'));
  none.keep();
  none.drop();
});
