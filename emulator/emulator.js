/**
 * The parent side of a Bitrix24 call card, for playing calls locally.
 *
 * It opens the app the way a portal does (a POST into an iframe named
 * DOMAIN|PROTOCOL|APP_SID), answers the frame protocol, checks origin and
 * APP_SID before acting on anything, never answers unknown commands, and
 * raises CallCard events as replies on the callback ids the app bound.
 * window.emulator is the same control surface for the end-to-end tests.
 */

const config = JSON.parse(document.getElementById('config').textContent);
const appOrigin = new URL(config.appUrl).origin;
const EVENTS = ['CallCard::CallStateChanged', 'CallCard::EntityChanged', 'CallCard::BeforeClose'];
const NO_REPLY = Symbol('no reply');
const CLIENTS = [
  { PHONE_NUMBER: '+74951234567', CRM_ENTITY_TYPE: 'CONTACT', CRM_ENTITY_ID: 17 },
  { PHONE_NUMBER: '+491701234567', CRM_ENTITY_TYPE: 'LEAD', CRM_ENTITY_ID: 204 },
  { PHONE_NUMBER: 'unknown', CRM_ENTITY_TYPE: '', CRM_ENTITY_ID: 0 },
];

const $ = (id) => document.getElementById(id);
const world = { call: null, commands: [], rejected: [], log: [], calls: 0, statistics: 'record', delayMs: 2000 };

/** Tell the portal's server side what it would know: the call, its token, its state. */
function report(call) {
  return fetch('/emulator/calls', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      callId: call.callId, auth: call.auth, state: call.state, failedCode: call.failedCode || '',
      statistics: world.statistics, delayMs: world.delayMs,
    }),
  }).catch((error) => log('bad', `the emulator's server did not answer (${error})`));
}

