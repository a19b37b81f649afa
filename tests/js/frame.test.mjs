// The frame client (static/frame.js) between two fake windows: the portal
// (the parent) and the app's own window, where replies arrive.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CALL_CARD_EVENTS, FrameClient, readFrameName } from '../../static/frame.js';
import { FakeWindow } from './fakes.mjs';

const FRAME = readFrameName('portal.example.com|1|sid42');
const ORIGIN = 'https://portal.example.com';

function connect() {
  const portal = new FakeWindow();
  const own = new FakeWindow();
  const client = new FrameClient(FRAME, portal, own);
  /** The command last sent, split at its two last colons (the params hold colons too). */
  const sent = (index = -1) => {
    const { message, targetOrigin } = portal.posted.at(index);
    const parts = message.split(':');
    return { message, targetOrigin, id: parts.at(-2), appSid: parts.at(-1) };
  };
  const answer = (id, body, { origin = ORIGIN, source = portal } = {}) => {
    own.deliver({ data: `${id}:${body}`, origin, source });
  };
  return { client, portal, own, sent, answer };
}

test('a Bitrix24 frame name gives the portal origin', () => {
  assert.deepEqual(readFrameName('portal.example.com|1|sid42'), {
    domain: 'portal.example.com', protocol: '1', appSid: 'sid42', origin: 'https://portal.example.com',
  });
  assert.equal(readFrameName('127.0.0.1:8001|0|a_b.c-d').origin, 'http://127.0.0.1:8001');
  assert.equal(readFrameName('portal.example.com:443|1|x').origin, 'https://portal.example.com');
  assert.equal(readFrameName('portal.example.com:80|0|x').origin, 'http://portal.example.com');
  assert.equal(readFrameName('portal.example.com:8443|1|x').origin, 'https://portal.example.com:8443');
  assert.equal(readFrameName('portal.example.com:443|0|x').origin, 'http://portal.example.com:443');
});

test('anything else is not a Bitrix24 frame', () => {
  for (const name of [
    undefined, null, '', 'timeline', 'a|1', 'a|1|x|y', 'a|2|x', 'a||x', 'a|1|', '|1|x',
    'evil.example/path|1|x', 'evil.example@portal|1|x', 'a b|1|x', 'javascript:alert(1)|1|x',
    'a:123456|1|x', 'a|1|x y', 'a|1|x/y', `a|1|${'s'.repeat(129)}`, `${'d'.repeat(254)}|1|x`,
  ]) {
    assert.equal(readFrameName(name), null, String(name));
  }
  assert.notEqual(readFrameName(`a|1|${'s'.repeat(128)}`), null);
});

test('a command goes to the portal, for its origin only, in the classic wire form', () => {
  const { client, portal, sent } = connect();
  client.call('getInitData');
  client.call('setAppOption', { name: 'settings', value: 'a:b' });
  assert.equal(portal.posted.length, 2);
  const first = sent(0);
  assert.equal(first.targetOrigin, ORIGIN);
  assert.equal(first.message, `getInitData::${first.id}:sid42`);
  const second = sent(1);
  assert.equal(second.message, `setAppOption:{"name":"settings","value":"a:b"}:${second.id}:sid42`);
  assert.notEqual(first.id, second.id);
});

test('a reply counts only from the portal window at the portal origin', async () => {
  const { client, portal, own, sent, answer } = connect();
  const reply = client.call('getStatus', {});
  const { id } = sent();
  answer(id, '"from another origin"', { origin: 'https://evil.example' });
  answer(id, '"from another window"', { source: new FakeWindow() });
  own.deliver({ data: { id, value: 'not text' }, origin: ORIGIN, source: portal });
  answer(id, '"from the portal"');
  assert.deepEqual(await reply, { ok: true, value: 'from the portal' });
});

test('each reply resolves the command with its own callback id', async () => {
  const { client, sent, answer } = connect();
  const status = client.call('getStatus', {});
  const statusId = sent().id;
  const init = client.call('getInitData');
  const initId = sent().id;
  answer(initId, '{"LANG":"ru"}');
  answer(statusId, '{"CALL_STATE":"idle"}');
  assert.deepEqual(await init, { ok: true, value: { LANG: 'ru' } });
  assert.deepEqual(await status, { ok: true, value: { CALL_STATE: 'idle' } });  assert.equal(client.pending.size, 0);
});

