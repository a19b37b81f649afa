// @ts-check
/**
 * The call's event log: the one record of a call that outlives its page.
 *
 * The timeline is a pure reducer over events (placement_app/core/timeline.py), so keeping the
 * events keeps the call.  The page writes each one to this app's storage the moment it arrives,
 * synchronously: a page that reloads or goes can lose nothing, however busy the worker is (its
 * messages reach the page in later tasks than an unload).  The next page of the call hands the
 * log to Python, which replays it (placement_app/card/replay.py).  What Python learns on its
 * own (the call statistics' answer) comes back here as an event too, so that the log alone
 * rebuilds the card.
 *
 * Each entry is `[kind, payload, at, page]`: the event's name, its arguments as JSON with their
 * secrets hidden (never a token), when it arrived, and the page that wrote it (a page replays the
 * others' entries; its own reach Python live).  Events before the call is known (its id comes
 * with the init data) are kept in memory and written once it is.  A log keeps at most `maxEvents`
 * entries (the oldest that are not the init data go, and are counted), and storage keeps the
 * logs of the last `maxCalls` calls; a full storage forgets the oldest calls first.
 */

/**
 * @typedef {{ getItem(key: string): string | null, setItem(key: string, value: string): void,
 *   removeItem(key: string): void, readonly length: number, key(index: number): string | null }} Storage
 * @typedef {[string, string, number, string]} Entry
 * @typedef {{ version: number, call_id: string, written: number, dropped: number, events: Entry[] }} Log
 * @typedef {{
 *   storage: () => Storage, prefix: string, page: string, keep: readonly string[], version: number,
 *   maxEvents: number, maxChars: number, maxCalls: number, now?: () => number,
 *   warn?: (message: string) => void,
 * }} LogInputs  `storage`: this app's (a function: reading it may throw); `page`: this page's id;
 *   the rest as Python reads the logs (placement_app/card/replay.py exports them): where they go,
 *   the event kinds never dropped (the init data), the format's version, and the bounds
 */

/** @param {LogInputs} inputs */
export function createCallLog({ storage, prefix, page, keep, version, maxEvents, maxChars, maxCalls, now = Date.now,
  warn = (message) => console.warn(message) }) {
  /** @type {string | null} */
  let callId = null;
  /** @type {Entry[]} events before the call is known */
  const early = [];
  /** Each kept entry as JSON, and its kind: a write joins them, it does not serialise the log again. */
  /** @type {string[]} */
  let parts = [];
  /** @type {string[]} */
  let kinds = [];
  let dropped = 0;
  /** The characters the kept entries hold. */
  let size = 0;
  /** The storage refused the log even alone: the page stops trying (and warned once). */
  let refused = false;

  /** @param {string} id */
  const keyOf = (id) => `${prefix}${id}`;

  /** @param {string} id @returns {Log | null} */
  function logOf(id) {
    try {
      const value = JSON.parse(storage().getItem(keyOf(id)) ?? 'null');
      return value && value.version === version && value.call_id === id && Array.isArray(value.events) ? value : null;
    } catch {
      return null;
    }
  }

  /** The calls whose logs storage holds, oldest written first (read only to forget some). */
  function calls() {
    const store = storage();
    /** @type {[number, string][]} */
    const found = [];
    for (let index = 0; index < store.length; index += 1) {
      const key = store.key(index);
      if (!key?.startsWith(prefix)) continue;
      const id = key.slice(prefix.length);
      found.push([logOf(id)?.written ?? 0, id]);
    }
    return found.sort((a, b) => a[0] - b[0]).map(([, id]) => id);
  }

  /** @param {unknown} error */
  const warnOf = (error) => warn(`Call Timeline: the call's events could not be kept for a reload (${
    error instanceof Error ? error.name : typeof error})`);

  /** Write the log now; when storage is full, forget the oldest other calls and try again. */
  function write() {
    if (callId === null || refused) return;
    const head = JSON.stringify({ version, call_id: callId, written: now(), dropped });
    const text = `${head.slice(0, -1)},"events":[${parts.join(',')}]}`;
    try {
      for (;;) {
        try {
          storage().setItem(keyOf(callId), text);
          return;
        } catch (error) {
          const oldest = calls().find((id) => id !== callId);
          if (oldest === undefined) throw error;
          storage().removeItem(keyOf(oldest));
        }
      }
    } catch (error) {
      refused = true;
      warnOf(error);
    }
  }

  /** @param {Entry} entry */
  function keepEntry(entry) {
    const text = JSON.stringify(entry);
    parts.push(text);
    kinds.push(entry[0]);
    size += text.length;
    while (parts.length > maxEvents || size > maxChars) {
      const oldest = kinds.findIndex((kind) => !keep.includes(kind));
      if (oldest < 0) return;
      size -= parts[oldest].length;
      parts.splice(oldest, 1);
      kinds.splice(oldest, 1);
      dropped += 1;
    }
  }

  return {
    /**
     * An event this page forwards to Python, kept at once (in memory until the call is known).
     *
     * @param {string} kind
     * @param {string} payload its arguments as JSON, secrets hidden
     * @param {number} at
     */
    add(kind, payload, at) {
      /** @type {Entry} */
      const entry = [kind, payload, at, page];
      if (callId === null) {
        early.push(entry);
        return;
      }
      keepEntry(entry);
      write();
    },

    /**
     * The call the events belong to (the init data's `CALL_ID`): a log already kept for it (a
     * reload) goes on, the events so far are written, and the logs of older calls beyond
     * `maxCalls` are forgotten.  A later id is ignored: a page shows one call.
     *
     * @param {string} id
     */
    call(id) {
      if (callId !== null) return;
      callId = id;
      const kept = logOf(id);
      parts = kept ? kept.events.map((entry) => JSON.stringify(entry)) : [];
      kinds = kept ? kept.events.map(([kind]) => kind) : [];
      dropped = kept?.dropped ?? 0;
      size = parts.reduce((sum, text) => sum + text.length, 0);
      try {
        const others = calls().filter((other) => other !== id);
        for (const other of others.slice(0, Math.max(0, others.length - (maxCalls - 1)))) storage().removeItem(keyOf(other));
      } catch (error) {
        warnOf(error);
      }
      for (const entry of early.splice(0)) keepEntry(entry);
      write();
    },

    /** Every kept log, by call id, as Python reads them at start (the worker has no storage). */
    all() {
      /** @type {Record<string, string>} */
      const logs = {};
      try {
        for (const id of calls()) {
          const text = storage().getItem(keyOf(id));
          if (text !== null) logs[id] = text;
        }
      } catch (error) {
        warn(`Call Timeline: local storage is not available (${error instanceof Error ? error.name : typeof error})`);
      }
      return logs;
    },
  };
}
