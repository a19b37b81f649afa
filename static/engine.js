// @ts-check
/**
 * The worker that runs Python: loads Pyodide from the site, installs the
 * app's wheel with micropip, and hands every event to Python in the order it
 * was posted.  Events that come before Python is up wait here; the page's
 * main thread never waits for Python.
 */

/** The Python modules a page may start (each has a main()). */
export const ENTRIES = new Set([
  'placement_app.card.app',
  'placement_app.admin.settings_page',
  'placement_app.admin.install_page',
]);

/**
 * @typedef {{ pyodide: string, wheels: string[], appWheel: string }} Boot
 * @typedef {{ type: 'boot', entry: string, boot: Boot, data?: unknown }} BootMessage
 * @typedef {{ type: 'event', kind: string, payload: string, at: number }} EventMessage
 * @typedef {(kind: string, payload: string, at: number) => void} Forward
 * @typedef {{ pyimport(name: string): any }} Runtime  the part of Pyodide the engine uses
 * @typedef {(boot: Boot) => Promise<Runtime>} LoadRuntime
 * @typedef {(message: object) => void} Post
 */

/**
 * The engine's logic without the worker: `loadRuntime(boot)` starts Python,
 * `post(message)` talks to the page.  Returns the function that takes each
 * message the page posts.
 *
 * @param {{ loadRuntime: LoadRuntime, post: Post }} options
 * @returns {(message: BootMessage | EventMessage) => void}
 */
export function createEngine({ loadRuntime, post }) {
  /** @type {EventMessage[]} */
  const queue = [];
  /** @type {Forward | null} */
  let deliver = null;
  let booted = false;

  /** @param {Forward} forward @param {EventMessage} message */
  function hand(forward, { kind, payload, at }) {
    try {
      forward(kind, payload, at);
    } catch (error) {
      console.error('Call Timeline: Python did not take an event', error);
    }
  }

  /** @param {BootMessage} message */
  async function start({ entry, boot, data }) {
    if (!ENTRIES.has(entry)) throw new Error(`unknown page ${entry}`);
    const pyodide = await loadRuntime(boot);
    post({ type: 'mark', name: 'pyodide-ready' });
    await pyodide.pyimport('micropip').install(boot.appWheel);
    post({ type: 'mark', name: 'wheel-installed' });
    /** @type {Forward} */
    const forward = pyodide.pyimport(entry).main(JSON.stringify(data ?? {}));
    for (const message of queue.splice(0)) hand(forward, message);
    deliver = forward;
    post({ type: 'live' });
  }

  return (message) => {
    if (message.type === 'event') {
      if (deliver) hand(deliver, message);
      else queue.push(message);
    } else if (message.type === 'boot' && !booted) {
      booted = true;
      start(message).catch((error) => {
        post({ type: 'failed', reason: error && error.message ? error.message : String(error) });
      });
    }
  };
}

/** @type {LoadRuntime} */
async function loadPyodideFromSite(boot) {
  const { loadPyodide } = await import(new URL('pyodide.mjs', boot.pyodide).href);
  return loadPyodide({
    indexURL: boot.pyodide,
    packageBaseUrl: boot.pyodide,
    packages: boot.wheels,
  });
}

if (typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope) {
  const receive = createEngine({ loadRuntime: loadPyodideFromSite, post: (message) => postMessage(message) });
  self.onmessage = (event) => receive(event.data);
}
