// @ts-check
/**
 * The parent side of a Bitrix24 call card, for playing calls locally.
 *
 * It opens the app the way a portal does (a POST into an iframe named
 * DOMAIN|PROTOCOL|APP_SID), answers the frame protocol, checks origin and
 * APP_SID before acting on anything, never answers unknown commands, and
 * raises CallCard events as replies on the callback ids the app bound.
 * Around the card it has what a portal has around an app: the install step
 * (the app's install page in a frame, FIRST_RUN/INSTALL set), the app's
 * settings page (as an admin or not), app options kept by the server across
 * restarts, and a call card that shows only the tabs the app bound.
 * window.emulator is the same control surface for the end-to-end tests.
 *
 * What the portal does is read in its public sources, which the README's "On a
 * real portal" lists: the portal's JavaScript (PhoneCallsController,
 * PhoneCallView, BX.rest.AppLayout in applayout.js, the app.layout template),
 * the frame libraries (the classic BX24.js, and the official SDK,
 * @bitrix24/b24jssdk), and the CALL_CARD pages of Bitrix24's REST docs.
 * Every function below that models the portal names its source; where the
 * public code is silent the choice is marked "a guess".
 */

/**
 * @typedef {{ PHONE_NUMBER: string, CRM_ENTITY_TYPE: string, CRM_ENTITY_ID: number }} Client
 * @typedef {{ placement: string, handler: string, title?: string, langAll?: Record<string, { TITLE?: string }> }} Tab
 * @typedef {{ installed: boolean, placements: Tab[], appOptions: Record<string, unknown>, installFault: string }} App
 * @typedef {'card' | 'install' | 'settings'} FrameKind
 * @typedef {{
 *   kind: FrameKind, appSid: string, callId: string, auth: string, refreshId: string, state: string, lang: string,
 *   direction: string, admin: boolean, firstRun: boolean, client: Client, clientIndex: number,
 *   allowAutoClose: boolean, autoCloseTimer: number, autoCloseAt: number, external: boolean,
 *   connected: boolean, answeredAt: number, ringing: boolean, startedAt: number, ended: boolean, failedCode?: string,
 *   appOptions: Record<string, unknown>, userOptions: Record<string, unknown>,
 *   bindings: Map<string, string[]>, iframe: HTMLIFrameElement, url: string, initDelayMs: number,
 *   initData: Record<string, unknown>,
 * }} Call  one app frame: a call card's tab, or one of the app's pages
 * @typedef {{
 *   state?: string, lang?: string, direction?: string, admin?: boolean, initDelayMs?: number, url?: string,
 *   auth?: string, expiredToken?: boolean, initData?: Record<string, unknown>, external?: boolean,
 *   endedWith?: string,
 * }} OpenOptions  `auth`: the frame's token; `expiredToken`: expired from the start;
 *   `initData`: fields that replace those of the init data (and of the POST), as a broken portal's would;
 *   `external`: a call a PBX registered (telephony.externalCall.register);
 *   `endedWith`: the tab opens after its call ended with this code ('' for the portal's default)
 * @typedef {'renew' | 'silent' | 'expired'} RefreshMode  how the portal answers refreshAuth
 * @typedef {{ command: string, params: any, callback: string, appSid: unknown }} Command  a frame message from the app
 */

/** @param {string} id an element of the emulator's page */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @param {string} id */
const $input = (id) => /** @type {HTMLInputElement} */ ($(id));
/** @param {string} id */
const $select = (id) => /** @type {HTMLSelectElement} */ ($(id));

const config = JSON.parse($('config').textContent);
const appOrigin = new URL(config.appUrl).origin;
const EVENTS = ['CallCard::CallStateChanged', 'CallCard::EntityChanged', 'CallCard::BeforeClose'];
const NO_REPLY = Symbol('no reply');
const CLIENTS = [
  { PHONE_NUMBER: '+74951234567', CRM_ENTITY_TYPE: 'CONTACT', CRM_ENTITY_ID: 17 },
  { PHONE_NUMBER: '+491701234567', CRM_ENTITY_TYPE: 'LEAD', CRM_ENTITY_ID: 204 },
  { PHONE_NUMBER: 'unknown', CRM_ENTITY_TYPE: '', CRM_ENTITY_ID: 0 },
];

const world = {
  /** @type {Call | null} */
  call: null,
  /** @type {{ command: string, params: unknown, at: number }[]} */
  commands: [],
  /** @type {{ reason: string, origin?: string, command?: string }[]} */
  rejected: [],
  /** @type {{ kind: string, text: string, at: number }[]} */
  log: [],
  calls: 0,
  statistics: 'record',
  delayMs: 2000,
  /** @type {App} */
  app: { installed: false, placements: [], appOptions: {}, installFault: '' },
  /** @type {{ callId: string, why: string, at: number }[]} every card the portal closed, and why */
  closed: [],
  /** @type {RefreshMode} a new token, no answer at all, or a new token that is expired too */
  refreshAuth: 'renew',
};
const REFRESH_MODES = ['renew', 'silent', 'expired'];
/**
 * How long a held card stays after the portal's auto-close: the timer PhoneCallView.autoClose
 * arms when the app disabled auto-close; each disableAutoClose restarts it while it runs.  The
 * portal's code arms 65 s; the docs (disable-auto-close.md) say 60 s, so an app renews within 60.
 */