test('an empty reply resolves with no value, a reply that is not JSON as its text', async (t) => {
  const warnings = t.mock.method(console, 'warn', () => {});
  const { client, sent, answer } = connect();
  const empty = client.call('disableAutoClose', {});
  answer(sent().id, '');
  const text = client.call('getStatus', {});
  answer(sent().id, 'not: json');
  assert.deepEqual(await empty, { ok: true, value: undefined });
  assert.deepEqual(await text, { ok: true, value: 'not: json' });
  assert.equal(warnings.mock.callCount(), 1);
});

test('a command without a reply in time resolves as not ok, and a late reply is dropped', async () => {
  const { client, sent, answer } = connect();
  const reply = client.call('getStatus', {}, 0);
  const { id } = sent();
  assert.deepEqual(await reply, { ok: false, reason: 'timeout' });
  assert.equal(client.pending.size, 0);
  answer(id, '"late"');
  assert.equal(client.pending.size, 0);
});

test('binding an event asks the portal with the event name', () => {
  const { client, sent } = connect();
  client.bindEvent('CallCard::CallStateChanged', () => {});
  const { message, id } = sent();
  assert.equal(message, `placementBindEvent:{"event":"CallCard::CallStateChanged"}:${id}:sid42`);
  assert.deepEqual(CALL_CARD_EVENTS, ['CallCard::CallStateChanged', 'CallCard::EntityChanged', 'CallCard::BeforeClose']);
});

test('every occurrence of a bound event reaches the callback, the first at once: never a promise', () => {
  const { client, sent, answer } = connect();
  const seen = [];
  client.bindEvent('CallCard::CallStateChanged', (...args) => seen.push(args));
  const { id } = sent();
  answer(id, '"connecting"');
  answer(id, '"connected"');
  answer(id, '["idle",{"failedCode":"486"}]');
  assert.deepEqual(seen, [['connecting'], ['connected'], [['idle', { failedCode: '486' }]]]);
  assert.equal(client.pending.size, 0);
  assert.ok(client.bound.has(id));
});

test('both wire forms of a state change arrive as the one value on the wire', () => {
  const { client, sent, answer } = connect();
  const seen = [];
  client.bindEvent('CallCard::CallStateChanged', (...args) => seen.push(args));
  const { id } = sent();
  answer(id, '"idle"');
  answer(id, '["idle",{"failedCode":"603-S"}]');
  assert.deepEqual(seen, [['idle'], [['idle', { failedCode: '603-S' }]]]);
});

test('an event with nothing on the wire calls back with no arguments', () => {
  const { client, sent, answer } = connect();
  const seen = [];
  client.bindEvent('CallCard::BeforeClose', (...args) => seen.push(args));
  answer(sent().id, '');
  assert.deepEqual(seen, [[]]);
});

test('a callback that throws does not stop the next event, nor other callbacks', (t) => {
  const errors = t.mock.method(console, 'error', () => {});
  const { client, sent, answer } = connect();
  const seen = [];
  client.bindEvent('CallCard::CallStateChanged', (state) => {
    if (state === 'connecting') throw new Error('handler failed');
    seen.push(state);
  });
  const stateId = sent().id;
  client.bindEvent('CallCard::EntityChanged', (entity) => seen.push(entity.PHONE_NUMBER));
  const entityId = sent().id;
  answer(stateId, '"connecting"');
  answer(entityId, '{"PHONE_NUMBER":"+7495"}');
  answer(stateId, '"connected"');
  assert.deepEqual(seen, ['+7495', 'connected']);
  assert.equal(errors.mock.callCount(), 1);
});

test('messages without a known callback id are ignored', () => {
  const { client, sent, answer, own, portal } = connect();
  const seen = [];
  client.bindEvent('CallCard::CallStateChanged', (state) => seen.push(state));
  const { id } = sent();
  answer('ct999xunknown', '"connected"');
  own.deliver({ data: ':"connected"', origin: ORIGIN, source: portal });
  own.deliver({ data: `${id}`, origin: ORIGIN, source: portal });
  answer(id, '"idle"');
  assert.deepEqual(seen, ['idle']);
});
