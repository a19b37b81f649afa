// The card's call events (static/call-events.js): bound at once, stamped and numbered as they
// come, kept in order until the page can hide their secrets, then handed on, none lost.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { DONE, OPENED, createCallEvents, readInitData } from '../../static/call-events.js';
import { CALL_CARD_EVENTS } from '../../static/frame.js';
import { createRedactor } from '../../static/secrets.js';
import { FakePortal, PROTOCOL, settle } from './fakes.mjs';

/** Python's rules for the events, as the build exports them (protocol.json). */
const RULES = { maxPayload: PROTOCOL.log.maxPayload, states: PROTOCOL.callStates };

const [STATE_CHANGED, ENTITY_CHANGED, BEFORE_CLOSE] = CALL_CARD_EVENTS;
const { redact } = createRedactor(PROTOCOL.secrets);
const HIDDEN = PROTOCOL.secrets.hidden;
const INIT_DATA = {
  AUTH_ID: 'secret-token', LANG: 'de', APP_OPTIONS: { call_timeline_settings: '{}' },
  PLACEMENT_OPTIONS: JSON.stringify({ CALL_ID: 'call-7', CALL_STATE: 'connecting' }),
};

/** Call events over a fake portal and a clock the test moves; `arrived` records each arrival. */
function harness() {
  const portal = new FakePortal();
  const clock = { now: 1000 };
  const arrivals = [];
  const events = createCallEvents({ portal, now: () => clock.now, arrived: (arrival) => arrivals.push(arrival) });
  const handed = [];
  const start = () => events.start(redact, [(event) => handed.push(event)], RULES);
  return { portal, clock, arrivals, events, handed, start };
}

test('binding asks for the init data and binds the three call-card events at once', () => {
  const { portal, events } = harness();
  events.bind();
  assert.deepEqual(portal.order, ['getInitData', ...CALL_CARD_EVENTS.map((name) => `bind ${name}`)]);
});

test('events before the page can hide secrets wait, in order, stamped and numbered as they came; none is lost', async () => {
  const { portal, clock, arrivals, events, handed, start } = harness();
  events.bind();
  portal.fire(STATE_CHANGED, 'connecting');
  clock.now = 1500;
  portal.sent('getInitData').answer(INIT_DATA);
  await settle();
  clock.now = 2000;
  for (let index = 0; index < 50; index++) portal.fire(ENTITY_CHANGED, { PHONE_NUMBER: `+4917${index}`, auth: 'tok' });
  clock.now = 2500;
  portal.fire(STATE_CHANGED, ['idle', { failedCode: '486' }]);
  portal.fire(BEFORE_CLOSE);
  assert.equal(arrivals.length, 54);  // each looked at the moment it came
  assert.deepEqual(handed, []);
  start();
  assert.deepEqual(handed.map(({ kind }) => kind),
    [STATE_CHANGED, OPENED, ...Array(50).fill(ENTITY_CHANGED), STATE_CHANGED, BEFORE_CLOSE]);
  assert.deepEqual(handed.slice(2, 52).map(({ payload }) => JSON.parse(payload)[0].PHONE_NUMBER),
    Array.from({ length: 50 }, (_, index) => `+4917${index}`));  // in the order they came
  assert.deepEqual(handed.map(({ at }) => at), [1000, 1500, ...Array(50).fill(2000), 2500, 2500]);
  assert.deepEqual(JSON.parse(handed[2].payload), [{ PHONE_NUMBER: '+49170', auth: HIDDEN }]);
  assert.deepEqual(handed[52].args, [['idle', { failedCode: '486' }]]);
  assert.equal(handed[53].payload, '[]');
  // After the start, each is handed on as it comes.
  clock.now = 3000;
  events.take(DONE, []);
  assert.deepEqual(handed.slice(54).map(({ kind, at }) => [kind, at]), [[DONE, 3000]]);
});