function randomHex(bytes) {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

const MAX_LOG = 200;
let scrollPending = false;

/** The frame-message log: bounded, and scrolled once per frame, so that a burst costs little. */
function log(kind, text) {
  world.log.push({ kind, text, at: Date.now() });
  if (world.log.length > MAX_LOG) world.log.shift();
  const item = document.createElement('li');
  item.className = kind;
  item.textContent = `${new Date().toLocaleTimeString()}  ${text.length > 300 ? `${text.slice(0, 299)}…` : text}`;
  const list = $('log');
  list.append(item);
  while (list.childElementCount > MAX_LOG) list.firstElementChild.remove();
  if (!scrollPending) {
    scrollPending = true;
    requestAnimationFrame(() => {
      scrollPending = false;
      list.scrollTop = list.scrollHeight;
    });
  }
}

function placementOptions(call) {
  return {
    CALL_ID: call.callId,
    PHONE_NUMBER: call.client.PHONE_NUMBER,
    LINE_NUMBER: 'reg1332',
    LINE_NAME: 'Sales line',
    CRM_ENTITY_TYPE: call.client.CRM_ENTITY_TYPE,
    CRM_ENTITY_ID: String(call.client.CRM_ENTITY_ID),
    CRM_ACTIVITY_ID: 'undefined',
    CALL_DIRECTION: call.direction,
    CALL_STATE: call.state,
    CALL_LIST_MODE: 'false',
  };
}

const COMMANDS = {
  getInitData(call) {
    return {
      LANG: call.lang, DOMAIN: config.domain, PROTOCOL: 0, PATH: '/rest',
      AUTH_ID: call.auth, AUTH_EXPIRES: 3600, REFRESH_ID: randomHex(16), MEMBER_ID: 'emulator',
      FIRST_RUN: false, IS_ADMIN: true, INSTALL: false, USER_OPTIONS: call.userOptions,
      APP_OPTIONS: call.appOptions, PLACEMENT: 'CALL_CARD', PLACEMENT_OPTIONS: placementOptions(call),
    };
  },
  getInterface() {
    return { command: ['getStatus', 'disableAutoClose', 'enableAutoClose'], event: EVENTS };
  },
  placementBindEvent(call, params, callback) {
    const name = params && params.event;
    if (!EVENTS.includes(name)) return NO_REPLY;
    call.bindings.get(name).push(callback);
    refresh();
    return NO_REPLY;
  },
  getStatus(call) {
    const options = placementOptions(call);
    return { ...options, CRM_ENTITY_ID: Number(options.CRM_ENTITY_ID), CALL_LIST_MODE: false };
  },
  disableAutoClose(call) { call.autoClose = false; refresh(); return {}; },
  enableAutoClose(call) { call.autoClose = true; refresh(); return {}; },
  setAppOption(call, params) {
    if (!params || typeof params.name !== 'string') return NO_REPLY;
    call.appOptions[params.name] = params.value;
    return true;
  },
  setUserOption(call, params) {
    if (!params || typeof params.name !== 'string') return NO_REPLY;
    call.userOptions[params.name] = params.value;
    return true;
  },
  resizeWindow(call, params) {
    const height = Number.parseInt(params && params.height, 10);
    if (Number.isFinite(height)) call.iframe.style.height = `${Math.min(Math.max(height, 120), 2000)}px`;
    return {};
  },
  setInstall() { return {}; },
  setInstallFinish() { return {}; },
  refreshAuth(call) {
    call.auth = randomHex(16);
    report(call);
    return { AUTH_ID: call.auth, AUTH_EXPIRES: 3600, REFRESH_ID: randomHex(16) };
  },
};

/** Both forms the portal accepts: "cmd:params:callback:sid" and {method, params, callback, appSid}. */
export function parseCommand(data) {
  if (data && typeof data === 'object' && typeof data.method === 'string') {
    let params = data.params;
    if (typeof params === 'string' && params !== '') {
      try { params = JSON.parse(params); } catch { return null; }
    }
    return { command: data.method, params: params || {}, callback: String(data.callback || ''), appSid: data.appSid };
  }
  if (typeof data !== 'string') return null;
  const parts = data.split(':');
  if (parts.length < 3) return null;
  const appSid = parts.pop();
  const callback = parts.pop();
  const command = parts.shift();
  const raw = parts.join(':');
  let params = {};
  if (raw !== '') {
    try { params = JSON.parse(raw); } catch { return null; }
  }
  return { command, params, callback, appSid };
}

function reply(call, callback, value) {
  if (!callback || !call.iframe.contentWindow) return;
  const body = value === undefined ? '' : JSON.stringify(value);
  call.iframe.contentWindow.postMessage(`${callback}:${body}`, appOrigin);
}

window.addEventListener('message', (event) => {
  const call = world.call;
  if (!call || event.source !== call.iframe.contentWindow) return;
  if (event.origin !== appOrigin) {
    world.rejected.push({ reason: 'origin', origin: event.origin });
    log('bad', `rejected a message from ${event.origin}`);
    return;
  }
  const message = parseCommand(event.data);
  if (!message) {
    world.rejected.push({ reason: 'unreadable' });
    log('bad', 'rejected an unreadable message');
    return;
  }
  if (message.appSid !== call.appSid) {
    world.rejected.push({ reason: 'app_sid', command: message.command });
    log('bad', `rejected ${message.command}: wrong APP_SID`);
    return;
  }
  world.commands.push({ command: message.command, params: message.params, at: Date.now() });
  log('in', `app → portal  ${message.command} ${JSON.stringify(message.params)}`);
  const handler = COMMANDS[message.command];
  if (!handler) return; // a real portal never answers an unknown command
  const result = handler(call, message.params, message.callback);
  if (result === NO_REPLY) return;
  const delay = message.command === 'getInitData' ? call.initDelayMs : 0;
  if (delay > 0) setTimeout(() => reply(call, message.callback, result), delay);
  else reply(call, message.callback, result);
});

function postForm(call) {
  const form = document.createElement('form');
  form.method = 'POST';
  form.action = call.url;
  form.target = call.iframe.name;
  const fields = {
    DOMAIN: config.domain, PROTOCOL: '0', LANG: call.lang, APP_SID: call.appSid,
    AUTH_ID: call.auth, AUTH_EXPIRES: '3600', REFRESH_ID: randomHex(16),
    SERVER_ENDPOINT: 'https://oauth.bitrix.info/rest/', member_id: 'emulator', status: 'L',
    PLACEMENT: 'CALL_CARD', PLACEMENT_OPTIONS: JSON.stringify(placementOptions(call)),
  };
  for (const [name, value] of Object.entries(fields)) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
  form.remove();
}

/**
 * A new call: a new iframe, a new APP_SID, the app cold-started (as in a portal).
 * The handler URL must be on the app's registered origin, as on a portal.
 */
export function openCard(options = {}) {
  if (options.url && new URL(options.url, config.appUrl).origin !== appOrigin) {
    throw new Error('the handler must be on the app origin');
  }
  closeCard();
  world.calls += 1;
  const call = {
    appSid: randomHex(16),
    callId: `externalCall.${randomHex(12)}`,
    auth: randomHex(16),
    state: options.state || $('open-state').value,
    lang: options.lang || $('lang').value,
    direction: options.direction || $('direction').value,
    client: CLIENTS[0],
    clientIndex: 0,
    autoClose: true,
    appOptions: {},
    userOptions: {},
    bindings: new Map(EVENTS.map((name) => [name, []])),
    iframe: document.createElement('iframe'),
    url: options.url || config.appUrl,
    initDelayMs: Math.min(Math.max(Number(options.initDelayMs) || 0, 0), 10000),
  };
  call.iframe.name = `${config.domain}|0|${call.appSid}`;
  call.iframe.title = 'Call Timeline';
  $('frame-slot').replaceChildren(call.iframe);
  world.call = call;
  world.commands = [];
  report(call);
  postForm(call);
  log('out', `portal opened the tab (POST ${call.url}, CALL_STATE=${call.state})`);
  refresh();
  return call.callId;
}

/** The same call's tab loaded again (the operator reloads it): same APP_SID and CALL_ID. */
export function reloadCard() {
  const call = world.call;
  if (!call) return false;
  for (const ids of call.bindings.values()) ids.length = 0;
  postForm(call);
  log('out', `portal reloaded the tab (CALL_STATE=${call.state})`);
  refresh();
  return true;
}

export function closeCard() {
  if (!world.call) return;
  world.call.iframe.remove();
  world.call = null;
  $('frame-slot').replaceChildren(Object.assign(document.createElement('p'), { className: 'muted', textContent: 'The call card is closed.' }));
  refresh();
}

/** Raise an event: one reply on every callback id bound to it. `value` is what goes on the wire. */
export function fire(eventName, value) {
  const call = world.call;
  if (!call) return 0;
  const callbacks = call.bindings.get(eventName) || [];
  for (const callback of callbacks) reply(call, callback, value);
  log('out', `portal → app  ${eventName} ${value === undefined ? '' : JSON.stringify(value)}`);
  return callbacks.length;
}

function wireForm() {
  return document.querySelector('input[name=wire]:checked').value;
}

function chosenCode() {
  const code = $('failed-code').value;
  return code === 'custom' ? $('custom-code').value : code;
}

/** Move the call to `state`; the same state twice does not fire (as in Bitrix24). */
export function setCallState(state, failedCode = '', form = wireForm()) {
  const call = world.call;
  if (!call || call.state === state) return false;
  call.state = state;
  call.failedCode = state === 'idle' ? String(failedCode || '') : '';
  report(call);
  const params = state === 'idle' && failedCode ? { failedCode: String(failedCode) } : {};
  fire('CallCard::CallStateChanged', form === 'array' ? [state, params] : state);
  refresh();
  return true;
}

/** How the portal's call statistics answer the card: record (after a delay), none, or an error. */
export function setStatistics(mode, delayMs = world.delayMs) {
  world.statistics = mode;
  world.delayMs = delayMs;
  $('statistics').value = mode;
  return world.call ? report(world.call) : Promise.resolve();
}

export function changeClient() {
  const call = world.call;
  if (!call) return;
  call.clientIndex = (call.clientIndex + 1) % CLIENTS.length;
  call.client = CLIENTS[call.clientIndex];
  fire('CallCard::EntityChanged', { ...call.client });
}

/** The portal tries to close: BeforeClose fires; the card stays if auto-close was disabled. */
export function tryClose() {
  const call = world.call;
  if (!call) return false;
  fire('CallCard::BeforeClose');
  if (!call.autoClose) {
    log('bad', 'close refused: the app disabled auto-close');
    return false;
  }
  setTimeout(closeCard, 300);
  return true;
}

function refresh() {
  const call = world.call;
  $('call-state').textContent = call ? call.state : '—';
  $('call-id').textContent = call ? call.callId : '';
  $('auto-close').textContent = call && !call.autoClose ? 'off (kept open by the app)' : 'on';
  $('bound').textContent = call ? [...call.bindings.values()].reduce((n, ids) => n + ids.length, 0) : 0;
  for (const id of ['connecting', 'connected', 'idle', 'client', 'close', 'reload']) $(id).disabled = !call;
}

$('portal-domain').textContent = config.domain;
$('new-call').addEventListener('click', () => openCard());
for (const state of ['connecting', 'connected']) $(state).addEventListener('click', () => setCallState(state));
$('idle').addEventListener('click', () => setCallState('idle', chosenCode()));
$('failed-code').addEventListener('change', () => { $('custom-code').hidden = $('failed-code').value !== 'custom'; });
$('client').addEventListener('click', changeClient);
$('statistics').addEventListener('change', () => setStatistics($('statistics').value));
$('close').addEventListener('click', tryClose);
$('reload').addEventListener('click', reloadCard);

window.emulator = {
  openCard, reloadCard, closeCard, fire, setStatistics, setCallState, changeClient, tryClose, parseCommand,
  get commands() { return world.commands.map((c) => ({ ...c })); },
  get rejected() { return world.rejected.map((r) => ({ ...r })); },
  get log() { return world.log.map((entry) => ({ ...entry })); },
  get call() {
    const call = world.call;
    return call && { callId: call.callId, appSid: call.appSid, state: call.state, autoClose: call.autoClose, auth: call.auth };
  },
  bound(eventName) { return world.call ? world.call.bindings.get(eventName).length : 0; },
  callbacks(eventName) { return world.call ? [...world.call.bindings.get(eventName)] : []; },
  /** Post anything at all to the card, as a broken or hostile portal might. */
  post(data) { if (world.call) world.call.iframe.contentWindow.postMessage(data, appOrigin); },
  appOrigin,
};

refresh();
if (new URLSearchParams(location.search).get('autostart') !== '0') openCard();