const HOLD_MS = 65000;
/** The codes with which a failed external call shows the portal's error screen and stays (#onPullTimeout). */
const EXTERNAL_STAYS = ['486', '480'];
/** @type {Record<string, string>} */
const PAGES = { install: 'install.html', settings: 'settings.html' };

/**
 * Tell the emulator's server something; false (and said in the message list) when it refused or did not answer.
 *
 * @param {string} path
 * @param {unknown} body
 */
async function serverPost(path, body) {
  try {
    const response = await fetch(path, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    });
    if (!response.ok) log('bad', `the emulator's server refused ${path} (HTTP ${response.status})`);
    return response.ok;
  } catch (error) {
    log('bad', `the emulator's server did not answer ${path} (${error})`);
    return false;
  }
}

/** What the portal keeps about the app: installed, bound tabs, app options. */
async function loadApp() {
  try {
    const response = await fetch('/emulator/state', { cache: 'no-store' });
    world.app = await response.json();
  } catch (error) {
    log('bad', `the emulator's server did not answer (${error})`);
  }
  showApp();
  return world.app;
}

function callCardTabs() {
  return world.app.placements.filter((tab) => tab.placement === 'CALL_CARD');
}

/**
 * Tell the portal's server side what it would know: the call, its token, its state, and, with
 * `end`, that the call is over (its record is written: after the delay, or at once).
 *
 * @param {Call} call
 * @param {{ failedCode?: string, immediate?: boolean, record?: boolean }} [end]
 */
function report(call, end) {
  const ending = end ? {
    ended: true, failedCode: end.failedCode || '', immediate: Boolean(end.immediate), record: end.record !== false,
    phone: call.client.PHONE_NUMBER === 'unknown' ? '' : call.client.PHONE_NUMBER,
    // CALL_DURATION is the talk's length, from the answer (an unanswered call's is 0:
    // voximplant-statistic-get.md); an external call's card opens talking.
    duration: call.connected || call.external ? Math.round((Date.now() - (call.answeredAt || call.startedAt)) / 1000) : 0,
  } : {};
  return fetch('/emulator/calls', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      callId: call.callId, auth: call.auth, state: call.state, statistics: world.statistics, delayMs: world.delayMs,
      external: call.external, ...ending,
    }),
  }).then((response) => response.ok).catch((error) => {
    log('bad', `the emulator's server did not answer (${error})`);
    return false;
  });
}

