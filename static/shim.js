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

async function startPython() {
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
startPython().catch((error) => {
  console.error('Call Timeline: Python could not start', error);
  root.dataset.engine = 'fallback';
  fallback.failed(error && error.message ? error.message : String(error));
});
