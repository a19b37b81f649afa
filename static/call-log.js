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
 * entries and `maxChars` characters (the oldest that are not the init data go, and are counted),
 * and storage keeps the logs of the last `maxCalls` calls; a full storage forgets the oldest
 * calls first.
 *
 * In storage a log is a small head (`prefix` + the call's id) and its entries in parts of
 * PART_SIZE entries or PART_CHARS characters (the head's key, SEPARATOR, the part's number), so
 * that keeping one more event writes one small part and the head, not the whole log: a long call's
 * events, or large ones, cost no more than a short call's.  `all()` hands Python each log whole,
 * as it reads them.
 */

/**
 * @typedef {{ getItem(key: string): string | null, setItem(key: string, value: string): void,
 *   removeItem(key: string): void, readonly length: number, key(index: number): string | null }} Storage
 * @typedef {[string, string, number, string]} Entry
 * @typedef {{ version: number, call_id: string, written: number, dropped: number, events: Entry[] }} Log
 * @typedef {{ version: number, call_id: string, written: number, dropped: number, first: number, last: number }} Head
 * @typedef {{ number: number, parts: string[], kinds: string[] }} Part  entries as JSON, and their kinds
 * @typedef {{
 *   storage: () => Storage, prefix: string, page: string, keep: readonly string[], version: number,
 *   maxEvents: number, maxChars: number, maxCalls: number, now?: () => number,
 *   warn?: (message: string) => void,
 * }} LogInputs  `storage`: this app's (a function: reading it may throw); `page`: this page's id;
 *   the rest as Python reads the logs (placement_app/card/replay.py exports them): where they go,
 *   the event kinds never dropped (the init data), the format's version, and the bounds
 */

/** Entries in one part of a log in storage, at most. */
const PART_SIZE = 50;
/** A part takes no more entries once it holds this many characters: one more event then writes a
 * small part, even when the call's payloads are large. */
const PART_CHARS = 16384;
/** Between a log's key and a part's number (no portal's call id holds it). */
const SEPARATOR = '\u241f';

/** @param {LogInputs} inputs */
export function createCallLog({ storage, prefix, page, keep, version, maxEvents, maxChars, maxCalls, now = Date.now,
  warn = (message) => console.warn(message) }) {
  /** @type {string | null} */
  let callId = null;
  /** @type {Entry[]} events before the call is known */
  const early = [];
  /** @type {Part[]} the log's parts, the oldest first */
  let held = [];
  let dropped = 0;
  /** The characters the kept entries hold. */
  let size = 0;
  /** The storage refused the log even alone: the page stops trying (and warned once). */
  let refused = false;

  /** @param {string} id */
  const headKey = (id) => `${prefix}${id}`;
  /** @param {string} id @param {number} number */
  const partKey = (id, number) => `${prefix}${id}${SEPARATOR}${number}`;

  /** @param {string} id @returns {{ head: Head, held: Part[] } | null} the log kept for `id`, read */
  function readLog(id) {
    try {
      const head = JSON.parse(storage().getItem(headKey(id)) ?? 'null');
      if (!head || head.version !== version || head.call_id !== id || !Number.isInteger(head.first)
          || !Number.isInteger(head.last) || head.last - head.first > maxEvents) return null;
      /** @type {Part[]} */
      const parts = [];
      for (let number = head.first; number <= head.last; number += 1) {
        const entries = JSON.parse(storage().getItem(partKey(id, number)) ?? '[]');
        if (!Array.isArray(entries)) return null;
        parts.push({ number, parts: entries.map((entry) => JSON.stringify(entry)),
          kinds: entries.map((entry) => (Array.isArray(entry) ? String(entry[0]) : '')) });
      }
      return { head, held: parts };
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
      if (!key?.startsWith(prefix) || key.includes(SEPARATOR)) continue;
      const id = key.slice(prefix.length);
      let written = 0;
      try {
        written = Number(JSON.parse(store.getItem(key) ?? '{}').written) || 0;
      } catch {
        // an unreadable head is the oldest
      }
      found.push([written, id]);
    }
    return found.sort((a, b) => a[0] - b[0]).map(([, id]) => id);
  }

  /** @param {string} id forget a call's log, its head and every part */
  function forget(id) {
    const store = storage();
    const keys = [];
    for (let index = 0; index < store.length; index += 1) {
      const key = store.key(index);
      if (key === headKey(id) || key?.startsWith(`${headKey(id)}${SEPARATOR}`)) keys.push(key);
    }
    for (const key of keys) store.removeItem(key);
  }

  /** @param {unknown} error */
  const warnOf = (error) => warn(`Call Timeline: the call's events could not be kept for a reload (${
    error instanceof Error ? error.name : typeof error})`);

  /**
   * Write the given parts and the head now; when storage is full, forget the oldest other calls
   * and try again.
   *
   * @param {Part[]} parts
   */
  function write(parts) {
    if (callId === null || refused || !held.length) return;
    const id = callId;
    const head = JSON.stringify({ version, call_id: id, written: now(), dropped, first: held[0].number,
      last: held[held.length - 1].number });
    try {
      for (;;) {
        try {
          for (const part of parts) storage().setItem(partKey(id, part.number), `[${part.parts.join(',')}]`);
          storage().setItem(headKey(id), head);
          return;
        } catch (error) {
          const oldest = calls().find((other) => other !== id);
          if (oldest === undefined) throw error;
          forget(oldest);
        }
      }
    } catch (error) {
      refused = true;
      warnOf(error);
    }
  }

  /**
   * @param {Entry} entry
   * @returns {Part[]} the parts it changed
   */
  function keepEntry(entry) {
    const text = JSON.stringify(entry);
    let last = held[held.length - 1];
    if (!last || last.parts.length >= PART_SIZE
        || last.parts.reduce((chars, part) => chars + part.length, 0) >= PART_CHARS) {
      last = { number: last ? last.number + 1 : 0, parts: [], kinds: [] };
      held.push(last);
    }
    last.parts.push(text);
    last.kinds.push(entry[0]);
    size += text.length;
    const changed = new Set([last]);
    const count = () => held.reduce((sum, part) => sum + part.parts.length, 0);
    while (count() > maxEvents || size > maxChars) {
      const part = held.find((one) => one.kinds.some((kind) => !keep.includes(kind)));
      if (!part) break;
      const index = part.kinds.findIndex((kind) => !keep.includes(kind));
      size -= part.parts[index].length;
      part.parts.splice(index, 1);
      part.kinds.splice(index, 1);
      dropped += 1;
      changed.add(part);
      if (!part.parts.length && part !== last) {
        held = held.filter((one) => one !== part);
        changed.delete(part);
        try {
          if (callId !== null) storage().removeItem(partKey(callId, part.number));
        } catch {
          // storage gone: nothing to remove
        }
      }
    }
    return [...changed];
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
      write(keepEntry(entry));
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
      const kept = readLog(id);
      held = kept ? kept.held.filter((part) => part.parts.length) : [];
      dropped = kept?.head.dropped ?? 0;
      size = held.reduce((sum, part) => sum + part.parts.reduce((chars, text) => chars + text.length, 0), 0);
      try {
        const others = calls().filter((other) => other !== id);
        for (const other of others.slice(0, Math.max(0, others.length - (maxCalls - 1)))) forget(other);
      } catch (error) {
        warnOf(error);
      }
      /** @type {Set<Part>} */
      const changed = new Set();
      for (const entry of early.splice(0)) for (const part of keepEntry(entry)) changed.add(part);
      write([...changed]);
    },

    /** Every kept log, by call id, whole, as Python reads them at start (the worker has no storage). */
    all() {
      /** @type {Record<string, string>} */
      const logs = {};
      try {
        for (const id of calls()) {
          const kept = readLog(id);
          if (!kept) continue;
          const { head, held: parts } = kept;
          logs[id] = `{"version":${JSON.stringify(head.version)},"call_id":${JSON.stringify(id)},"written":${
            Number(head.written) || 0},"dropped":${Number(head.dropped) || 0},"events":[${
            parts.flatMap((part) => part.parts).join(',')}]}`;
        }
      } catch (error) {
        warn(`Call Timeline: local storage is not available (${error instanceof Error ? error.name : typeof error})`);
      }
      return logs;
    },
  };
}