/** @param {number} bytes */
function randomHex(bytes) {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

const MAX_LOG = 200;
let scrollPending = false;

/**
 * The frame-message log: bounded, and scrolled once per frame, so that a burst costs little.
 *
 * @param {string} kind
 * @param {string} text
 */
function log(kind, text) {
  world.log.push({ kind, text, at: Date.now() });
  if (world.log.length > MAX_LOG) world.log.shift();
  const item = document.createElement('li');
  item.className = kind;
  item.textContent = `${new Date().toLocaleTimeString()}  ${text.length > 300 ? `${text.slice(0, 299)}…` : text}`;
  const list = $('log');
  list.append(item);
  while (list.childElementCount > MAX_LOG) list.firstElementChild?.remove();
  if (!scrollPending) {
    scrollPending = true;
    requestAnimationFrame(() => {
      scrollPending = false;
      list.scrollTop = list.scrollHeight;
    });
  }
}

/**
 * The placement options as the app.layout template writes them: every value a string
 * ('undefined', 'false'), PHONE_NUMBER left out when the number is unknown, CRM_BINDINGS
 * present (the CALL_CARD docs' PLACEMENT_OPTIONS; getStatus gives real JSON types instead).
 *
 * @param {Call} call
 */
function placementOptions(call) {
  const { PHONE_NUMBER: phone, CRM_ENTITY_TYPE: type, CRM_ENTITY_ID: id } = call.client;
  return {
    CALL_ID: call.callId,
    ...(phone === 'unknown' ? {} : { PHONE_NUMBER: phone }),
    LINE_NUMBER: call.external ? 'pbx-1' : 'reg1332',
    LINE_NAME: call.external ? '' : 'Sales line',
    CRM_ENTITY_TYPE: type,
    CRM_ENTITY_ID: String(id),
    CRM_ACTIVITY_ID: 'undefined',
    // Present with the bound item (the portal's code sends it); absent when none (the CALL_CARD docs).
    ...(type ? { CRM_BINDINGS: [{ ENTITY_TYPE: type, ENTITY_ID: String(id) }] } : {}),
    CALL_DIRECTION: call.direction,
    CALL_STATE: call.state,
    CALL_LIST_MODE: 'false',
  };
}

/**
 * A value the app.layout template writes: an empty list of options is a JSON array, not an
 * object.
 *
 * @param {Record<string, unknown>} options
 */
function phpOptions(options) {
  return Object.keys(options).length ? options : [];
}

/**
 * What the portal does for each command it knows; NO_REPLY when it does not answer.
 *
 * @type {Record<string, (call: Call, params: any, callback: string) => unknown>}
 */
const COMMANDS = {
  getInitData(call) {
    const card = call.kind === 'card';
    return {
      LANG: call.lang, DOMAIN: config.domain, PROTOCOL: 0, PATH: '/rest',
      // AUTH_EXPIRES a string, empty options as [] (the app.layout template).
      AUTH_ID: call.auth, AUTH_EXPIRES: '3600', REFRESH_ID: call.refreshId, MEMBER_ID: 'emulator',
      FIRST_RUN: call.firstRun, IS_ADMIN: call.admin, INSTALL: call.firstRun, USER_OPTIONS: phpOptions(call.userOptions),
      APP_OPTIONS: phpOptions(call.appOptions), PLACEMENT: card ? 'CALL_CARD' : 'DEFAULT',
      PLACEMENT_OPTIONS: card ? placementOptions(call) : {},
      ...call.initData,
    };
  },
  /** The placement's commands and events (the CALL_CARD docs). */
  getInterface(call) {
    if (call.kind !== 'card') return { command: [], event: [] };
    return { command: ['getStatus', 'disableAutoClose', 'enableAutoClose'], event: EVENTS };
  },
  /**
   * Keeps the callback id: every later occurrence of the event is a reply on it (applayout.js).
   * An event the placement does not have is ignored, as an unknown command is.
   */
  placementBindEvent(call, params, callback) {
    const name = params && params.event;
    if (call.kind !== 'card' || !EVENTS.includes(name)) return NO_REPLY;
    call.bindings.get(name)?.push(callback);
    refresh();
    return NO_REPLY;
  },
  /** The placement options with real JSON types (getStatus in the CALL_CARD docs). */
  getStatus(call) {
    if (call.kind !== 'card') return NO_REPLY; // placement commands answer only in their placement
    const options = placementOptions(call);
    return { ...options, CRM_ENTITY_ID: Number(options.CRM_ENTITY_ID), CALL_LIST_MODE: false };
  },
  /**
   * PhoneCallView: clears allowAutoClose, and restarts the auto-close timer only if it is
   * already running (armed by autoClose at the end); answers [].
   */
  disableAutoClose(call) {
    if (call.kind !== 'card') return NO_REPLY;
    call.allowAutoClose = false;
    if (call.autoCloseTimer) armAutoClose(call);
    refresh();
    return [];
  },
  /** PhoneCallView: sets allowAutoClose; with the timer running, closes the card at once; answers []. */
  enableAutoClose(call) {
    if (call.kind !== 'card') return NO_REPLY;
    call.allowAutoClose = true;
    if (call.autoCloseTimer) {
      log('out', 'auto-close enabled while the close timer ran: the portal closes the card now');
      queueMicrotask(() => closeNow(call, 'enableAutoClose'));
    }
    refresh();
    return [];
  },
  /**
   * Only an admin may set app options; the portal answers with its server's result, and a
   * non-admin gets no answer at all (applayout.js; BX24.js offers appOption.set to admins only).
   */
  setAppOption(call, params, callback) {
    if (!params || typeof params.name !== 'string') return NO_REPLY;
    if (!call.admin) {
      world.rejected.push({ reason: 'not_admin', command: 'setAppOption' });
      log('bad', 'refused setAppOption: only an administrator may set app options');
      return NO_REPLY;
    }
    serverPost('/emulator/app-option', { auth: call.auth, name: params.name, value: params.value }).then((ok) => {
      if (!ok) return log('bad', 'the portal could not store the app option');
      world.app.appOptions[params.name] = params.value;
      showApp();
      log('out', `portal stored app option ${params.name} (kept across emulator restarts)`);
      return reply(call, callback, true);
    }).catch((error) => log('bad', `the portal could not store the app option: its server did not answer (${error})`));
    return NO_REPLY;
  },
  /** Echoes its params (applayout.js). */
  setUserOption(call, params) {
    if (!params || typeof params.name !== 'string') return NO_REPLY;
    call.userOptions[params.name] = params.value;
    return params;
  },
  /** Answers the size it set, {width, height} (applayout.js). */
  resizeWindow(call, params) {
    const height = Number.parseInt(params && params.height, 10);
    if (Number.isFinite(height)) call.iframe.style.height = `${Math.min(Math.max(height, 120), 2000)}px`;
    return { width: params && params.width, height: params && params.height };
  },
  /** Sent by the SDK (@bitrix24/b24jssdk) on a first run. */
  setInstall() { return {}; },
  /** installFinish: only the install page's frame may end the install (the REST docs' installFinish). */
  setInstallFinish(call) {
    if (call.kind !== 'install') return NO_REPLY;
    serverPost('/emulator/installed', { auth: call.auth }).then(() => {
      log('out', 'portal: installation finished');
      return loadApp();
    }).catch((error) => log('bad', `the portal could not record the installation: its server did not answer (${error})`));
    return {};
  },
  /** A refresh that fails shows an alert() in the portal and never answers (applayout.js). */
  refreshAuth(call, params, callback) {
    if (world.refreshAuth === 'silent') {
      log('bad', 'refreshAuth not answered (as chosen under "When the app refreshes its token")');
      setTimeout(() => window.alert('The application could not get a new authorisation.'), 0);
      return NO_REPLY;
    }
    renewToken(call).then(() => {
      log('out', `portal: refreshAuth answered with a new token${world.refreshAuth === 'expired' ? ' (expired too)' : ''}`);
      reply(call, callback, { AUTH_ID: call.auth, AUTH_EXPIRES: 3600, REFRESH_ID: call.refreshId });
    }).catch((error) => log('bad', `refreshAuth not answered: the emulator's server did not answer (${error})`));
    return NO_REPLY;
  },
};

/**
 * A new token for the frame, known to the portal's server before the app gets it
 * (so that the app's very next REST call works), expired at once if so chosen.
 *
 * @param {Call} call
 */
async function renewToken(call) {
  call.auth = randomHex(16);
  call.refreshId = randomHex(16);
  if (call.kind === 'card') {
    if (!(await report(call))) throw new Error('the call was not reported');
  } else if (!(await serverPost('/emulator/session', { auth: call.auth, admin: call.admin }))) {
    throw new Error('the session was not recorded');
  }
  if (world.refreshAuth === 'expired' && !(await serverPost('/emulator/expire', { auth: call.auth }))) {
    throw new Error('the token was not expired');
  }
}

/**
 * Both forms the portal accepts: "cmd:params:callback:sid" and {method, params, callback, appSid}.
 *
 * @param {any} data
 * @returns {Command | null}
 */
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
  const callback = /** @type {string} */ (parts.pop());
  const command = /** @type {string} */ (parts.shift());
  const raw = parts.join(':');
  let params = {};
  if (raw !== '') {
    try { params = JSON.parse(raw); } catch { return null; }
  }
  return { command, params, callback, appSid };
}

