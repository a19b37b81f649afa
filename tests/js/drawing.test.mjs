// What the card shows (static/drawing.js): the quick view while Python starts, Python's drawing
// once it is live, the marks of start-up, and the frame fitted to the card, once per height.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { DomPatcher } from '../../static/dom-ops.js';
import { createDrawing } from '../../static/drawing.js';
import { BARE, readCallState } from '../../static/quick-view.js';
import { FakeDocument, FakePortal } from './fakes.mjs';

/** A quick view that records what it was told, in order. */
function fakeQuickView() {
  const told = [];
  const view = new Proxy({}, { get: (_, name) => (...args) => told.push([name, ...args]) });
  return { view, told };
}

function harness({ portal = new FakePortal() } = {}) {
  const document = new FakeDocument();
  const timeline = document.createElement('section');
  const { view, told } = fakeQuickView();
  const said = [];
  const supported = [];
  const marks = [];
  const root = { dataset: {} };
  const card = { height: 300.2, words: { state: 'Ringing', code: '' } };
  const drawing = createDrawing({
    quickView: view,
    readCallState: (args) => readCallState(BARE, args),
    quickWords: () => card.words,
    patcher: new DomPatcher(timeline, document),
    announcer: { say: () => {}, fromEngine: (text) => said.push(['python', text]), fromQuickView: (state, code) => said.push(['quick', state, code]) },
    support: { update: (text, words) => supported.push([text, words]) },
    root,
    marks: { mark: (name) => marks.push(name), getEntriesByName: (name) => marks.filter((mark) => mark === name) },
    portal,
    height: () => card.height,
  });
  return { drawing, told, said, supported, marks, root, card, portal, timeline };
}

/** One of the card's events as call-events.js hands it on (secrets already hidden). */
const event = (kind, args, at, opened = null) => ({ kind, args, at, payload: '', kept: '', callId: null, opened });

test('a call state is drawn in the quick view at once, said, and marked the first time', () => {
  const { drawing, told, said, marks } = harness();
  drawing.event(event('CallCard::CallStateChanged', [['idle', { failedCode: '486' }]], 1000));
  drawing.event(event('CallCard::CallStateChanged', ['connecting'], 2000));
  drawing.event(event('CallCard::CallStateChanged', ['ringing?'], 3000));
  drawing.event(event('CallCard::EntityChanged', [{}], 4000));
  assert.deepEqual(told, [['callState', 'idle', '486', 1000], ['callState', 'connecting', null, 2000]]);
  assert.deepEqual(said, [['quick', 'Ringing', ''], ['quick', 'Ringing', '']]);
  assert.deepEqual(marks, ['call-timeline:first-state']);
});

test('the init data reaches the quick view; its state is the first state', () => {
  const { drawing, told, marks } = harness();
  const opened = { lang: 'de', state: 'connecting', callId: 'call-7' };
  drawing.event(event('app:opened', [{}], 1000, opened));
  assert.deepEqual(told, [['opened', opened, 1000]]);
  assert.deepEqual(marks, ['call-timeline:first-state']);
});

test('init data after a call event leaves the first state to that event', () => {
  const { drawing, marks } = harness();
  drawing.event(event('CallCard::BeforeClose', [], 500));
  drawing.event(event('app:opened', [{}], 1000, { lang: 'en', state: 'idle', callId: null }));
  assert.deepEqual(marks, []);
});

test('Python\'s drawing is applied; one that cannot be read brings the quick view back', (t) => {
  t.mock.method(console, 'error', () => {});
  const { drawing, told, timeline } = harness();
  drawing.draw(JSON.stringify([['c', 1, 'p'], ['t', 1, 'Talking'], ['a', 0, 1]]));
  assert.equal(timeline.textContent, 'Talking');
  drawing.draw('{"not": "a list"}');
  drawing.draw('not json');
  assert.deepEqual(told, [['drawingLost'], ['drawingLost']]);
});

test('the marks of start-up: the quick view\'s steps, and how Python started', () => {
  const { drawing, told, marks, root } = harness();
  drawing.loading();
  drawing.mark('pyodide-ready');
  assert.equal(root.dataset.start, 'normal');
  const snapshot = harness();
  snapshot.drawing.mark('from-snapshot');
  snapshot.drawing.mark('pyodide-ready');
  assert.equal(snapshot.root.dataset.start, 'snapshot');
  drawing.mark('wheel-installed');
  drawing.live();
  assert.deepEqual(told, [['say', 'loading'], ['step', 0, 3], ['step', 1, 3], ['step', 2, 3], ['step', 3, 3],
    ['handOver']]);
  assert.deepEqual(marks, ['call-timeline:pyodide-ready', 'call-timeline:wheel-installed', 'call-timeline:python-live']);
  assert.equal(root.dataset.engine, 'python');
});

test('the frame is fitted once Python asked and is live, then on each new height only', () => {
  const { drawing, card, portal } = harness();
  drawing.fitRequested();
  drawing.fit();
  assert.deepEqual(portal.calls, []);  // both views are on the page until Python is live
  drawing.live();
  assert.deepEqual(portal.calls.map(({ command, params }) => [command, params]),
    [['resizeWindow', { width: '100%', height: 301 }]]);
  drawing.fit();
  card.height = 301;
  drawing.fit();
  card.height = 420;
  drawing.fit();
  assert.deepEqual(portal.calls.map(({ params }) => params.height), [301, 420]);
});

test('no fit before Python asks for one', () => {
  const { drawing, portal } = harness();
  drawing.live();
  drawing.fit();
  assert.deepEqual(portal.calls, []);
});

test('Python failing is said, unless it is already live; outside a portal, one sentence', () => {
  const { drawing, told, root } = harness();
  drawing.failed('not ready after 45 s');
  assert.equal(root.dataset.engine, 'quick');
  drawing.live();
  drawing.failed('late');
  assert.deepEqual(told.filter(([name]) => name === 'failed'), [['failed', 'not ready after 45 s']]);
  const outside = harness({ portal: null });
  outside.drawing.outside();
  assert.equal(outside.root.dataset.engine, 'outside');
  assert.deepEqual(outside.told, [['outside']]);
});

test('Python\'s words for the live region, the support copy, and the dropped count pass through', () => {
  const { drawing, told, said, supported } = harness();
  drawing.announce('Talking');
  drawing.support('Call 7', '{"copy": "Copy"}');
  drawing.dropped('12');
  drawing.dropped('many');
  assert.deepEqual(said, [['python', 'Talking']]);
  assert.deepEqual(supported, [['Call 7', '{"copy": "Copy"}']]);
  assert.deepEqual(told, [['dropped', 12], ['dropped', 0]]);
});