test('the page\'s own opened events go to Python whole, and everywhere else with their secrets hidden', async () => {
  const { portal, events, handed, start } = harness();
  events.bind();
  start();
  portal.sent('getInitData').answer(INIT_DATA);
  await settle();
  const [opened] = handed;
  assert.equal(opened.kind, OPENED);
  assert.deepEqual(JSON.parse(opened.payload), [INIT_DATA]);
  assert.equal(JSON.parse(opened.kept)[0].AUTH_ID, HIDDEN);
  assert.equal(opened.args[0].AUTH_ID, HIDDEN);
  assert.ok(!opened.kept.includes('secret-token'));
  assert.deepEqual(opened.opened, { lang: 'de', state: 'connecting', callId: 'call-7' });
  assert.equal(opened.callId, 'call-7');
  // Then the call's status: of the same kind, for Python as it came too; it names the call.
  portal.sent('getStatus').answer({ CALL_ID: 'call-7', CALL_STATE: 'connected', AUTH_ID: 'again' });
  await settle();
  assert.equal(handed[1].kind, OPENED);
  assert.equal(handed[1].opened, null);
  assert.equal(handed[1].callId, 'call-7');
  assert.equal(JSON.parse(handed[1].payload)[0].AUTH_ID, 'again');
  assert.equal(JSON.parse(handed[1].kept)[0].AUTH_ID, HIDDEN);
});

test('the init data is looked at on arrival, before anything is read', async () => {
  const { portal, arrivals, events } = harness();
  events.bind();
  portal.sent('getInitData').answer(INIT_DATA);
  await settle();
  assert.deepEqual(arrivals.map(({ kind, initData }) => [kind, initData]), [[OPENED, true]]);
  assert.equal(arrivals[0].args[0].AUTH_ID, 'secret-token');  // as it came: the hold may read it, nothing shows it
});

test('a portal that does not answer getInitData leaves no init data, and the events still come', async (t) => {
  t.mock.method(console, 'warn', () => {});
  const { portal, events, handed, start } = harness();
  events.bind();
  start();
  portal.sent('getInitData').timeOut();
  await settle();
  portal.fire(STATE_CHANGED, 'connected');
  assert.deepEqual(handed.map(({ kind }) => kind), [STATE_CHANGED]);
  assert.equal(portal.sent('getStatus'), undefined);
});

test('the two-argument form (a library that spreads arrays) is handed on with both', () => {
  const { portal, events, handed, start } = harness();
  events.bind();
  start();
  portal.fire(STATE_CHANGED, 'idle', { failedCode: '486' });
  assert.deepEqual(JSON.parse(handed[0].payload), ['idle', { failedCode: '486' }]);
});

test('a sink that fails costs that sink only; an oversized payload goes as its size', (t) => {
  t.mock.method(console, 'warn', () => {});
  const { portal, events } = harness();
  const later = [];
  events.bind();
  events.start(redact, [() => { throw new Error('broken'); }, (event) => later.push(event)], RULES);
  const note = 'x'.repeat(70000);
  portal.fire(ENTITY_CHANGED, { note });
  assert.deepEqual(JSON.parse(later[0].payload), [{ oversized: JSON.stringify([{ note }]).length }]);
});

test('the init data read: a call state outside the three, an unreadable placement, a long call id', () => {
  assert.equal(readInitData(null, RULES.states), null);
  assert.deepEqual(readInitData({ PLACEMENT_OPTIONS: '{not json' }, RULES.states),
    { lang: undefined, state: null, callId: null });
  assert.equal(readInitData({ PLACEMENT_OPTIONS: { CALL_STATE: 'ringing', CALL_ID: 7 } }, RULES.states).callId, '7');
  assert.equal(readInitData({ PLACEMENT_OPTIONS: { CALL_STATE: 'ringing' } }, RULES.states).state, null);
  assert.equal(readInitData({ PLACEMENT_OPTIONS: { CALL_ID: 'x'.repeat(201) } }, RULES.states).callId, null);
});