/** @param {Call} call @param {string} callback @param {unknown} value */
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

/**
 * Open the handler as the portal does: a POST into the named iframe, with DOMAIN, PROTOCOL,
 * LANG and APP_SID in the query string and the rest in the body (the app.layout template).
 *
 * @param {Call} call
 */
function postForm(call) {
  const form = document.createElement('form');
  form.method = 'POST';
  const action = new URL(call.url, config.appUrl);
  const query = { DOMAIN: config.domain, PROTOCOL: '0', LANG: call.lang, APP_SID: call.appSid };
  for (const [name, value] of Object.entries(query)) {
    const replaced = call.initData[name];
    action.searchParams.set(name, replaced === undefined ? value : String(replaced));
  }
  form.action = action.href;
  form.target = call.iframe.name;
  /** @type {Record<string, unknown>} */
  const fields = {
    AUTH_ID: call.auth, AUTH_EXPIRES: '3600', REFRESH_ID: call.refreshId,
    SERVER_ENDPOINT: 'https://oauth.bitrix.info/rest/', member_id: 'emulator', status: 'L',
    PLACEMENT: call.kind === 'card' ? 'CALL_CARD' : 'DEFAULT',
    PLACEMENT_OPTIONS: call.kind === 'card' ? placementOptions(call) : [],
  };
  const replaced = Object.fromEntries(Object.entries(call.initData).filter(([name]) => !(name in query)));
  for (const [name, value] of Object.entries({ ...fields, ...replaced })) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = typeof value === 'string' ? value : JSON.stringify(value);
    form.append(input);
  }
  document.body.append(form);
  form.submit();
  form.remove();
}

/**
 * @param {FrameKind} kind
 * @param {OpenOptions} options
 * @param {string} url
 * @returns {Call}
 */
function newFrame(kind, options, url) {
  const external = kind === 'card' && options.external === true;
  const ended = kind === 'card' && typeof options.endedWith === 'string';
  /** @type {Call} */
  const call = {
    kind,
    appSid: randomHex(16),
    // An external call's id is the PBX registration's (telephony.externalCall.register);
    // a telephony call's shape is a guess (the public code does not show one).
    callId: external ? `externalCall.${randomHex(16)}.${Math.floor(Date.now() / 1000)}`
      : `${randomHex(8).toUpperCase()}.${Math.floor(Date.now() / 1000)}.${Math.floor(Math.random() * 1e6)}`,
    auth: typeof options.auth === 'string' && /^[A-Za-z0-9._-]{1,128}$/.test(options.auth) ? options.auth : randomHex(16),
    refreshId: randomHex(16),
    // An external call's card opens connected, one opened after its call idle (PhoneCallsController).
    state: external ? 'connected' : ended ? 'idle' : options.state || $select('open-state').value,
    lang: options.lang || $select('lang').value,
    direction: options.direction || $select('direction').value,
    admin: kind === 'install' || (options.admin ?? $input('is-admin').checked),
    firstRun: kind === 'install' && !world.app.installed,
    client: CLIENTS[0],
    clientIndex: 0,
    allowAutoClose: true,
    autoCloseTimer: 0,
    autoCloseAt: 0,
    external,
    connected: false,
    ringing: false,
    startedAt: Date.now(),
    answeredAt: 0,
    ended: false,
    appOptions: { ...world.app.appOptions },
    userOptions: {},
    bindings: new Map(EVENTS.map((name) => [name, []])),
    iframe: document.createElement('iframe'),
    url,
    initDelayMs: Math.min(Math.max(Number(options.initDelayMs) || 0, 0), 10000),
    initData: options.initData && typeof options.initData === 'object' ? { ...options.initData } : {},
  };
  call.iframe.name = `${config.domain}|0|${call.appSid}`;
  call.iframe.title = kind === 'card' ? 'Call Timeline' : `Call Timeline: ${kind}`;
  return call;
}

