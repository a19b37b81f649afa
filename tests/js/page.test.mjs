// What the admin's pages share (static/page.js): Python started with the init data, the messages
// every admin page takes, and the portal commands Python asks for, through the one relay.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { openPage } from '../../static/page.js';
import { FakeDocument, FakePortal, PROTOCOL, settle } from './fakes.mjs';

const SETTINGS = 'placement_app.admin.settings_page';
const T = PROTOCOL.toPage;

/** An admin page's template: its status line (with its words), progress, and labelled elements. */
function page() {
  const document = new FakeDocument();
  const status = document.withId('status', 'p');
  Object.assign(status.dataset, { noFrame: 'Open this page in Bitrix24', failed: 'Python failed: {reason}' });
  const progress = document.withId('progress', 'progress');
  progress.value = 0;
  const heading = document.createElement('h1');
  heading.dataset.text = 'settings.title';
  const cloned = document.createElement('label');
  cloned.dataset.text = 'settings.code';
  const template = { content: { querySelectorAll: () => [cloned] } };
  document.querySelectorAll = (selector) => (selector === 'template' ? [template] : [heading]);
  return { document, status, progress, heading, cloned };
}

/** A worker that records what the page posts; `say` delivers a message of Python's. */
function open({ protocol = PROTOCOL, portal = new FakePortal(), start } = {}) {
  const shown = page();
  const posted = [];
  const own = [];
  let onMessage = null;
  const send = openPage({
    entry: SETTINGS,
    extra: ['https://app.example/'],
    handlers: (types) => ({
      [types.FORM]: (message) => own.push(message), [types.SUMMARY]: () => {}, [types.ERRORS]: () => {},
      [types.SAVED]: () => {}, [types.NOTICE]: () => {},
    }),
    document: shown.document,
    portal,
    protocol,
    start: start ?? ((options) => {
      onMessage = options.onMessage;
      return { postMessage: (message) => posted.push(message) };
    }),
    now: () => 1234,
  });
  return { ...shown, send, posted, own, portal, say: (message) => onMessage(message) };
}

const events = (posted) => posted.filter(({ type }) => type === PROTOCOL.toWorker.EVENT)
  .map(({ kind, payload }) => [kind, JSON.parse(payload)]);

test('outside Bitrix24 the page says so and starts nothing', () => {
  const { send, status } = open({ portal: null });
  assert.equal(send, null);
  assert.equal(status.textContent, 'Open this page in Bitrix24');
  assert.equal(status.dataset.tone, 'error');
});

test('without its protocol the page says it cannot start', () => {
  const { send, status, progress } = open({ protocol: null });
  assert.equal(send, null);
  assert.equal(status.textContent, 'Python failed: the page cannot read its protocol');
  assert.equal(progress.hidden, true);
});

test('Python that cannot start is said on the status line', () => {
  const { send, status } = open({ start: () => { throw new Error('this browser has no WebAssembly'); } });
  assert.equal(send, null);
  assert.equal(status.textContent, 'Python failed: this browser has no WebAssembly');
});

test('Python gets the init data with the page\'s extra, then the page\'s own events', async () => {
  const { send, posted, portal } = open();
  portal.sent('getInitData').answer({ LANG: 'de', IS_ADMIN: true });
  await settle();
  send('settings:submit', [{ language: 'portal' }]);
  assert.deepEqual(events(posted), [
    ['page:opened', [{ LANG: 'de', IS_ADMIN: true }, 'https://app.example/']],
    ['settings:submit', [{ language: 'portal' }]],
  ]);
  assert.equal(posted[0].at, 1234);
});

test('no init data from the portal: Python is told so', async () => {
  const { posted, portal } = open();
  portal.sent('getInitData').timeOut();
  await settle();
  assert.deepEqual(events(posted), [['page:opened', [null, 'https://app.example/']]]);
});

test('every admin page\'s messages are shown here, the page\'s own go to it', () => {
  const { say, status, progress, heading, cloned, document, own } = open();
  say({ type: T.MARK, name: 'pyodide-ready' });
  say({ type: T.MARK, name: 'wheel-installed' });
  assert.equal(progress.value, 2);
  say({ type: T.TEXTS, texts: { 'settings.title': 'Einstellungen', 'settings.code': 'Code' }, lang: 'de' });
  assert.deepEqual([heading.textContent, cloned.textContent, document.documentElement.lang], ['Einstellungen', 'Code', 'de']);
  say({ type: T.STATUS, text: 'Gespeichert', tone: 'ok' });
  assert.deepEqual([status.textContent, status.dataset.tone], ['Gespeichert', 'ok']);
  say({ type: T.LIVE });
  assert.equal(progress.hidden, true);
  say({ type: T.FORM, values: {} });
  say({ type: T.PROGRESS, steps: [] });  // the install page's: not this one's
  assert.deepEqual(own, [{ type: T.FORM, values: {} }]);
});

test('a command Python asks for is sent with its params; the reply comes back as the page\'s event', async (t) => {
  t.mock.method(console, 'warn', () => {});
  const { say, posted, portal } = open();
  say({ type: T.FRAME, command: 'setAppOption', params: '{"name":"call_timeline_settings","value":"{}"}' });
  say({ type: T.FRAME, command: 'refreshAuth', params: '{}', id: 'request-1' });  // not the settings page's
  const sent = portal.sent('setAppOption');
  assert.deepEqual(sent.params, { name: 'call_timeline_settings', value: '{}' });
  assert.equal(sent.timeoutMs, PROTOCOL.replyTimeoutMs);
  assert.equal(portal.sent('refreshAuth'), undefined);
  sent.answer(true);
  await settle();
  assert.deepEqual(events(posted), [['page:reply', [{ command: 'setAppOption', ok: true, value: true }]]]);
});
