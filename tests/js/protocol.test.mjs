// The page's end of the page↔worker protocol (static/protocol.js), with the protocol the build
// exports from Python: which messages reach which handler, and the one relay of portal commands.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createWorkerLink, isProtocol, readProtocol } from '../../static/protocol.js';
import { FakePortal, PROTOCOL, settle } from './fakes.mjs';

const CARD = 'placement_app.card.app';
const SETTINGS = 'placement_app.admin.settings_page';
const T = PROTOCOL.toPage;

/** A link for `entry` with a handler for each of its own types that records what it got. */
function link(entry, { own, onReply } = {}) {
  const portal = new FakePortal();
  const posted = [];
  const handled = [];
  const { messages } = PROTOCOL.pages[entry];
  const handlers = Object.fromEntries(messages.filter((type) => type !== T.FRAME)
    .map((type) => [type, (message) => handled.push(message)]));
  const worker = createWorkerLink({ protocol: PROTOCOL, entry, portal, post: (message) => posted.push(message),
    handlers, own, onReply });
  return { worker, portal, posted, handled };
}

test('the protocol is read beside the module, and refused when it is not one', async (t) => {
  const errors = t.mock.method(console, 'error', () => {});
  const asked = [];
  assert.deepEqual(await readProtocol(async (url) => { asked.push(url.href); return PROTOCOL; }), PROTOCOL);
  assert.equal(new URL('protocol.json', asked[0]).href, asked[0]);
  assert.ok(asked[0].endsWith('/static/protocol.json'));
  for (const broken of [null, 'text', {}, { ...PROTOCOL, secrets: { ...PROTOCOL.secrets, keys: [] } },
    { ...PROTOCOL, replyTimeoutMs: 'soon' }, { ...PROTOCOL, pages: { [CARD]: { messages: [1], commands: [] } } }]) {
    assert.equal(isProtocol(broken), false);
    assert.equal(await readProtocol(async () => broken), null);
  }
  assert.equal(await readProtocol(async () => { throw new Error('HTTP 404'); }), null);
  assert.equal(errors.mock.callCount(), 7);
});

test('each message of the page goes to its handler; the rest are not the page\'s', () => {
  const { worker, handled } = link(CARD);
  worker.receive({ type: T.DOM, ops: '[]' });
  worker.receive({ type: T.FORM, values: {} }); // the settings page's, not the card's
  worker.receive({ type: 'unheard-of' });
  worker.receive(null);
  assert.deepEqual(handled, [{ type: T.DOM, ops: '[]' }]);
});

test('a page that does not take every message of its own, or takes another page\'s, is told at once', (t) => {
  const errors = t.mock.method(console, 'error', () => {});
  createWorkerLink({ protocol: PROTOCOL, entry: CARD, portal: new FakePortal(), post: () => {},
    handlers: { [T.DOM]: () => {}, [T.PROGRESS]: () => {} } });
  const said = errors.mock.calls.map((call) => call.arguments[0]);
  assert.ok(said.some((text) => text.includes(`does not take the message ${T.STORAGE}`)));
  assert.ok(said.some((text) => text.includes(`takes ${T.PROGRESS}`)));
  errors.mock.resetCalls();
  link(CARD);
  link(SETTINGS);
  assert.equal(errors.mock.callCount(), 0);
});

test('a command Python waits for goes with its params, and its reply comes back to Python', async () => {
  const { worker, portal, posted } = link(CARD);
  worker.receive({ type: T.FRAME, command: 'refreshAuth', params: '{"reason":"expired_token"}', id: 'request-1' });
  const sent = portal.sent('refreshAuth');
  assert.deepEqual(sent.params, { reason: 'expired_token' });
  assert.equal(sent.timeoutMs, PROTOCOL.replyTimeoutMs);
  sent.answer({ access_token: 'new' });
  await settle();
  assert.deepEqual(posted, [{ type: PROTOCOL.toWorker.REPLY, id: 'request-1', ok: true, value: { access_token: 'new' } }]);
});

test('a command Python does not wait for: its reply goes to the page, unanswered as not ok', async () => {
  const replies = [];
  const { worker, portal, posted } = link(SETTINGS, { onReply: (reply) => replies.push(reply) });
  worker.receive({ type: T.FRAME, command: 'setAppOption', params: '{"name":"call_timeline_settings","value":"{}"}' });
  const sent = portal.sent('setAppOption');
  assert.deepEqual(sent.params, { name: 'call_timeline_settings', value: '{}' });
  assert.equal(sent.timeoutMs, PROTOCOL.replyTimeoutMs);
  sent.timeOut();
  await settle();
  assert.deepEqual(replies, [{ command: 'setAppOption', ok: false, value: null }]);
  assert.deepEqual(posted, []);
});

test('only the commands the protocol names for the page are sent; the page makes its own', async (t) => {
  t.mock.method(console, 'warn', () => {});
  let fitted = 0;
  const { worker, portal, posted } = link(CARD, { own: { resizeWindow: () => { fitted += 1; } } });
  worker.receive({ type: T.FRAME, command: 'setAppOption', params: '{}' });
  worker.receive({ type: T.FRAME, command: 'resizeWindow', params: '{}' });
  worker.receive({ type: T.FRAME, command: 'disableAutoClose', params: '{}' });
  worker.receive({ type: T.FRAME, command: 'refreshAuth', params: '{not json', id: 'request-2' });
  assert.deepEqual(portal.calls.map((call) => [call.command, call.params]), [['disableAutoClose', {}]]);
  assert.equal(fitted, 1);
  await settle();
  assert.deepEqual(posted, [{ type: PROTOCOL.toWorker.REPLY, id: 'request-2', ok: false, value: null }]);
});

test('an event goes to the worker with its name, arguments and arrival', () => {
  const { worker, posted } = link(CARD);
  worker.send('app:done', '[]', 1000);
  worker.send('page:opened', '[null]', 1001);
  const EVENT = PROTOCOL.toWorker.EVENT;
  assert.deepEqual(posted, [
    { type: EVENT, kind: 'app:done', payload: '[]', at: 1000 },
    { type: EVENT, kind: 'page:opened', payload: '[null]', at: 1001 },
  ]);
});
