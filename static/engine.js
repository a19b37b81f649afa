// @ts-check
/**
 * The worker that runs Python: restores Pyodide from the build's start-up
 * snapshot (the app already imported) or, without one, loads Pyodide from the
 * site and installs the app's wheel with micropip; then it hands every event to Python in the order it
 * was posted.  Events that come before Python is up wait here; the page's
 * main thread never waits for Python.  The wait is bounded: past it the
 * oldest events go, and the page and then Python are told how many.  What the
 * engine must know of Python before Python runs (the messages' types, the
 * bound, which events never go, what Python calls a drop) comes with the boot
 * message, as the build exported it from Python (build.engine_rules).
 */

/** The Python modules a page may start (each has a main()). */
export const ENTRIES = new Set([
  'placement_app.card.app',
  'placement_app.admin.settings_page',
  'placement_app.admin.install_page',
  'placement_app.admin.report_page',
]);

/**
 * @typedef {{ url: string, key: string, pyodide: string }} Snapshot  what build.py made and named
 * @typedef {{
 *   toPage: Record<string, string>, toWorker: Record<string, string>, queueBound: number, kept: string[],
 *   dropped: string,
 * }} EngineRules  the messages' types by their names, the most events that wait for Python, the
 *   kinds that never go (what the page was opened with), the kind that tells Python of a drop
 * @typedef {{ pyodide: string, wheels: string[], appWheel: string, snapshot?: Snapshot, engine: EngineRules }} Boot
 * @typedef {{ type: string, entry: string, boot: Boot, data?: unknown }} BootMessage
 * @typedef {{ type: string, kind: string, payload: string, at: number }} EventMessage
 * @typedef {(kind: string, payload: string, at: number) => void} Forward
 * @typedef {{ pyimport(name: string): any, appInstalled?: boolean, snapshotRefused?: string }} Runtime
 *   the part of Pyodide the engine uses; `appInstalled` when it came from the snapshot, the app
 *   already imported; `snapshotRefused` says why a snapshot the build made was not used
 * @typedef {(boot: Boot) => Promise<Runtime>} LoadRuntime
 * @typedef {(message: object) => void} Post
 */

/**
 * The engine's logic without the worker: `loadRuntime(boot)` starts Python,
 * `post(message)` talks to the page.  Returns the function that takes each
 * message the page posts.
 *
 * The first message is the boot (the page posts it before anything else), and
 * brings the engine's rules.  While Python starts, at most `queueBound` events
 * wait; when one more comes the oldest goes, never the data the page was
 * opened with (`kept`), which stays even past the bound.  The page hears of it
 * at once (`DROPPED`, once per burst, the count so far), and Python first of
 * all, as the event `dropped` with the count, at the time of the last one
 * dropped: a visible hole, never a crash or a silent one.
 *
 * @param {{ loadRuntime: LoadRuntime, post: Post }} options
 * @returns {(message: BootMessage | EventMessage) => void}
 */
