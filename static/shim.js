// @ts-check
/**
 * The card's page (index.html), put together from its parts.  Binding comes
 * first: the portal's events (call-events.js) and the hold on its auto-close
 * (hold.js, the one decision the page takes itself) are set up before the
 * page reads anything, because an event may come at once and a portal
 * destroys an unheld card in the same task as its end.  Then the page reads
 * what the build exported (the protocol, the quick view's tables); the
 * events that came meanwhile wait, in order.  Python runs in a worker
 * (engine.js) so that its start-up never holds up this thread; the page
 * draws (drawing.js), keeps every event in the call's log the moment it
 * comes (call-log.js: what a reloaded card replays) and keeps what Python
 * asks it to (storage.js).  The state lives in Python; nothing here decides
 * anything.
 */
import { FrameClient, readFrameName } from './frame.js';
import { BARE, QuickView, readCallState } from './quick-view.js';
import { DomPatcher } from './dom-ops.js';
import { startPython } from './python.js';
import { createRedactor } from './secrets.js';
import { Announcer } from './announcer.js';
import { SupportCopy } from './support.js';
import { createHold } from './hold.js';
import { createWorkerLink, readProtocol } from './protocol.js';
import { DONE, createCallEvents } from './call-events.js';
import { createCallLog } from './call-log.js';
import { createPageStorage } from './storage.js';
import { createDrawing } from './drawing.js';

const ENTRY = 'placement_app.card.app';
/** @param {string} id an element of index.html */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const frame = readFrameName(window.name);
const portal = frame ? new FrameClient(frame) : null;
let live = false;
const hold = createHold({ send: (name) => portal?.call(name, {}, 900), isLive: () => live });
const events = portal && createCallEvents({
  portal,
  arrived({ kind, args, initData }) {
    if (initData) performance.mark('call-timeline:init-data');
    // An end signal starts the hold's clock at once, whatever the page has read by then.
    if (kind === 'CallCard::BeforeClose'
      || (kind === 'CallCard::CallStateChanged' && readCallState(BARE, args)?.state === 'idle')) hold.ended();
  },
});
if (events) {
  events.bind();
  hold.bound();
}

/**
 * The quick view's tables build.py writes beside this module (`rules.json`), or, if they cannot
 * be read, none (the quick view then shows bare states).
 *
 * @returns {Promise<import('./quick-view.js').Export>}
 */
async function readRules() {
  try {
    const response = await fetch(new URL('rules.json', import.meta.url));
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const exported = await response.json();
    if (exported?.quick?.tables) return exported.quick;
    throw new TypeError('not the quick view\'s tables');
  } catch (error) {
    console.error('Call Timeline: the quick view\'s words are unreadable; it shows bare states', error);
    return BARE;
  }
}

/** The page's storage, or null where the browser refuses it. */
function localStore() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

// The page's links fetch both with this module; a warm card has both cached.
const [protocol, rules] = await Promise.all([readProtocol(), readRules()]);
// Times in the browser's time zone, by Intl, as Python's worker writes them (no offset handed over).
// The first words in the portal's language: the frame's address carries it (Bitrix24 adds LANG).
const quickView = new QuickView(document, rules, { lang: new URLSearchParams(location.search).get('LANG'),
  read: (key) => { try { return localStore()?.getItem(key) ?? null; } catch { return null; } } });
const drawing = createDrawing({
  quickView,
  readCallState: (args) => readCallState(rules, args),
  quickWords: () => ({
    state: $('quick-state').textContent ?? '',
    code: $('quick-code').hidden ? '' : $('quick-code').textContent ?? '',
  }),
  patcher: new DomPatcher($('timeline')),
  announcer: new Announcer($('announce')),
  support: new SupportCopy($('support'), /** @type {HTMLButtonElement} */ ($('copy-support'))),
  root: document.documentElement,
  marks: performance,
  portal,
  height: () => document.body.getBoundingClientRect().height,
});
new ResizeObserver(drawing.fit).observe(document.body);

if (!events) {
  // No portal, no call: starting Python would only draw an empty card over the one plain sentence.
  drawing.outside();
} else if (!protocol) {
  // Not knowing which secrets to hide, the page keeps and forwards nothing, and shows of each
  // event its call state only (one of three words), never a code.
  events.start((args) => {
    const seen = readCallState(BARE, /** @type {unknown[]} */ (args));
    return seen ? [seen.state] : [];
  }, [drawing.event], { maxPayload: 0, states: BARE.states });
  drawing.failed('the page cannot read its protocol');
} else {
  const T = protocol.toPage;
  const pageId = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
  // The call's event log: every event kept the moment it comes, for the call's next page to replay.
  const { log: logRules } = protocol;
  const storage = createPageStorage(localStore(), logRules.storagePrefix);
  const callLog = createCallLog({ storage: () => /** @type {Storage} */ (localStore()), prefix: logRules.prefix,
    page: pageId, keep: logRules.keep, maxEvents: logRules.maxEvents, maxChars: logRules.maxChars,
    maxCalls: logRules.maxCalls,
    version: logRules.version });
  /** @type {Worker | null} */
  let worker = null;
  const link = createWorkerLink({
    protocol,
    entry: ENTRY,
    portal: /** @type {FrameClient} */ (portal),
    post: (message) => worker?.postMessage(message),
    handlers: {
      [T.DOM]: ({ ops }) => drawing.draw(ops),
      [T.STORAGE]: (write) => storage.apply(write),
      [T.LOG]: ({ kind, payload, at }) => callLog.add(String(kind), String(payload), Number(at)),
      [T.DROPPED]: ({ count }) => drawing.dropped(count),
      [T.ANNOUNCE]: ({ text }) => drawing.announce(text),
      [T.SUPPORT]: ({ text, words }) => drawing.support(text, words),
      [T.WORDS]: ({ table }) => quickView.adopt(String(table)),
      [T.MARK]: ({ name }) => drawing.mark(String(name)),
      [T.LIVE]: () => {
        live = true;
        hold.live();
        drawing.live();
      },
    },
    own: { resizeWindow: drawing.fitRequested },
  });
  drawing.loading();
  try {
    worker = startPython({
      entry: ENTRY, data: { logs: callLog.all(), page: pageId }, onMessage: link.receive, onFailed: drawing.failed,
    });
  } catch (error) {
    console.error('Call Timeline: Python cannot start here', error);
    drawing.failed(error instanceof Error ? error.message : String(error));
  }
  events.start(createRedactor(protocol.secrets).redact, [
    drawing.event,
    (event) => link.send(event.kind, event.payload, event.at),
    // Kept in the same task as it came, after the worker has it (so that the write does not
    // hold the event back from Python): no page can go in between.
    (event) => {
      if (event.callId !== null) callLog.call(event.callId);
      callLog.add(event.kind, event.kept, event.at);
    },
  ], { maxPayload: protocol.log.maxPayload, states: protocol.callStates });
  // "Done" on a card held open after a failed call: an event like the others, in order.
  $('timeline').addEventListener('click', (event) => {
    if (event.target instanceof Element && event.target.closest('button[data-action="done"]')) events.take(DONE, []);
  });
}
