// @ts-check
/**
 * Call Timeline shim: binds the call-card events at once, stamps each one
 * with its arrival time, shows the state in the text fallback straight away,
 * holds the portal's auto-close from the moment it binds (hold.js: the one
 * decision the page takes itself), and forwards everything, in order, to Python, which runs in a worker
 * (static/engine.js) so that its start-up never holds up this thread.  It
 * draws what Python sends back.  The state lives in Python; nothing here
 * decides anything.
 *
 * Secrets: only the init data (which Python needs for REST) goes to Python
 * as it came; every other event is forwarded, shown and kept with its secrets
 * hidden (secrets.js), and nothing from the frame is logged.
 *
 * Nothing lost on a reload: Python saves the timeline on a throttle, in a
 * worker that may never run again once this page goes, so asking it to save
 * then would come too late (its storage writes reach this page as messages,
 * in later tasks than the unload).  Instead the page keeps every event it
 * forwarded (numbered) until Python says that the saved copy holds it (a
 * 'saved' message with the number), and the moment the page is hidden or
 * goes, it writes the events still unconfirmed to localStorage itself,
 * synchronously: the journal (secrets hidden, the init data's too).  A page
 * that unloads is first hidden (visibilitychange), then gets pagehide: both
 * write it.  While hidden the journal is kept exact with every event and
 * every confirmation; once visible again it is removed (this page holds the
 * events).  The next card of the call replays it over the saved copy, once
 * (placement_app/card/app.py, Card._learn_call).  Saving every event at once
 * in Python would cost little (about 0.3 ms a save under CPython) but would
 * still leave the events in flight to the worker at the unload: it is the
 * journal that guarantees.
 */
import { CALL_CARD_EVENTS, FrameClient, readFrameName } from './frame.js';
import { BARE, QuickView, readCallState } from './quick-view.js';
import { DomPatcher } from './dom-ops.js';
import { startPython } from './python.js';
import { redact } from './secrets.js';
import { Announcer } from './announcer.js';
import { SupportCopy } from './support.js';
import { createHold } from './hold.js';

const OPENED = 'app:opened';
const DONE = 'app:done';
/** The only portal commands Python may ask this page to send. */
const PYTHON_COMMANDS = new Set(['disableAutoClose', 'enableAutoClose', 'refreshAuth', 'resizeWindow']);
/** How long a command whose reply Python waits for may take (the SDK gives refreshAuth 10 s). */
const REPLY_TIMEOUT_MS = 10000;
const MAX_PAYLOAD = 65536;
const STORAGE_PREFIX = 'call-timeline:v1:';
/** The events a journal keeps (the init data too, its secrets hidden: Python does not need them there). */
const JOURNAL_KINDS = new Set([...CALL_CARD_EVENTS, DONE, OPENED]);
/** The most unconfirmed events kept; beyond it the oldest go (as in the engine's queue). */
const MAX_UNSAVED = 2000;
/** This page's journal (placement_app/card/storage.py reads it). */
const PAGE_ID = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
const JOURNAL_KEY = `${STORAGE_PREFIX}journal:${PAGE_ID}`;

const root = document.documentElement;
const timeline = /** @type {HTMLElement} */ (document.getElementById('timeline'));
// The page's links fetch the catalogue with this module; a warm card has both cached.
// Times in the browser's time zone, by Intl, as Python's worker writes them (no offset handed over).
// The first words in the portal's language: the frame's address carries it (Bitrix24 adds LANG).
const rules = await readRules();
const fallback = new QuickView(document, rules, { lang: new URLSearchParams(window.location.search).get('LANG'),
  read: readStorage });
const drawing = new DomPatcher(timeline);
const announcer = new Announcer(/** @type {HTMLElement} */ (document.getElementById('announce')));
const support = new SupportCopy(/** @type {HTMLElement} */ (document.getElementById('support')),
  /** @type {HTMLButtonElement} */ (document.getElementById('copy-support')));
/** Python asked the portal to fit the frame to the card: asked again when the quick view goes. */
let fitting = false;
/** The height the portal was last asked to fit the frame to. */
let fittedHeight = 0;
/** @type {Worker | null} */
let engine = null;
/** @type {FrameClient | null} */
let client = null;
let live = false;
/** The hold on the portal's auto-close, sent at bind; let go by the page only if Python never comes. */
const hold = createHold({ send: (name) => client?.call(name, {}, 900), isLive: () => live });
let sawCallEvent = false;
/** The page's number for the last event it forwarded. */
let seq = 0;
/** @type {{ kind: string, payload: string, at: number, seq: number }[]} forwarded, not yet saved */
const unsaved = [];
/** @type {string | null} the call, from the init data: the journal's owner */
let callId = null;
let journalKept = false;

