// @ts-check
/**
 * The page's hold on the portal's auto-close, and the one decision the page takes on its own.
 *
 * A real portal destroys a failed call's card in the same task as it sends `idle`, unless the
 * app disabled auto-close *before* the end (PhoneCallView.autoClose; README, "On a real portal"): a
 * hold sent when Python has seen the failure comes too late.  So the page sends
 * `disableAutoClose` the moment it binds the call-card events, without waiting for Python.
 * The hold costs nothing until the portal tries to close the card; from then on, Python
 * decides when to let go (placement_app/card/keep_open.py).
 *
 * The one decision of the page's own: a hold blocks the operator's incoming calls, and a dead
 * runtime must never keep them blocked.  If Python is not live within SAFETY_MS of an end
 * signal (an `idle` state, or a `BeforeClose`), the page sends `enableAutoClose` itself.
 * Nothing else here decides anything.
 */

/** How long after an end signal the page waits for Python before it lets go of the hold itself. */
export const SAFETY_MS = 10000;

/**
 * @typedef {{
 *   send: (command: 'disableAutoClose' | 'enableAutoClose') => void,
 *   isLive: () => boolean,
 *   setTimer?: (run: () => void, ms: number) => unknown,
 *   clearTimer?: (timer: unknown) => void,
 * }} HoldInputs  `send` sends a portal command; `isLive` says whether Python has taken over
 */

/**
 * @param {HoldInputs} inputs
 */
export function createHold({ send, isLive, setTimer = setTimeout, clearTimer = (timer) => clearTimeout(/** @type {any} */ (timer)) }) {
  /** @type {unknown} */
  let timer = null;
  let released = false;
  return {
    /** The events are bound: hold the card before any end can arrive. */
    bound() {
      send('disableAutoClose');
    },
    /** An end signal came (an `idle`, a `BeforeClose`): Python has SAFETY_MS to be live. */
    ended() {
      if (released || timer !== null || isLive()) return;
      timer = setTimer(() => {
        timer = null;
        if (isLive()) return;
        released = true;
        console.warn('Call Timeline: Python did not start in time after the call ended; the card lets the portal close it');
        send('enableAutoClose');
      }, SAFETY_MS);
    },
    /** Python is live: from now on it decides. */
    live() {
      if (timer !== null) clearTimer(timer);
      timer = null;
    },
    /** Whether the page let go by itself. */
    get released() { return released; },
  };
}