/** @param {string[]} labels */
function showTabs(labels) {
  $('tabs').replaceChildren(...['CRM', ...labels].map((label, index) => Object.assign(
    document.createElement('span'),
    { className: index === 1 ? 'tab active' : 'tab', textContent: label },
  )));
}

/** @param {Tab} tab @param {string} lang */
function tabTitle(tab, lang) {
  const titles = tab.langAll || {};
  return (titles[lang] && titles[lang].TITLE) || tab.title || 'App';
}

/**
 * A new call: a new iframe, a new APP_SID, the app cold-started (as in a portal).
 * Only a tab the app bound is opened (its handler, which must be on the app's
 * origin); with none bound, the card offers to install the app.  Resolves the
 * call id, or null when there is no tab to open.
 *
 * @param {OpenOptions} [options]
 */
export async function openCard(options = {}) {
  if (options.url && new URL(options.url, config.appUrl).origin !== appOrigin) {
    throw new Error('the handler must be on the app origin');
  }
  closeCard();
  await loadApp();
  const tabs = callCardTabs();
  const lang = options.lang || $select('lang').value;
  showTabs(tabs.map((tab) => tabTitle(tab, lang)));
  if (!tabs.length) {
    offerInstall('This call card has no app tabs: Call Timeline is not installed (or its tab was unbound).');
    return null;
  }
  world.calls += 1;
  const call = newFrame('card', options, options.url || tabs[0].handler);
  call.connected = call.state === 'connected';
  call.answeredAt = call.connected ? Date.now() : 0;
  call.ringing = call.state === 'connecting';
  $('frame-slot').replaceChildren(call.iframe);
  world.call = call;
  world.commands = [];
  if (typeof options.endedWith === 'string') {
    // The tab was shown only after the call (voximplant.callView.loadRestApp loads a tab when it is
    // shown): its record is written already.
    call.ended = true;
    await report(call, { failedCode: options.endedWith, immediate: true });
  } else {
    await report(call);
  }
  if (options.expiredToken ?? $input('expired-at-open').checked) await expireToken();
  postForm(call);
  log('out', `portal opened the tab (POST ${call.url}, CALL_STATE=${call.state})`);
  refresh();
  return call.callId;
}

/**
 * One of the app's own pages in the frame: its install page or its settings page (main page).
 *
 * @param {'install' | 'settings'} kind
 * @param {OpenOptions} [options]
 */
export async function openPage(kind, options = {}) {
  if (!PAGES[kind]) throw new Error(`no such app page: ${kind}`);
  closeCard();
  await loadApp();
  const call = newFrame(kind, options, new URL(PAGES[kind], config.appUrl).href);
  await serverPost('/emulator/session', { auth: call.auth, admin: call.admin });
  showTabs([kind === 'install' ? 'Installing Call Timeline' : 'Call Timeline (app page)']);
  $('frame-slot').replaceChildren(call.iframe);
  world.call = call;
  world.commands = [];
  if (options.expiredToken ?? $input('expired-at-open').checked) await expireToken();
  postForm(call);
  log('out', `portal opened the app's ${kind} page (POST ${call.url}, IS_ADMIN=${call.admin}, FIRST_RUN=${call.firstRun})`);
  refresh();
  return call.appSid;
}

/** @param {string} text */
function offerInstall(text) {
  const button = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Install Call Timeline' });
  button.addEventListener('click', () => openPage('install'));
  const note = Object.assign(document.createElement('p'), { className: 'muted', textContent: text });
  const box = Object.assign(document.createElement('div'), { className: 'offer' });
  box.append(note, button);
  $('frame-slot').replaceChildren(box);
}

function showApp() {
  const tabs = callCardTabs();
  const state = world.app.installed ? 'installed' : 'not installed';
  $('app-state').textContent = `${state} · call-card tabs bound: ${tabs.length}`;
  $select('install-fault').value = world.app.installFault || '';
  const options = Object.keys(world.app.appOptions);
  $('app-options').textContent = options.length ? options.join(', ') : 'none';
}

/** Forget the app: not installed, no tabs, no options (as after deleting it from the portal). */
export async function uninstall() {
  closeCard();
  await serverPost('/emulator/reset', {});
  await loadApp();
  offerInstall('Call Timeline is not installed on this portal.');
}

/**
 * What goes wrong when the app binds its tab: '', 'no-telephony', 'bad-argument' or 'unreachable'.
 *
 * @param {string} fault
 */
