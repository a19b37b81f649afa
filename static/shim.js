// @ts-check
/**
 * Call Timeline shim: binds the call-card events at once, stamps each one
 * with its arrival time, shows the state in the text fallback straight away,
 * and forwards everything, in order, to Python, which runs in a worker
 * (static/engine.js) so that its start-up never holds up this thread.  It
 * draws what Python sends back.  The state lives in Python; nothing here
 * decides anything.
 */
import { CALL_CARD_EVENTS, FrameClient, readFrameName } from './frame.js';
import { FallbackView, readCallState } from './fallback.js';
import { DomPatcher } from './dom-ops.js';
import { startPython } from './python.js';

const OPENED = 'app:opened';
const DONE = 'app:done';
/** The only portal commands Python may ask this page to send. */
const PYTHON_COMMANDS = new Set(['disableAutoClose', 'enableAutoClose']);
const MAX_PAYLOAD = 65536;
const STORAGE_PREFIX = 'call-timeline:v1:';

const root = document.documentElement;
const timeline = /** @type {HTMLElement} */ (document.getElementById('timeline'));
const catalogue = JSON.parse(/** @type {HTMLElement} */ (document.getElementById('catalogue')).textContent);
const fallback = new FallbackView(document, catalogue);
const drawing = new DomPatcher(timeline);
/** @type {Worker | null} */
let engine = null;
/** @type {FrameClient | null} */
let client = null;
let live = false;
let sawCallEvent = false;

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

/** @param {string} kind @param {unknown[]} args */
function record(kind, args) {
  const at = Date.now();
  try {
    if (kind === 'CallCard::CallStateChanged') {
      const seen = readCallState(args);
      if (seen) {
        fallback.showState(seen.state, seen.code);
        fallback.note(seen.state, seen.code, at);
        markFirstState();
      }
    }
  } catch (error) {
    console.warn('Call Timeline: the quick view skipped an event', error);
  }
  if (CALL_CARD_EVENTS.includes(kind)) sawCallEvent = true;
  if (engine) engine.postMessage({ type: 'event', kind, payload: serialise(args), at });
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

/** @param {any} data the init data, as the portal sent it */
function opened(data) {
  if (!data || typeof data !== 'object') return;
  fallback.setLang(data.LANG);
  const options = typeof data.PLACEMENT_OPTIONS === 'string'
    ? (() => { try { return JSON.parse(data.PLACEMENT_OPTIONS); } catch { return null; } })()
    : data.PLACEMENT_OPTIONS;
  const state = options && options.CALL_STATE;
  // A call event already seen is newer than the state the tab opened in.
  if (['idle', 'connecting', 'connected'].includes(state) && !sawCallEvent) {
    fallback.showState(state, null);
    markFirstState();
  }
}

function connect() {
  const frame = readFrameName(window.name);
  if (!frame) {
    fallback.say('no_frame');
    return;
  }
  const portal = new FrameClient(frame);
  client = portal;
  portal.call('getInitData', undefined, 5000).then((reply) => {
    if (!reply.ok) {
      console.warn('Call Timeline: the portal did not answer getInitData');
      return;
    }
    performance.mark('call-timeline:init-data');
    opened(reply.value);
    record(OPENED, [reply.value]);
    portal.call('getStatus', {}, 900).then((status) => {
      if (status.ok && status.value && typeof status.value === 'object') record(OPENED, [status.value]);
    });
  });
  for (const name of CALL_CARD_EVENTS) portal.bindEvent(name, intake(name));
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
    console.warn('Call Timeline: local storage is not available', error);
    return null;
  }
}

/**
 * What Python, in the worker, sends this page.
 *
 * @typedef {{ type: 'dom', ops: string }
 *   | { type: 'storage', op: string, key: string, value?: string }
 *   | { type: 'frame', command: string }
 *   | { type: 'mark', name: string }
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

/** @param {EngineMessage} message */
function fromEngine(message) {
  switch (message.type) {
    case 'dom':
      drawing.apply(JSON.parse(message.ops));
      break;
    case 'storage':
      store(message);
      break;
    case 'frame':
      if (client && PYTHON_COMMANDS.has(message.command)) client.call(message.command, {}, 900);
      break;
    case 'mark':
      performance.mark(`call-timeline:${message.name}`);
      fallback.step(message.name === 'pyodide-ready' ? 1 : 2, 3);
      break;
    case 'live':
      live = true;
      fallback.step(3, 3);
      fallback.handOver();
      root.dataset.engine = 'python';
      performance.mark('call-timeline:python-live');
      break;
    default:
      break;
  }
}

function startEngine() {
  fallback.say('engine.loading');
  fallback.step(0, 3);
  return startPython({
    entry: 'placement_app.card.app',
    data: { storage: savedCalls(), utcOffset: -new Date().getTimezoneOffset() },
    onMessage: fromEngine,
    onFailed: runWithoutPython,
  });
}

// Bind first: nothing is more urgent.  No event can arrive before the engine
// exists, since replies come in later tasks than this one.
connect();
// "Done" on a card held open after a failed call: an event like the others, in order.
timeline.addEventListener('click', (event) => {
  if (event.target instanceof Element && event.target.closest('button[data-action="done"]')) record(DONE, []);
});

try {
  engine = startEngine();
} catch (error) {
  console.error('Call Timeline: Python cannot start here', error);
  runWithoutPython(error instanceof Error ? error.message : String(error));
}
