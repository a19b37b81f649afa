// @ts-check
/**
 * What the card shows: the quick view while Python starts (every call state
 * the moment it comes), then Python's drawing, its live region and its
 * *Copy for support*; the marks of start-up; and the frame fitted to the
 * card.  It decides nothing about the call: it shows what it is handed.
 */
import { CALL_CARD_EVENTS } from './frame.js';

const STATE_CHANGED = 'CallCard::CallStateChanged';
const MARK_PREFIX = 'call-timeline:';

/**
 * The quick view (constructed elsewhere, static/quick-view.js), as the drawing uses it.
 *
 * @typedef {{
 *   callState(state: string, code: string | null, at: number): void,
 *   opened(opened: { lang: unknown, state: string | null, callId: string | null }, at: number): void,
 *   say(key: string, detail?: string): void,
 *   step(done: number, total: number): void,
 *   handOver(): void,
 *   dropped(count: number): void,
 *   drawingLost(): void,
 *   failed(detail?: string): void,
 *   outside(): void,
 * }} QuickView
 * @typedef {{ apply(operations: import('./dom-ops.js').Operation[]): void }} Patcher
 * @typedef {{ say(text: unknown): void, fromEngine(text: unknown): void, fromQuickView(state: string, code: string): void }} Speaker
 * @typedef {{ update(text: unknown, words: unknown): void }} Support
 * @typedef {{ mark(name: string): unknown, getEntriesByName(name: string): unknown[] }} Marks
 * @typedef {{ call(command: string, params?: unknown, timeoutMs?: number): unknown }} Portal
 */

/**
 * @param {{
 *   quickView: QuickView,
 *   readCallState: (args: unknown[]) => { state: string, code: string | null } | null,
 *   quickWords: () => { state: string, code: string },
 *   patcher: Patcher,
 *   announcer: Speaker,
 *   support: Support,
 *   root: { dataset: DOMStringMap },
 *   marks: Marks,
 *   portal: Portal | null,
 *   height: () => number,
 * }} inputs  `quickWords` is what the quick view shows now (its state, its code line or ''),
 *   `root` the page's element whose data attributes say how the card runs, `height` the card's
 */
export function createDrawing({
  quickView, readCallState, quickWords, patcher, announcer, support, root, marks, portal, height,
}) {
  let sawCallEvent = false;
  let live = false;
  /** Python asked the portal to fit the frame to the card. */
  let fitting = false;
  /** The height the portal was last asked to fit the frame to. */
  let fitted = 0;

  function firstState() {
    if (!marks.getEntriesByName(`${MARK_PREFIX}first-state`).length) marks.mark(`${MARK_PREFIX}first-state`);
  }

  /**
   * Ask the portal to fit the frame to the card, once Python asked for it and
   * is live, and then whenever the card's height changes.  Not before Python
   * is live: the page holds both views then, and a fit would grow the frame
   * only to shrink it when the quick view goes.  A height already asked for is
   * not asked again.  Called after layout (a ResizeObserver), so the height
   * asked for is the one drawn.
   */
  function fit() {
    if (!portal || !fitting || !live) return;
    const measured = Math.ceil(height());
    if (measured === fitted) return;
    fitted = measured;
    // The full width and the card's own height, as BX24.fitWindow asks.
    portal.call('resizeWindow', { width: '100%', height: measured }, 900);
  }

  return {
    fit,

    /** @param {import('./call-events.js').CallEvent} event one of the card's events, its secrets hidden */
    event({ kind, args, at, opened }) {
      try {
        if (kind === STATE_CHANGED) {
          const seen = readCallState(args);
          if (seen) {
            quickView.callState(seen.state, seen.code, at);
            const words = quickWords();
            announcer.fromQuickView(words.state, words.code);
            firstState();
          }
        }
        if (opened) {
          quickView.opened(opened, at);
          if (opened.state !== null && !sawCallEvent) firstState();
        }
      } catch (error) {
        console.warn('Call Timeline: the quick view skipped an event', error instanceof Error ? error.name : typeof error);
      }
      if (CALL_CARD_EVENTS.includes(kind)) sawCallEvent = true;
    },

    /** Python is starting. */
    loading() {
      quickView.say('loading');
      quickView.step(0, 3);
    },

    /** @param {string} name a moment of Python's start-up */
    mark(name) {
      marks.mark(`${MARK_PREFIX}${name}`);
      if (name === 'from-snapshot') root.dataset.start = 'snapshot';
      if (name === 'pyodide-ready') {
        // How Python started, for whoever looks into the card (tools, tests): from the
        // build's snapshot, or the normal way (micropip installs the wheel next).
        root.dataset.start ||= 'normal';
        quickView.step(1, 3);
      }
      if (name === 'wheel-installed') quickView.step(2, 3);
    },

    /** Python took over: its drawing is the card from now on. */
    live() {
      live = true;
      quickView.step(3, 3);
      quickView.handOver();
      root.dataset.engine = 'python';
      marks.mark(`${MARK_PREFIX}python-live`);
      fit();
    },

    /** @param {string} reason why Python cannot run (it may still come later, and take over) */
    failed(reason) {
      if (live) return;
      root.dataset.engine = 'quick';
      quickView.failed(reason);
    },

    /** No portal, no call: one plain sentence, and nothing to start. */
    outside() {
      root.dataset.engine = 'outside';
      quickView.outside();
    },

    /** @param {unknown} ops Python's drawing: a JSON list of operations; an unreadable one brings the quick view back */
    draw(ops) {
      let operations;
      try {
        operations = JSON.parse(String(ops));
        if (!Array.isArray(operations)) throw new TypeError('not a list of operations');
      } catch (error) {
        console.error('Call Timeline: a drawing from Python was unreadable and was skipped',
          error instanceof Error ? error.name : typeof error);
        quickView.drawingLost();
        return;
      }
      patcher.apply(operations);
    },

    /** @param {unknown} text what Python's live region says */
    announce(text) {
      announcer.fromEngine(text);
    },

    /** @param {unknown} text @param {unknown} words Python's *Copy for support* text and its button's words */
    support(text, words) {
      support.update(text, words);
    },

    /** @param {unknown} count how many early events the engine dropped */
    dropped(count) {
      quickView.dropped(Number(count) || 0);
    },

    /** Python asked for the frame to fit the card: now, and on every change of its height. */
    fitRequested() {
      fitting = true;
      fit();
    },
  };
}
