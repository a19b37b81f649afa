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

const OPENED = 'app:opened';
const MAX_PAYLOAD = 65536;
const STORAGE_PREFIX = 'call-timeline:v1:';
/** How long Python may take to start before the card says it runs without it. */
const PYTHON_TIMEOUT_MS = 45000;

const root = document.documentElement;
const boot = JSON.parse(document.getElementById('boot').textContent);
const catalogue = JSON.parse(document.getElementById('catalogue').textContent);
const fallback = new FallbackView(document, catalogue);
const drawing = new DomPatcher(document.getElementById('timeline'));
let engine = null;
let live = false;
let sawCallEvent = false;

function markFirstState() {
  if (!performance.getEntriesByName('call-timeline:first-state').length) {
    performance.mark('call-timeline:first-state');
  }
}

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
  if (kind !== OPENED) sawCallEvent = true;
  if (engine) engine.postMessage({ type: 'event', kind, payload: serialise(args), at });
}

/**
 * The callback for one event name.  It takes the arguments as they come:
 * one wire value (our frame client) or two (a library that spreads arrays).
 */
export function intake(kind) {
  return (...args) => record(kind, args);
}

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
  const client = new FrameClient(frame);
  client.call('getInitData', undefined, 5000).then((reply) => {
    if (!reply.ok) {
      console.warn('Call Timeline: the portal did not answer getInitData');
      return;
    }
    performance.mark('call-timeline:init-data');
    opened(reply.value);
    record(OPENED, [reply.value]);
    client.call('getStatus', {}, 900).then((status) => {
      if (status.ok && status.value && typeof status.value === 'object') record(OPENED, [status.value]);
    });
  });
  for (const name of CALL_CARD_EVENTS) client.bindEvent(name, intake(name));
}

/** The start-up limit: ?python_timeout=<ms> (1 s to 5 min), else the default. */
function pythonTimeout() {
  const raw = new URLSearchParams(location.search).get('python_timeout');
  const value = raw !== null && /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  return value >= 1000 && value <= 300000 ? value : PYTHON_TIMEOUT_MS;
}

function runWithoutPython(reason) {
  if (live) return;
  root.dataset.engine = 'fallback';
  fallback.failed(reason);
}

/** This app's saved calls, for the worker (which has no localStorage); null if refused. */
function savedCalls() {
  try {
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

function store({ op, key, value }) {
  if (typeof key !== 'string' || !key.startsWith(STORAGE_PREFIX)) return;
  try {
    if (op === 'set') localStorage.setItem(key, String(value));
    else if (op === 'remove') localStorage.removeItem(key);
  } catch (error) {
    console.warn('Call Timeline: the timeline could not be saved', error);
  }
}

function fromEngine(message, limit) {
  switch (message.type) {
    case 'dom':
      drawing.apply(JSON.parse(message.ops));
      break;
    case 'storage':
      store(message);
      break;
    case 'mark':
      performance.mark(`call-timeline:${message.name}`);
      fallback.step(message.name === 'pyodide-ready' ? 1 : 2, 3);
      break;
    case 'live':
      clearTimeout(limit);
      live = true;
      fallback.step(3, 3);
      fallback.handOver();
      root.dataset.engine = 'python';
      performance.mark('call-timeline:python-live');
      break;
    case 'failed':
      clearTimeout(limit);
      console.error('Call Timeline: Python could not start:', message.reason);
      runWithoutPython(message.reason);
      break;
    default:
      break;
  }
}

function startEngine() {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') {
    throw new Error('this browser has no WebAssembly');
  }
  if (typeof Worker !== 'function') throw new Error('this browser has no Web Workers');
  fallback.say('engine.loading');
  fallback.step(0, 3);
  const limit = setTimeout(() => {
    console.warn('Call Timeline: Python is taking too long; showing states without it');
    runWithoutPython(`not ready after ${Math.round(pythonTimeout() / 1000)} s`);
  }, pythonTimeout());
  const worker = new Worker(new URL('engine.js', import.meta.url), { type: 'module' });
  worker.onmessage = (event) => fromEngine(event.data, limit);
  worker.onerror = (event) => {
    clearTimeout(limit);
    runWithoutPython(event.message || 'the Python worker failed');
  };
  const absolute = (path) => new URL(path, document.baseURI).href;
  worker.postMessage({
    type: 'boot',
    boot: {
      pyodide: absolute(boot.pyodide),
      wheels: boot.wheels.map(absolute),
      appWheel: absolute(boot.appWheel),
    },
    storage: savedCalls(),
    utcOffset: -new Date().getTimezoneOffset(),
  });
  return worker;
}

// Bind first: nothing is more urgent.  No event can arrive before the engine
// exists, since replies come in later tasks than this one.
connect();
try {
  engine = startEngine();
} catch (error) {
  console.error('Call Timeline: Python cannot start here', error);
  runWithoutPython(error.message);
}
