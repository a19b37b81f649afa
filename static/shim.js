/**
 * Call Timeline shim: binds the call-card events at once, keeps each one with
 * its arrival time, shows the state in the text fallback straight away, and
 * hands everything, in order, to Python once Pyodide is up.  From then on it
 * only forwards.  The state lives in Python; nothing here decides anything.
 */
import { CALL_CARD_EVENTS, FrameClient, readFrameName } from './frame.js';
import { FallbackView, readCallState } from './fallback.js';

const OPENED = 'app:opened';
const MAX_PAYLOAD = 65536;
/** How long Python may take to start before the card says it runs without it. */
const PYTHON_TIMEOUT_MS = 45000;

const root = document.documentElement;
const boot = JSON.parse(document.getElementById('boot').textContent);
const catalogue = JSON.parse(document.getElementById('catalogue').textContent);
const fallback = new FallbackView(document, catalogue);
const queue = [];
let deliver = null;

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

function hand(kind, payload, at) {
  try {
    deliver(kind, payload, at);
  } catch (error) {
    console.error('Call Timeline: Python did not take an event', error);
  }
}

function record(kind, args) {
  const at = Date.now();
  try {
    if (kind === 'CallCard::CallStateChanged') {
      const seen = readCallState(args);
      if (seen) {
        fallback.showState(seen.state, seen.code);
        fallback.note(seen.state, seen.code, at);
        if (!performance.getEntriesByName('call-timeline:first-state').length) {
          performance.mark('call-timeline:first-state');
        }
      }
    }
  } catch (error) {
    console.warn('Call Timeline: the quick view skipped an event', error);
  }
  const payload = serialise(args);
  if (deliver) hand(kind, payload, at);
  else queue.push([kind, payload, at]);
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
  if (['idle', 'connecting', 'connected'].includes(state) && !queue.some(([k]) => k !== OPENED)) {
    fallback.showState(state, null);
    performance.mark('call-timeline:first-state');
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
  if (deliver) return;
  root.dataset.engine = 'fallback';
  fallback.failed(reason);
}

async function startPython() {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') {
    throw new Error('this browser has no WebAssembly');
  }
  const steps = 3;
  fallback.say('engine.loading');
  fallback.step(0, steps);
  const base = new URL(boot.pyodide, document.baseURI).href;
  const { loadPyodide } = await import(new URL('pyodide.mjs', base).href);
  const pyodide = await loadPyodide({
    indexURL: base,
    packageBaseUrl: base,
    packages: boot.wheels.map((path) => new URL(path, document.baseURI).href),
  });
  performance.mark('call-timeline:pyodide-ready');
  fallback.step(1, steps);
  await pyodide.pyimport('micropip').install(new URL(boot.appWheel, document.baseURI).href);
  performance.mark('call-timeline:wheel-installed');
  fallback.step(2, steps);
  const forward = pyodide.pyimport('placement_app.app').main('timeline');
  for (const [kind, payload, at] of queue.splice(0)) {
    try {
      forward(kind, payload, at);
    } catch (error) {
      console.error('Call Timeline: Python did not take a buffered event', error);
    }
  }
  deliver = forward;
  fallback.step(steps, steps);
  fallback.handOver();
  root.dataset.engine = 'python';
  performance.mark('call-timeline:python-live');
}

connect();
const limit = setTimeout(() => {
  console.warn('Call Timeline: Python is taking too long; showing states without it');
  runWithoutPython(`not ready after ${Math.round(pythonTimeout() / 1000)} s`);
}, pythonTimeout());
startPython().then(() => clearTimeout(limit), (error) => {
  clearTimeout(limit);
  console.error('Call Timeline: Python could not start', error);
  runWithoutPython(error && error.message ? error.message : String(error));
});