export async function setInstallFault(fault) {
  await serverPost('/emulator/fault', { fault });
  return loadApp();
}

/**
 * The open frame's token expires now: the portal answers its REST calls with
 * expired_token until the app gets a new one (refreshAuth).
 */
export async function expireToken() {
  const call = world.call;
  if (!call) return false;
  const ok = await serverPost('/emulator/expire', { auth: call.auth });
  log(ok ? 'out' : 'bad', ok ? 'portal: the app\'s token has expired' : 'the emulator\'s server did not expire the token');
  return ok;
}

/**
 * How the portal answers the app's refreshAuth: 'renew' (a new token), 'silent'
 * (no answer at all) or 'expired' (a new token, refused too).
 *
 * @param {string} mode
 */
export function setRefreshAuth(mode) {
  if (!REFRESH_MODES.includes(mode)) throw new Error(`no such refreshAuth answer: ${mode}`);
  world.refreshAuth = /** @type {RefreshMode} */ (mode);
  $select('refresh-auth').value = mode;
}

/** The same call's tab loaded again (the operator reloads it): same APP_SID and CALL_ID. */
export function reloadCard() {
  const call = world.call;
  if (!call || call.kind !== 'card') return false;
  for (const ids of call.bindings.values()) ids.length = 0;
  postForm(call);
  log('out', `portal reloaded the tab (CALL_STATE=${call.state})`);
  refresh();
  return true;
}

/** The card's frame goes (the operator's tab closes, or a test starts afresh); no event fires. */
export function closeCard() {
  if (!world.call) return;
  clearTimeout(world.call.autoCloseTimer);
  world.call.autoCloseTimer = 0;
  world.call.iframe.remove();
  world.call = null;
  $('frame-slot').replaceChildren(Object.assign(document.createElement('p'), { className: 'muted', textContent: 'The call card is closed.' }));
  refresh();
}

/**
 * Raise an event: one reply on every callback id bound to it. `value` is what goes on the wire.
 *
 * @param {string} eventName
 * @param {unknown} [value]
 */
export function fire(eventName, value) {
  const call = world.call;
  if (!call || call.kind !== 'card') return 0;
  const callbacks = call.bindings.get(eventName) || [];
  for (const callback of callbacks) reply(call, callback, value);
  log('out', `portal → app  ${eventName} ${value === undefined ? '' : JSON.stringify(value)}`);
  return callbacks.length;
}

/**
 * PhoneCallView.close: BeforeClose fires, then the popup and its frames are destroyed in the
 * same task, so a message the portal posted to the frame in that task never arrives.  Nothing
 * the app does stops it.
 *
 * @param {Call} call
 * @param {string} why
 */
function closeNow(call, why) {
  if (world.call !== call) return;
  fire('CallCard::BeforeClose');
  world.closed.push({ callId: call.callId, why, at: Date.now() });
  log('out', `portal: the card is closed (${why})`);
  closeCard();
}

/**
 * The auto-close timer of a held card: it closes the card HOLD_MS after it is armed or
 * last restarted (by a disableAutoClose while it runs).
 *
 * @param {Call} call
 */
function armAutoClose(call) {
  clearTimeout(call.autoCloseTimer);
  call.autoCloseAt = Date.now() + HOLD_MS;
  call.autoCloseTimer = window.setTimeout(() => {
    call.autoCloseTimer = 0;
    closeNow(call, 'the hold ran out');
  }, HOLD_MS);
}

/**
 * PhoneCallView.autoClose: without a hold, close() at once; with one (a disableAutoClose sent
 * before), BeforeClose fires and the timer is armed now, at the end.
 *
 * @param {Call} call
 */
function autoClose(call) {
  if (world.call !== call) return;
  if (call.allowAutoClose) {
    closeNow(call, 'auto-close');
    return;
  }
  fire('CallCard::BeforeClose');
  log('bad', `close refused: the app holds the card (it closes in ${HOLD_MS / 1000} s unless renewed)`);
  if (!call.autoCloseTimer) armAutoClose(call);
  refresh();
}

function wireForm() {
  return /** @type {HTMLInputElement} */ (document.querySelector('input[name=wire]:checked')).value;
}

function chosenCode() {
  const code = $select('failed-code').value;
  return code === 'custom' ? $input('custom-code').value : code;
}

/**
 * Move the call to `state` (PhoneCallView.setCallState): a repeat of the current state does
 * not fire, and the view starts idle, so a call that fails before ringing sends nothing.
 * On the wire goes the state alone: the reply function of placementBindEvent takes only its
 * first argument (applayout.js).  'array' puts [state, {failedCode}] there,
 * as the docs describe it: a labelled choice, not what a portal does.  An `idle` ends the
 * call: the portal writes its record with the code it knows.
 *
 * @param {string} state
 * @param {string | number} [failedCode]
 * @param {string} [form] 'array' for [state, params] on the wire (as the docs describe), else the state alone
 * @param {string | number} [recordCode] the code the portal records, when not the one it sends
 */
