/**
 * The worker that runs Python: loads Pyodide from the site, installs the
 * app's wheel with micropip, and hands every event to Python in the order it
 * was posted.  Events that come before Python is up wait here; the page's
 * main thread never waits for Python.
 */

/** The Python modules a page may start (each has a main()). */
const ENTRIES = new Set(['placement_app.app', 'placement_app.settings_page', 'placement_app.install_page']);
const queue = [];
let deliver = null;
let booted = false;

function hand(forward, { kind, payload, at }) {
  try {
    forward(kind, payload, at);
  } catch (error) {
    console.error('Call Timeline: Python did not take an event', error);
  }
}

async function start({ entry, boot, data }) {
  if (!ENTRIES.has(entry)) throw new Error(`unknown page ${entry}`);
  const { loadPyodide } = await import(new URL('pyodide.mjs', boot.pyodide).href);
  const pyodide = await loadPyodide({
    indexURL: boot.pyodide,
    packageBaseUrl: boot.pyodide,
    packages: boot.wheels,
  });
  postMessage({ type: 'mark', name: 'pyodide-ready' });
  await pyodide.pyimport('micropip').install(boot.appWheel);
  postMessage({ type: 'mark', name: 'wheel-installed' });
  const forward = pyodide.pyimport(entry).main(JSON.stringify(data ?? {}));
  for (const message of queue.splice(0)) hand(forward, message);
  deliver = forward;
  postMessage({ type: 'live' });
}

self.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'event') {
    if (deliver) hand(deliver, message);
    else queue.push(message);
  } else if (message.type === 'boot' && !booted) {
    booted = true;
    start(message).catch((error) => {
      postMessage({ type: 'failed', reason: error && error.message ? error.message : String(error) });
    });
  }
};
