// @ts-check
/**
 * The worker that runs Python: loads Pyodide from the site, installs the
 * app's wheel with micropip, and hands every event to Python in the order it
 * was posted.  Events that come before Python is up wait here; the page's
 * main thread never waits for Python.  The wait is bounded (MAX_QUEUE): past
 * it the oldest events go, and the page and then Python are told how many.
 */

/** The most events kept while Python starts; beyond it the oldest are dropped. */
export const MAX_QUEUE = 2000;
/** Python's name for the news that early events were dropped (placement_app.core.events). */
export const EVENTS_DROPPED = 'app:dropped';
/** Never dropped: what the page was opened with (a page sends one or two), which everything else needs. */
const KEPT = new Set(['app:opened', 'page:opened']);

/** The Python modules a page may start (each has a main()). */
export const ENTRIES = new Set([
  'placement_app.card.app',
  'placement_app.admin.settings_page',
  'placement_app.admin.install_page',
]);

/**
 * @typedef {{ pyodide: string, wheels: string[], appWheel: string }} Boot
 * @typedef {{ type: 'boot', entry: string, boot: Boot, data?: unknown }} BootMessage
 * @typedef {{ type: 'event', kind: string, payload: string, at: number, seq?: number }} EventMessage
 *   `seq` is the page's number for the event; Python tells the page once the event is saved
 * @typedef {(kind: string, payload: string, at: number, seq?: number) => void} Forward
 * @typedef {{ pyimport(name: string): any }} Runtime  the part of Pyodide the engine uses
 * @typedef {(boot: Boot) => Promise<Runtime>} LoadRuntime
 * @typedef {(message: object) => void} Post
 */

/**
 * The engine's logic without the worker: `loadRuntime(boot)` starts Python,
 * `post(message)` talks to the page.  Returns the function that takes each
 * message the page posts.
 *
 * While Python starts, at most `maxQueue` events wait; when one more comes the
 * oldest goes (never the data the page was opened with).  The page hears of
 * it at once (`{type: 'dropped', count}`, once per burst, the count so far),
 * and Python first of all, as the event EVENTS_DROPPED with the count, at the
 * time of the last one dropped: a visible hole, never a crash or a silent one.
 *
 * @param {{ loadRuntime: LoadRuntime, post: Post, maxQueue?: number }} options
 * @returns {(message: BootMessage | EventMessage) => void}
 */
export function createEngine({ loadRuntime, post, maxQueue = MAX_QUEUE }) {
  /** @type {EventMessage[]} */
  const queue = [];
  /** @type {Forward | null} */
  let deliver = null;
  let booted = false;
  let dropped = 0;
  let droppedAt = 0;
  let telling = false;

  /** @param {Forward} forward @param {EventMessage} message */
  function hand(forward, { kind, payload, at, seq }) {
    try {
      forward(kind, payload, at, seq);
    } catch (error) {
      // Python's error text may quote the event's data (the init data has the token):
      // the event's name and the error's type only.
      const type = error && typeof error === 'object' && 'type' in error ? String(error.type) : typeof error;
      console.error(`Call Timeline: Python did not take an event (${String(kind).slice(0, 40)}): ${type}`);
    }
  }

  /** @param {EventMessage} message */
  function wait(message) {
    queue.push(message);
    if (queue.length <= maxQueue) return;
    const index = queue.findIndex(({ kind }) => !KEPT.has(kind));
    const [oldest] = queue.splice(Math.max(index, 0), 1);
    dropped += 1;
    droppedAt = oldest.at;
    if (telling) return;
    telling = true;
    // Once per burst: the count so far, after the burst's events are in.
    setTimeout(() => {
      telling = false;
      post({ type: 'dropped', count: dropped });
    }, 0);
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
    if (dropped) {
      hand(forward, { type: 'event', kind: EVENTS_DROPPED, payload: JSON.stringify([dropped]), at: droppedAt });
    }
    for (const message of queue.splice(0)) hand(forward, message);
    deliver = forward;
    post({ type: 'live' });
  }

  return (message) => {
    if (message.type === 'event') {
      if (deliver) hand(deliver, message);
      else wait(message);
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