export function createEngine({ loadRuntime, post }) {
  /** @type {EngineRules | null} */
  let rules = null;
  /** @type {EventMessage[]} */
  const queue = [];
  /** @type {Forward | null} */
  let deliver = null;
  let booted = false;
  let dropped = 0;
  let droppedAt = 0;
  let telling = false;

  /** @param {Forward} forward @param {EventMessage} message */
  function hand(forward, { kind, payload, at }) {
    try {
      forward(kind, payload, at);
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
    if (rules) keepBound(rules);
  }

  /**
   * Past the bound the oldest event goes.  (Before the boot message brings the rules, events
   * only wait: the page posts the boot first, so none should come earlier.)
   *
   * @param {EngineRules} engine
   */
  function keepBound({ queueBound, kept, toPage }) {
    let went = false;
    while (queue.length > queueBound) {
      const index = queue.findIndex(({ kind }) => !kept.includes(kind));
      // Only never-drop items wait: Python cannot start without them, and a page sends one or
      // two, once, so keeping them all still keeps the wait bounded.
      if (index < 0) break;
      const [oldest] = queue.splice(index, 1);
      dropped += 1;
      droppedAt = oldest.at;
      went = true;
    }
    if (!went || telling) return;
    telling = true;
    // Once per burst: the count so far, after the burst's events are in.
    setTimeout(() => {
      telling = false;
      post({ type: toPage.DROPPED, count: dropped });
    }, 0);
  }

  /** @param {BootMessage} message */
  async function start({ entry, boot, data }) {
    if (!ENTRIES.has(entry)) throw new Error(`unknown page ${entry}`);
    const { toPage, toWorker, dropped: droppedKind } = /** @type {EngineRules} */ (rules);
    /** @param {string} name */
    const mark = (name) => post({ type: toPage.MARK, name });
    const pyodide = await loadRuntime(boot);
    if (pyodide.appInstalled) mark('from-snapshot');
    if (pyodide.snapshotRefused) mark('snapshot-refused');
    mark('pyodide-ready');
    if (!pyodide.appInstalled) await pyodide.pyimport('micropip').install(boot.appWheel);
    mark('wheel-installed');
    /** @type {Forward} */
    const forward = pyodide.pyimport(entry).main(JSON.stringify(data ?? {}));
    if (dropped) {
      hand(forward, { type: toWorker.EVENT, kind: droppedKind, payload: JSON.stringify([dropped]), at: droppedAt });
    }
    for (const message of queue.splice(0)) hand(forward, message);
    deliver = forward;
    post({ type: toPage.LIVE });
  }

  return (message) => {
    // The boot message is the one that brings the rules; the page posts it first.
    const brought = /** @type {BootMessage} */ (message).boot?.engine;
    if (brought && !booted) {
      booted = true;
      rules = brought;
      keepBound(rules);
      const failed = rules.toPage.FAILED;
      start(/** @type {BootMessage} */ (message)).catch((error) => {
        post({ type: failed, reason: error && error.message ? error.message : String(error) });
      });
    } else if (!brought && (!rules || message.type === rules.toWorker.EVENT)) {
      const event = /** @type {EventMessage} */ (message);
      if (deliver) hand(deliver, event);
      else wait(event);
    }
  };
}

/**
 * The app's module that checks a runtime restored from the snapshot, and reseeds
 * it (placement_app/browser/restored.py; build.py imports it into the snapshot).
 */
const RESTORED = 'placement_app.browser.restored';

/**
 * The snapshot's bytes, fetched at once; for `_loadSnapshot`.  Pyodide keeps
 * what it is given for the life of the runtime: this hands the bytes over
 * once and forgets them, so that the 30 MB go once they are in the heap.
 *
 * @param {Promise<Uint8Array>} snapshotBytes
 * @returns {PromiseLike<Uint8Array>}
 */
function handOverOnce(snapshotBytes) {
  /** @type {Promise<Uint8Array> | null} */
  let pending = snapshotBytes;
  pending.catch(() => {});  // seen when it is used; unused when the version is wrong
  return {
    then(resolve, reject) {
      const bytes = /** @type {Promise<Uint8Array>} */ (pending);
      pending = null;
      return bytes.then(resolve, reject);
    },
  };
}

/**
 * @typedef {{ loadPyodide(options: object): Promise<any>, version: string }} PyodideModule
 * @typedef {{
 *   importRuntime: (url: string) => Promise<PyodideModule>,
 *   fetchBytes: (url: string) => Promise<Uint8Array>,
 *   warn: (message: string) => void,
 * }} Site  how the runtime reaches the site (the worker's own `import`, `fetch` and console)
 */

/**
 * Starts Pyodide for a page: from the build's snapshot when there is one (the
 * app already imported), and else, or when the snapshot is missing, was made
 * for another runtime or app, or does not restore, the normal way: the bare
 * runtime with micropip, which then installs the app's wheel.  A refused
 * snapshot is said in the console, never to the operator: the card still
 * starts, only slower.
 *
 * @param {Site} site
 * @returns {LoadRuntime}
 */
export function siteRuntime({ importRuntime, fetchBytes, warn }) {
  return async (boot) => {
    // The snapshot downloads while the runtime's module loads.
    const bytes = boot.snapshot ? handOverOnce(fetchBytes(boot.snapshot.url)) : null;
    const { loadPyodide, version } = await importRuntime(new URL('pyodide.mjs', boot.pyodide).href);
    const options = { indexURL: boot.pyodide, packageBaseUrl: boot.pyodide };
    let refused;
    if (boot.snapshot && bytes) {
      try {
        return await restoreSnapshot(loadPyodide, version, options, boot.snapshot, bytes);
      } catch (error) {
        refused = error instanceof Error ? error.message : String(error);
        warn(`Call Timeline: the start-up snapshot was not used (${refused}); starting the normal way`);
      }
    }
    const pyodide = await loadPyodide({ ...options, packages: boot.wheels });
    return refused === undefined ? pyodide : { pyimport: (name) => pyodide.pyimport(name), snapshotRefused: refused };
  };
}

/**
 * Pyodide from the build's snapshot, the app already imported; throws when the
 * snapshot was made for another runtime or app, or does not restore.
 *
 * @param {(options: object) => Promise<any>} loadPyodide
 * @param {string} version the runtime's version
 * @param {object} options
 * @param {Snapshot} snapshot
 * @param {PromiseLike<Uint8Array>} bytes
 * @returns {Promise<Runtime>}
 */
async function restoreSnapshot(loadPyodide, version, options, snapshot, bytes) {
  if (snapshot.pyodide !== version) throw new Error(`it was made for Pyodide ${snapshot.pyodide}, not ${version}`);
  // The runtime's own files load while the snapshot downloads.
  const pyodide = await loadPyodide({ ...options, _loadSnapshot: bytes });
  /** @type {string | undefined} */
  const refusal = pyodide.pyimport(RESTORED).after_restore(snapshot.key);
  if (refusal) throw new Error(refusal);
  return { pyimport: (name) => pyodide.pyimport(name), appInstalled: true };
}

/** @param {string} url */
async function download(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

if (typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope) {
  const loadRuntime = siteRuntime({
    importRuntime: (url) => import(url),
    fetchBytes: download,
    warn: (message) => console.warn(message),
  });
  const receive = createEngine({ loadRuntime, post: (message) => postMessage(message) });
  self.onmessage = (event) => receive(event.data);
}
