// @ts-check
/**
 * The card's call events, from the portal to Python: bound at once, each
 * stamped with its arrival time as it arrives, then, once the
 * page knows which secrets to hide, handed on in arrival order with them
 * hidden: to whatever shows or keeps them, and to the worker.  Events that
 * arrive before that are kept, in order; none is lost.
 *
 * Only the page's own OPENED events (the init data, then the call's status)
 * go to Python as they came (the init data's token is for REST); every other
 * event, and those wherever the page shows or keeps them, has its secrets
 * hidden.
 */
import { CALL_CARD_EVENTS } from './frame.js';

/**
 * The page's own events, by Python's names (placement_app.core.events): named
 * here, not read from the protocol, because the init data may arrive before
 * the protocol is read, and is kept under its name until then.
 */
export const OPENED = 'app:opened';
export const DONE = 'app:done';
/** The call's id as the page names its log by (a longer one is no call the portal sent). */
const MAX_CALL_ID = 200;

/**
 * What the init data says that the page uses before Python.
 *
 * @typedef {{ lang: unknown, state: string | null, callId: string | null }} InitData
 * @typedef {{ kind: string, args: unknown[], at: number, initData: boolean }} Arrival
 *   an event as it came (`initData`: the portal's answer to getInitData), before anything is hidden
 * @typedef {{
 *   kind: string, at: number, args: unknown[], payload: string, kept: string,
 *   callId: string | null, opened: InitData | null,
 * }} CallEvent  `args` and `kept` (their JSON text) with every secret hidden, for the page to show
 *   and keep; `payload` what the worker gets; `callId` the call it names, if it names one;
 *   `opened` the init data, read (its language, settings, call and state)
 * @typedef {(event: CallEvent) => void} Sink
 * @typedef {{
 *   bindEvent(name: string, callback: (...args: unknown[]) => void): void,
 *   call(command: string, params?: unknown, timeoutMs?: number): Promise<import('./frame.js').Reply>,
 * }} Portal
 */

/**
 * @param {unknown[]} args
 * @param {number} maxPayload the longest payload handed on; a longer one goes as its length only
 */
function serialise(args, maxPayload) {
  let text;
  try {
    text = JSON.stringify(args);
  } catch {
    text = JSON.stringify([String(args[0])]);
  }
  if (text === undefined) return '[]';
  return text.length <= maxPayload ? text : JSON.stringify([{ oversized: text.length }]);
}

/**
 * The call's id in placement options (the init data's, or a getStatus reply), or null.
 *
 * @param {unknown} options
 */
export function readCallId(options) {
  const call = options && typeof options === 'object' ? /** @type {{ CALL_ID?: unknown }} */ (options).CALL_ID : null;
  return (typeof call === 'string' || typeof call === 'number') && String(call).length <= MAX_CALL_ID
    ? String(call) : null;
}

/**
 * The init data as the page uses it, or null if it is not an object.
 *
 * @param {unknown} data
 * @param {readonly string[]} states the call's states (Python's, exported)
 * @returns {InitData | null}
 */
export function readInitData(data, states) {
  if (!data || typeof data !== 'object') return null;
  const { LANG: lang, PLACEMENT_OPTIONS: placement } = /** @type {Record<string, unknown>} */ (data);
  let options = placement;
  if (typeof placement === 'string') {
    try {
      options = JSON.parse(placement);
    } catch {
      options = null;
    }
  }
  const state = options && typeof options === 'object' ? /** @type {{ CALL_STATE?: unknown }} */ (options).CALL_STATE : null;
  return {
    lang, callId: readCallId(options),
    state: typeof state === 'string' && states.includes(state) ? state : null,
  };
}

/**
 * @param {{
 *   portal: Portal,
 *   arrived?: (arrival: Arrival) => void,
 *   now?: () => number,
 * }} inputs  `arrived` sees each event the moment it comes, as it came, to act on it (the
 *   hold on an end); it shows and keeps nothing
 */
export function createCallEvents({ portal, arrived = () => {}, now = Date.now }) {
  /** @type {Arrival[]} */
  const early = [];
  /** @type {((arrival: Arrival) => void) | null} */
  let handOn = null;
  /** The page's number for the last event that came. */

  /**
   * One event, as it came: one wire value (our frame client) or two (a library that spreads arrays).
   *
   * @param {string} kind @param {unknown[]} args @param {boolean} [initData]
   * @returns {number} when it arrived
   */
  function take(kind, args, initData = false) {
    const arrival = { kind, args, at: now(), initData };
    try {
      arrived(arrival);
    } catch (error) {
      console.warn('Call Timeline: an event was not looked at on arrival', error instanceof Error ? error.name : typeof error);
    }
    if (handOn) handOn(arrival);
    else early.push(arrival);
    return arrival.at;
  }

  return {
    take,

    /** Bind the call-card events and ask for the init data, then the call's status. */
    bind() {
      portal.call('getInitData', undefined, 5000).then((reply) => {
        if (!reply.ok) {
          console.warn('Call Timeline: the portal did not answer getInitData');
          return;
        }
        take(OPENED, [reply.value], true);
        portal.call('getStatus', {}, 900).then((status) => {
          if (status.ok && status.value && typeof status.value === 'object') take(OPENED, [status.value]);
        });
      });
      for (const name of CALL_CARD_EVENTS) portal.bindEvent(name, (...args) => take(name, args));
    },

    /**
     * From now on hand every event on, those that came before first, in order: each to every
     * sink, in the sinks' order; a sink that fails costs that sink only.
     *
     * @param {(value: unknown) => unknown} redact hides the secrets in what came from the frame
     * @param {Sink[]} sinks
     * @param {{ maxPayload: number, states: readonly string[] }} rules Python's, as the build
     *   exported them: the longest payload handed on, and the call's states
     */
    start(redact, sinks, { maxPayload, states }) {
      handOn = ({ kind, args, at, initData }) => {
        const hidden = /** @type {unknown[]} */ (redact(args));
        const kept = serialise(hidden, maxPayload);
        // The init data read as it came, as Python reads it: its settings are the admin's words.
        const opened = initData ? readInitData(args[0], states) : null;
        /** @type {CallEvent} */
        const event = {
          kind, at, args: hidden, kept, opened,
          payload: kind === OPENED ? serialise(args, maxPayload) : kept,
          callId: opened ? opened.callId : kind === OPENED ? readCallId(args[0]) : null,
        };
        for (const sink of sinks) {
          try {
            sink(event);
          } catch (error) {
            console.warn('Call Timeline: an event was not handed on', error instanceof Error ? error.name : typeof error);
          }
        }
      };
      for (const arrival of early.splice(0)) handOn(arrival);
    },
  };
}