/**
 * What build.py exports beside this module (`rules.json`) for the quick view, or, if it cannot
 * be read, none (the quick view then shows bare states).
 *
 * @returns {Promise<import('./quick-view.js').Export>}
 */
async function readRules() {
  try {
    const response = await fetch(new URL('rules.json', import.meta.url));
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const exported = await response.json();
    if (exported?.quick?.tables) return exported.quick;
    throw new TypeError('not the rules');
  } catch (error) {
    console.error('Call Timeline: the quick view\'s words are unreadable; it shows bare states', error);
    return BARE;
  }
}

/** @param {string} key @returns {string | null} this app's stored item, or null (also when storage is refused) */
function readStorage(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function markFirstState() {
  if (!performance.getEntriesByName('call-timeline:first-state').length) {
    performance.mark('call-timeline:first-state');
  }
}

/** @param {unknown[]} args */
function serialise(args) {
  let text;
  try {
    text = JSON.stringify(args);
  } catch {
    text = JSON.stringify([String(args[0])]);
  }
  if (text === undefined) return '[]';
  return text.length <= MAX_PAYLOAD ? text : JSON.stringify([{ oversized: text.length }]);
}

/**
 * Write the journal of unconfirmed events now (or remove it when there is none).
 * Synchronous: it must be done before this page goes.
 */
function keepJournal() {
  try {
    if (unsaved.length && callId) {
      const events = unsaved.map(({ kind, payload, at }) => [kind, payload, at]);
      localStorage.setItem(JOURNAL_KEY, JSON.stringify({
        version: 1, call_id: callId, page: PAGE_ID, written: Date.now(), events,
      }));
      journalKept = true;
    } else if (journalKept) {
      localStorage.removeItem(JOURNAL_KEY);
      journalKept = false;
    }
  } catch (error) {
    console.warn('Call Timeline: the unsaved events could not be kept for a reload', error);
  }
}

function dropJournal() {
  if (!journalKept) return;
  try {
    localStorage.removeItem(JOURNAL_KEY);
  } catch {
    // Storage gone: there is nothing left to remove.
  }
  journalKept = false;
}

/**
 * @param {string} kind
 * @param {unknown[]} args
 * @returns {number} when it arrived
 */
function record(kind, args) {
  const at = Date.now();
  // The init data goes to Python as it came (its token is for REST); nothing else needs a secret.
  const safe = kind === OPENED ? args : /** @type {unknown[]} */ (redact(args));
  try {
    if (kind === 'CallCard::CallStateChanged') {
      const seen = readCallState(rules, safe);
      if (seen && seen.state === 'idle') hold.ended();
      if (seen) {
        fallback.callState(seen.state, seen.code, at);
        announcer.fromQuickView(fallback);
        markFirstState();
      }
    }
  } catch (error) {
    console.warn('Call Timeline: the quick view skipped an event', error instanceof Error ? error.name : typeof error);
  }
  if (kind === 'CallCard::BeforeClose') hold.ended();
  if (CALL_CARD_EVENTS.includes(kind)) sawCallEvent = true;
  seq += 1;
  const payload = serialise(safe);
  if (JOURNAL_KINDS.has(kind)) {
    unsaved.push({ kind, payload: kind === OPENED ? serialise(/** @type {unknown[]} */ (redact(args))) : payload, at, seq });
    if (unsaved.length > MAX_UNSAVED) unsaved.shift();
    if (document.visibilityState === 'hidden') keepJournal();
  }
  if (engine) engine.postMessage({ type: 'event', kind, payload, at, seq });
  return at;
}

/**
 * The callback for one event name.  It takes the arguments as they come:
 * one wire value (our frame client) or two (a library that spreads arrays).
 *
 * @param {string} kind
 * @returns {(...args: unknown[]) => void}
 */
export function intake(kind) {
  return (...args) => record(kind, args);
}

/**
 * The call's id, from the placement options (init data, or a getStatus reply): it names the journal's call.
 *
 * @param {any} options
 */
function noteCall(options) {
  const call = options && typeof options === 'object' ? options.CALL_ID : null;
  if (callId === null && (typeof call === 'string' || typeof call === 'number') && String(call).length <= 200) {
    callId = String(call);
  }
}

/**
 * @param {any} data the init data, as the portal sent it
 * @param {number} at when it arrived
 */
function opened(data, at) {
  if (!data || typeof data !== 'object') return;
  const options = typeof data.PLACEMENT_OPTIONS === 'string'
    ? (() => { try { return JSON.parse(data.PLACEMENT_OPTIONS); } catch { return null; } })()
    : data.PLACEMENT_OPTIONS;
  const state = options && options.CALL_STATE;
  noteCall(options);
  const known = ['idle', 'connecting', 'connected'].includes(state);
  try {
    fallback.opened({ lang: data.LANG, state: known ? state : null, callId }, at);
  } catch (error) {
    console.warn('Call Timeline: the quick view skipped the init data', error instanceof Error ? error.name : typeof error);
  }
  if (known && !sawCallEvent) markFirstState();
}

/** @returns {boolean} whether the page is in a portal's frame (there is a call to listen to) */
function connect() {
  const frame = readFrameName(window.name);
  if (!frame) return false;
  const portal = new FrameClient(frame);
  client = portal;
  portal.call('getInitData', undefined, 5000).then((reply) => {
    if (!reply.ok) {
      console.warn('Call Timeline: the portal did not answer getInitData');
      return;
    }
    performance.mark('call-timeline:init-data');
    opened(reply.value, record(OPENED, [reply.value]));
    portal.call('getStatus', {}, 900).then((status) => {
      if (!status.ok || !status.value || typeof status.value !== 'object') return;
      noteCall(status.value);
      record(OPENED, [status.value]);
    });
  });
  for (const name of CALL_CARD_EVENTS) portal.bindEvent(name, intake(name));
  // Before any end can arrive: a portal destroys an unheld card in the same task as its end.
  hold.bound();
  return true;
}

/** @param {string} reason */
function runWithoutPython(reason) {
  if (live) return;
  root.dataset.engine = 'fallback';
  fallback.failed(reason);
}

/** This app's saved calls, for the worker (which has no localStorage); null if refused. */
function savedCalls() {
  try {
    /** @type {Record<string, string | null>} */
    const saved = {};
    for (let index = 0; index < localStorage.length; index++) {
      const key = localStorage.key(index);
      if (key && key.startsWith(STORAGE_PREFIX)) saved[key] = localStorage.getItem(key);
    }
    return saved;
  } catch (error) {
    console.warn('Call Timeline: local storage is not available', error instanceof Error ? error.name : typeof error);
    return null;
  }
}

/**
 * What Python, in the worker, sends this page.
 *
 * @typedef {{ type: 'dom', ops: string }
 *   | { type: 'storage', op: string, key: string, value?: string }
 *   | { type: 'frame', command: string, id?: string }
 *   | { type: 'saved', seq: number }
 *   | { type: 'dropped', count: number }
 *   | { type: 'mark', name: string }
 *   | { type: 'announce', text: string }
 *   | { type: 'support', text: string, words: string }
 *   | { type: 'words', table: string }
 *   | { type: 'live' }} EngineMessage
 */

/** @param {{ op: string, key: string, value?: string }} message */
function store({ op, key, value }) {
  if (typeof key !== 'string' || !key.startsWith(STORAGE_PREFIX)) return;
  try {
    if (op === 'set') localStorage.setItem(key, String(value));
    else if (op === 'remove') localStorage.removeItem(key);
  } catch (error) {
    console.warn('Call Timeline: the timeline could not be saved', error);
  }
}

/** Python's drawing, applied; an unreadable batch is skipped and the quick view comes back. */
function draw(/** @type {string} */ ops) {
  let operations;
  try {
    operations = JSON.parse(ops);
    if (!Array.isArray(operations)) throw new TypeError('not a list of operations');
  } catch (error) {
    console.error('Call Timeline: a drawing from Python was unreadable and was skipped',
      error instanceof Error ? error.name : typeof error);
    fallback.drawingLost();
    return;
  }
  drawing.apply(operations);
}

/**
 * A portal command Python asked for.  With an id, Python waits for the
 * reply: it goes back to the worker as a message of its own ('reply').
 *
 * @param {{ command: string, id?: string }} message
 */
function command({ command: name, id }) {
  if (!client || !PYTHON_COMMANDS.has(name)) return;
  if (name === 'resizeWindow') {
    fitting = true;
    fit();
    return;
  }
  if (typeof id !== 'string') {
    client.call(name, {}, 900);
    return;
  }
  client.call(name, {}, REPLY_TIMEOUT_MS).then((reply) => {
    if (engine) engine.postMessage({ type: 'reply', id, ok: reply.ok, value: reply.ok ? reply.value ?? null : null });
  });
}

/**
 * Ask the portal to fit the frame to the card, once Python asked for it and is live, and then
 * whenever the card's height changes (a ResizeObserver sees it after layout, so the height
 * asked for is the one drawn, not one measured before the drawing of the same change arrived).
 * Not before Python is live: the page holds both views then, and a fit would grow the frame only
 * to shrink it when the quick view goes.  A height already asked for is not asked again.
 */
function fit() {
  if (!client || !fitting || !live) return;
  const params = fitParams();
  if (params.height === fittedHeight) return;
  fittedHeight = params.height;
  client.call('resizeWindow', params, 900);
}

/** What `resizeWindow` asks for: the full width, and the card's own height (as BX24.fitWindow). */
function fitParams() {
  return { width: '100%', height: Math.ceil(document.body.getBoundingClientRect().height) };
}

/** @param {number} through Python saved every event up to this number */
function confirmSaved(through) {
  while (unsaved.length && unsaved[0].seq <= through) unsaved.shift();
  if (document.visibilityState === 'hidden') keepJournal();
}

/** @param {EngineMessage} message */
function fromEngine(message) {
  switch (message.type) {
    case 'dom':
      draw(message.ops);
      break;
    case 'storage':
      store(message);
      break;
    case 'frame':
      command(message);
      break;
    case 'saved':
      if (typeof message.seq === 'number') confirmSaved(message.seq);
      break;
    case 'dropped':
      fallback.dropped(Number(message.count) || 0);
      break;
    case 'announce':
      announcer.fromEngine(message.text);
      break;
    case 'support':
      support.update(message.text, message.words);
      break;
    case 'words':
      fallback.adopt(message.table);
      break;
    case 'mark':
      performance.mark(`call-timeline:${message.name}`);
      if (message.name === 'from-snapshot') root.dataset.start = 'snapshot';
      if (message.name === 'pyodide-ready') {
        // How Python started, for whoever looks into the card (tools, tests): from the
        // build's snapshot, or the normal way (micropip installs the wheel next).
        root.dataset.start ||= 'normal';
        fallback.step(1, 3);
      }
      if (message.name === 'wheel-installed') fallback.step(2, 3);
      break;
    case 'live':
      live = true;
      hold.live();
      fallback.step(3, 3);
      fallback.handOver();
      root.dataset.engine = 'python';
      performance.mark('call-timeline:python-live');
      fit();
      break;
    default:
      break;
  }
}

function startEngine() {
  fallback.say('loading');
  fallback.step(0, 3);
  return startPython({
    entry: 'placement_app.card.app',
    data: { storage: savedCalls() },
    onMessage: fromEngine,
    onFailed: runWithoutPython,
  });
}

// Bind first: nothing is more urgent.  No event can arrive before the engine
// exists, since replies come in later tasks than this one.
const inPortal = connect();
new ResizeObserver(fit).observe(document.body);
// The journal: written when the page is hidden or goes, removed when it is shown again.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') keepJournal();
  else dropJournal();
});
window.addEventListener('pagehide', keepJournal);
window.addEventListener('pageshow', (event) => { if (event.persisted) dropJournal(); });
// "Done" on a card held open after a failed call: an event like the others, in order.
timeline.addEventListener('click', (event) => {
  if (event.target instanceof Element && event.target.closest('button[data-action="done"]')) record(DONE, []);
});

if (!inPortal) {
  // No portal, no call: starting Python would only draw an empty card over the one plain sentence.
  root.dataset.engine = 'outside';
  fallback.outside();
} else {
  try {
    engine = startEngine();
  } catch (error) {
    console.error('Call Timeline: Python cannot start here', error);
    runWithoutPython(error instanceof Error ? error.message : String(error));
  }
}