export function setCallState(state, failedCode = '', form = wireForm(), recordCode = failedCode) {
  const call = world.call;
  // An external call's card never hears a state (PhoneCallsController).
  if (!call || call.kind !== 'card' || call.state === state || call.external) return false;
  if (call.ended && state !== 'idle') {
    // The next call in the same card (call-list mode): a new attempt.  How the portal keeps its
    // record is not in the public code: a guess, it is the same call's.
    Object.assign(call, { ended: false, connected: false, answeredAt: 0, ringing: false });
  }
  call.state = state;
  call.ringing ||= state === 'connecting';
  if (state === 'connected' && !call.connected) call.answeredAt = Date.now();
  call.connected ||= state === 'connected';
  if (state === 'idle' && !call.ended) {
    call.ended = true;
    call.failedCode = String(recordCode || '');
    report(call, { failedCode: call.failedCode });
  } else {
    report(call);
  }
  const params = state === 'idle' && failedCode ? { failedCode: String(failedCode) } : {};
  fire('CallCard::CallStateChanged', form === 'array' ? [state, params] : state);
  refresh();
  return true;
}

/**
 * The ways a call ends, each as the portal's code has it:
 * - 'failed': the network or the client failed it (PhoneCallsController#onPullTimeout):
 *   idle, then autoClose() in the same task; an external call failed with 486 or 480 shows
 *   the portal's error screen instead and stays;
 * - 'webrtc': the browser's call failed (#onCallFailed): idle without a code, the portal's
 *   error screen, no auto-close;
 * - 'hangup': the operator hangs up: idle, then close() at once, whatever the app holds;
 * - 'disconnected': the other side ended the call (#onCallDisconnected): idle, then autoClose();
 * - 'finish': telephony.externalCall.finish (or .hide) ends an external call through
 *   auto-close (#onPullHideExternalCall), its record written in the same request.
 * The record's code: `code`, or the portal's default (200 when answered, else 304; a guess for
 * the operator's hang-up before an answer: 603-S, "Decline self").
 *
 * @param {string} how
 * @param {string} [code]
 */
export function endCall(how, code = '') {
  const call = world.call;
  if (!call || call.kind !== 'card' || call.ended) return false;
  const wire = wireForm();
  const byPbx = ['finish', 'hide'].includes(how);
  if (call.external ? !byPbx && how !== 'failed' : byPbx) {
    log('bad', call.external ? `an external call ends by the PBX (finish or hide), or fails: not "${how}"`
      : `"${how}" ends only an external (PBX) call`);
    return false;
  }
  if (call.external) {
    call.ended = true;
    call.state = 'idle';
    if (how === 'hide') {
      // telephony.externalCall.hide: the card goes through auto-close; no record is written.
      report(call, { record: false });
      autoClose(call);
      return true;
    }
    // No CallStateChanged ever reaches an external call's card.  Whether the pull path writes
    // a record for an external call is not in the public code: a guess, it writes none (the
    // PBX's finish does).
    if (how === 'failed' && EXTERNAL_STAYS.includes(String(code))) {
      report(call, { failedCode: code, record: false });
      log('bad', `portal: the external call failed (${code}): its error screen shows, the card stays`);
      refresh();
      return true;
    }
    report(call, { failedCode: code, immediate: how === 'finish', record: how === 'finish' });
    autoClose(call);
    return true;
  }
  /**
   * The call goes idle: sent unless the view was idle all along (a call that failed before it
   * rang sends no state), and recorded with `recordCode` either way.
   *
   * @param {string} sent @param {string} recorded
   */
  const toIdle = (sent, recorded) => {
    if (!setCallState('idle', sent, wire, recorded)) {
      call.ended = true;
      report(call, { failedCode: recorded });
    }
  };
  if (how === 'hangup') {
    toIdle('', code || (call.connected ? '200' : '603-S'));
    closeNow(call, 'the operator hung up');
  } else if (how === 'failed') {
    toIdle(code || 'OTHER', code || 'OTHER');
    autoClose(call);
  } else if (how === 'webrtc') {
    // The code stays with the portal's error screen and its record (#onCallFailed).
    toIdle('', code || 'OTHER');
    log('bad', `portal: the call failed in the browser${code ? ` (${code})` : ''}: the portal's error screen shows`);
  } else if (how === 'disconnected') {
    toIdle('', code);
    autoClose(call);
  } else {
    return false;
  }
  refresh();
  return true;
}

/**
 * How the portal's call statistics answer the card: record (after a delay), none, or an error.
 *
 * @param {string} mode
 * @param {number} [delayMs]
 */
export function setStatistics(mode, delayMs = world.delayMs) {
  world.statistics = mode;
  world.delayMs = delayMs;
  $select('statistics').value = mode;
  return world.call ? report(world.call) : Promise.resolve();
}

export function changeClient() {
  const call = world.call;
  if (!call || call.kind !== 'card') return;
  call.clientIndex = (call.clientIndex + 1) % CLIENTS.length;
  call.client = CLIENTS[call.clientIndex];
  fire('CallCard::EntityChanged', { ...call.client });
}

