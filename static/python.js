// @ts-check
/**
 * Starting Python for a page: one worker (static/engine.js) per page, a time
 * limit, and the page's own messages passed on.  The card, the settings page
 * and the install page all start Python this way.
 */

/** How long Python may take to start before a page says it runs without it. */
const PYTHON_TIMEOUT_MS = 45000;
/** The site's one Trusted Types policy (build.py names it in the Content-Security-Policy). */
export const POLICY_NAME = 'call-timeline';
/** The only script URL the policy lets through: the site's own worker. */
const ENGINE_URL = new URL('engine.js', import.meta.url).href;

/**
 * @typedef {{ createScriptURL(url: string): unknown }} ScriptUrlPolicy
 * @typedef {{ createPolicy(name: string, rules: { createScriptURL(url: string): string }): ScriptUrlPolicy }} TrustedTypes
 */

/** @type {ScriptUrlPolicy | null | undefined} */
let policy;

/**
 * The worker's URL, as the page's Trusted Types (require-trusted-types-for
 * 'script') accept it: through the one named policy, which lets through
 * nothing but the site's own engine.js.  Without Trusted Types, the URL.
 *
 * @returns {string | URL}
 */
export function engineUrl() {
  const types = /** @type {{ trustedTypes?: TrustedTypes }} */ (/** @type {unknown} */ (globalThis)).trustedTypes;
  if (!types) return ENGINE_URL;
  policy ??= types.createPolicy(POLICY_NAME, {
    createScriptURL(url) {
      if (url !== ENGINE_URL) throw new TypeError(`Call Timeline: no script but the site's own engine (${url})`);
      return url;
    },
  });
  return /** @type {string} */ (policy.createScriptURL(ENGINE_URL));
}

/**
 * The start-up limit: ?python_timeout=<ms> (1 s to 5 min), else the default.
 *
 * @param {string} [search]
 */
export function pythonTimeout(search = location.search) {
  const raw = new URLSearchParams(search).get('python_timeout');
  const value = raw !== null && /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  return value >= 1000 && value <= 300000 ? value : PYTHON_TIMEOUT_MS;
}

/**
 * Start the worker for `entry` (a placement_app module with a main()).
 * `onFailed(reason)` is called once if Python cannot start or is late; a late
 * Python still delivers its messages afterwards.  Throws when the browser
 * cannot run Python at all.
 *
 * @template M what Python sends this page
 * @param {{ entry: string, data: unknown, onMessage: (message: M) => void, onFailed: (reason: string) => void }} options
 * @returns {Worker}
 */
export function startPython({ entry, data, onMessage, onFailed }) {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') {
    throw new Error('this browser has no WebAssembly');
  }
  if (typeof Worker !== 'function') throw new Error('this browser has no Web Workers');
  const boot = JSON.parse(/** @type {HTMLElement} */ (document.getElementById('boot')).textContent ?? '');
  /** @type {{ toPage: Record<string, string>, toWorker: Record<string, string> }} */
  const engine = boot.engine;  // the messages' types, as the build exported them from Python
  const worker = new Worker(engineUrl(), { type: 'module' });
  const timeoutMs = pythonTimeout();
  const limit = setTimeout(() => {
    console.warn('Call Timeline: Python is taking too long');
    onFailed(`not ready after ${Math.round(timeoutMs / 1000)} s`);
  }, timeoutMs);
  worker.onmessage = (event) => {
    const message = event.data;
    if (message.type === engine.toPage.LIVE || message.type === engine.toPage.FAILED) clearTimeout(limit);
    if (message.type === engine.toPage.FAILED) {
      console.error('Call Timeline: Python could not start:', message.reason);
      onFailed(message.reason);
      return;
    }
    onMessage(message);
  };
  worker.onerror = (event) => {
    clearTimeout(limit);
    onFailed(event.message || 'the Python worker failed');
  };
  /** @param {string} path */
  const absolute = (path) => new URL(path, document.baseURI).href;
  worker.postMessage({
    type: engine.toWorker.BOOT,
    entry,
    boot: {
      engine,
      pyodide: absolute(boot.pyodide),
      wheels: boot.wheels.map(absolute),
      appWheel: absolute(boot.appWheel),
      ...(boot.snapshot ? { snapshot: { ...boot.snapshot, url: absolute(boot.snapshot.url) } } : {}),
    },
    data,
  });
  return worker;
}
