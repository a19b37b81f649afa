// @ts-check
/**
 * The journal: the card's events that Python has not yet confirmed saved,
 * written to the page's storage the moment the page is hidden or goes.
 *
 * Why: Python saves the timeline on a throttle, in a worker that may never
 * run again once this page goes, so asking it to save then would come too
 * late (its storage writes reach the page as messages, in later tasks than
 * the unload).  So the page keeps every event it hands Python, by its number,
 * until Python says that the saved copy holds it (a SAVED message with the
 * number), and writes those still unconfirmed itself, synchronously, when
 * hidden (visibilitychange) or gone (pagehide; a page that unloads is first
 * hidden, then gets pagehide: both write it).  While hidden the journal is
 * kept exact with every event and every confirmation; once shown again it is
 * removed (this page holds the events again).  The next card of the call
 * replays it over the saved copy, once (placement_app/card/storage.py reads
 * it, placement_app/card/app.py replays it).  Every secret is hidden in it,
 * the init data's too: Python does not need them there.
 */

/** The most unconfirmed events kept; beyond it the oldest go (as in the engine's queue). */
const MAX_UNSAVED = 2000;

/**
 * @typedef {Pick<Storage, 'setItem' | 'removeItem'>} Store
 * @typedef {{ kind: string, kept: string, at: number, seq: number, callId: string | null }} Kept
 *   an event with its secrets hidden (`kept`, a JSON text); `callId` the call it names, if any
 * @typedef {{
 *   addEventListener(type: string, listener: (event: any) => void): void,
 * }} Target
 */

/**
 * @param {{
 *   storage: Store | null,
 *   key: string,
 *   page: string,
 *   isHidden: () => boolean,
 *   now?: () => number,
 *   max?: number,
 * }} inputs  `key` is this page's journal in `storage` (null: storage refused), `page` this page's id
 */
export function createJournal({ storage, key, page, isHidden, now = Date.now, max = MAX_UNSAVED }) {
  /** @type {{ kind: string, payload: string, at: number, seq: number }[]} forwarded, not yet saved */
  const unsaved = [];
  /** @type {string | null} the call, from the init data: the journal's owner */
  let callId = null;
  let written = false;

  /** Write the unconfirmed events now (or remove the journal when there are none). */
  function keep() {
    try {
      if (!storage) return;
      if (unsaved.length && callId) {
        const events = unsaved.map(({ kind, payload, at }) => [kind, payload, at]);
        storage.setItem(key, JSON.stringify({ version: 1, call_id: callId, page, written: now(), events }));
        written = true;
      } else if (written) {
        storage.removeItem(key);
        written = false;
      }
    } catch (error) {
      console.warn('Call Timeline: the unsaved events could not be kept for a reload', error);
    }
  }

  /** The page holds its events again: no journal. */
  function drop() {
    if (!written) return;
    try {
      storage?.removeItem(key);
    } catch {
      // Storage gone: there is nothing left to remove.
    }
    written = false;
  }

  return {
    keep,
    drop,

    /** @param {Kept} event one more event handed to Python */
    add({ kind, kept, at, seq, callId: names }) {
      if (callId === null && names !== null) callId = names;
      unsaved.push({ kind, payload: kept, at, seq });
      if (unsaved.length > max) unsaved.shift();
      if (isHidden()) keep();
    },

    /** @param {number} through Python's saved copy holds every event up to this number */
    confirmed(through) {
      while (unsaved.length && unsaved[0].seq <= through) unsaved.shift();
      if (isHidden()) keep();
    },

    /**
     * Written when the page is hidden or goes, removed when it is shown again.
     *
     * @param {Target} document @param {Target} window
     */
    watch(document, window) {
      document.addEventListener('visibilitychange', () => {
        if (isHidden()) keep();
        else drop();
      });
      window.addEventListener('pagehide', keep);
      window.addEventListener('pageshow', (event) => { if (event.persisted) drop(); });
    },
  };
}