/**
 * The portal tries to close the card (PhoneCallView.autoClose): BeforeClose; it stays if held.
 * The portal's code calls it only once the call is over, so it does nothing during a call.
 */
export function tryClose() {
  const call = world.call;
  if (!call || call.kind !== 'card') return false;
  if (!call.ended) {
    log('bad', 'the portal closes a card by itself only after its call: end the call first');
    return false;
  }
  autoClose(call);
  return world.call !== call;
}

function refresh() {
  const call = world.call && world.call.kind === 'card' ? world.call : null;
  $('call-state').textContent = call ? `${call.state}${call.external ? ' (external call)' : ''}` : '—';
  $('call-id').textContent = call ? call.callId : '';
  const left = call && call.autoCloseTimer ? Math.ceil((call.autoCloseAt - Date.now()) / 1000) : 0;
  $('auto-close').textContent = !call ? '—' : call.allowAutoClose ? 'allowed'
    : left > 0 ? `held by the app: closes in ${left} s unless renewed` : 'held by the app';
  $('bound').textContent = String(call ? [...call.bindings.values()].reduce((n, ids) => n + ids.length, 0) : 0);
  for (const id of ['end', 'client', 'close', 'reload']) {
    /** @type {HTMLButtonElement} */ ($(id)).disabled = !call || (id === 'end' && call.ended) || (id === 'close' && !call.ended);
  }
  for (const id of ['connecting', 'connected']) {
    // No state ever reaches an external call's card; an ended call may go on (call-list mode).
    /** @type {HTMLButtonElement} */ ($(id)).disabled = !call || call.external;
  }
  /** @type {HTMLButtonElement} */ ($('expire-token')).disabled = !world.call;
}

$('portal-domain').textContent = config.domain;
$('new-call').addEventListener('click', () => {
  const opening = $select('open-state').value;
  // The ending that fits the call: a PBX finishes its external calls; the portal fails the others.
  const how = $select('end-how');
  if (opening === 'external') how.value = 'finish';
  else if (['finish', 'hide'].includes(how.value)) how.value = 'failed';
  if (opening === 'external') openCard({ external: true });
  else if (opening === 'ended') openCard({ endedWith: chosenCode() });
  else openCard({ state: opening });
});
for (const state of ['connecting', 'connected']) $(state).addEventListener('click', () => setCallState(state));
$('end').addEventListener('click', () => endCall($select('end-how').value, chosenCode()));
$('failed-code').addEventListener('change', () => { $('custom-code').hidden = $select('failed-code').value !== 'custom'; });
$('client').addEventListener('click', changeClient);
$('statistics').addEventListener('change', () => setStatistics($select('statistics').value));
$('close').addEventListener('click', tryClose);
$('reload').addEventListener('click', reloadCard);
$('install').addEventListener('click', () => openPage('install'));
$('settings').addEventListener('click', () => openPage('settings'));
$('uninstall').addEventListener('click', uninstall);
$('install-fault').addEventListener('change', () => setInstallFault($select('install-fault').value));
$('expire-token').addEventListener('click', () => expireToken());
$('refresh-auth').addEventListener('change', () => setRefreshAuth($select('refresh-auth').value));
setInterval(() => { if (world.call && world.call.autoCloseTimer) refresh(); }, 1000);

const emulator = {
  openCard, openPage, uninstall, setInstallFault, loadApp, reloadCard, closeCard, fire, setStatistics,
  setCallState, endCall, changeClient, tryClose, parseCommand, expireToken, setRefreshAuth,
  get app() { return JSON.parse(JSON.stringify(world.app)); },
  get commands() { return world.commands.map((c) => ({ ...c })); },
  get rejected() { return world.rejected.map((r) => ({ ...r })); },
  get log() { return world.log.map((entry) => ({ ...entry })); },
  /** Every card the portal closed, and why ('auto-close', 'enableAutoClose', 'the hold ran out', ...). */
  get closed() { return world.closed.map((entry) => ({ ...entry })); },
  get call() {
    const call = world.call;
    return call && {
      kind: call.kind, callId: call.callId, appSid: call.appSid, state: call.state, auth: call.auth,
      external: call.external, ended: call.ended, autoClose: call.allowAutoClose,
      closesIn: call.autoCloseTimer ? Math.max(0, call.autoCloseAt - Date.now()) : null,
    };
  },
  /** @param {string} eventName */
  bound(eventName) { return world.call ? world.call.bindings.get(eventName)?.length ?? 0 : 0; },
  /** @param {string} eventName */
  callbacks(eventName) { return world.call ? [...world.call.bindings.get(eventName) ?? []] : []; },
  /**
   * Post anything at all to the card, as a broken or hostile portal might.
   *
   * @param {unknown} data
   */
  post(data) { if (world.call) world.call.iframe.contentWindow?.postMessage(data, appOrigin); },
  appOrigin,
};
/** @type {any} */ (window).emulator = emulator;

refresh();
const query = new URLSearchParams(location.search);
loadApp().then(() => {
  if (query.get('autostart') === '0') return null;
  if (callCardTabs().length) return openCard();
  offerInstall('Call Timeline is not installed on this portal yet. Install it first (one click):');
  return null;
});
