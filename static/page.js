// @ts-check
/**
 * What the admin's pages (settings, install) share: the frame, Python, and
 * the messages every admin page takes (its progress, its texts, its status
 * line); the portal commands Python asks for go through the one relay
 * (protocol.js).  A page adds only how it shows its own messages.
 */
import { FrameClient, readFrameName } from './frame.js';
import { startPython } from './python.js';
import { createWorkerLink, readProtocol } from './protocol.js';

/** The page's events, by Python's names (placement_app/admin/page.py dispatches them). */
const OPENED = 'page:opened';
/** The portal's reply to a command Python does not wait for (AdminPage.on_reply). */
const REPLY = 'page:reply';

/**
 * @typedef {import('./protocol.js').Handler} Handler
 * @typedef {(toPage: Record<string, string>) => Record<string, Handler>} PageHandlers
 *   the page's own messages, each by its type's value (read from the protocol's `toPage`)
 * @typedef {(kind: string, args: unknown[]) => void} Send  one of the page's events, for Python
 * @typedef {{
 *   querySelectorAll(selector: string): Iterable<unknown>,
 *   getElementById(id: string): unknown,
 *   documentElement: { lang: string },
 * }} PageDocument
 * @typedef {{ entry: string, data: unknown, onMessage: (message: any) => void, onFailed: (reason: string) => void }} Start
 */

/** @param {PageDocument} document @param {string} id */
const element = (document, id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * @param {PageDocument} document @param {string} text @param {string} [tone]
 */
function status(document, text, tone = '') {
  const line = element(document, 'status');
  line.textContent = text;
  line.dataset.tone = tone;
}

/** @param {string} text @param {string} [tone] */
export function showStatus(text, tone = '') {
  status(document, text, tone);
}

/**
 * Put Python's words for the admin's language on every [data-text] element.
 *
 * @param {PageDocument} document
 * @param {unknown} texts
 * @param {unknown} lang
 */
function applyTexts(document, texts, lang) {
  const words = /** @type {Record<string, unknown>} */ (texts && typeof texts === 'object' ? texts : {});
  // Rows a page clones from a <template> (the settings' overrides) get the words too.
  const templates = [...document.querySelectorAll('template')].map((template) => /** @type {HTMLTemplateElement} */ (template).content);
  for (const root of [document, ...templates]) {
    for (const found of root.querySelectorAll('[data-text]')) {
      const labelled = /** @type {HTMLElement} */ (found);
      const text = Object.hasOwn(words, labelled.dataset.text ?? '') ? words[labelled.dataset.text ?? ''] : undefined;
      if (typeof text === 'string') labelled.textContent = text;
    }
  }
  if (typeof lang === 'string') document.documentElement.lang = lang;
}

/**
 * Start a page, given what it runs on: hand Python (`entry`) the init data
 * (plus `extra`) and take Python's messages, every admin page's here and the
 * page's own by `handlers`.  Returns `send(kind, args)` for the page's own
 * events, or null when there is no Python to send them to (outside Bitrix24,
 * no protocol, or Python cannot start: the status line says which).
 *
 * @param {{
 *   entry: string,
 *   extra?: unknown[],
 *   handlers: PageHandlers,
 *   document: PageDocument,
 *   portal: import('./protocol.js').Portal | null,
 *   protocol: import('./protocol.js').Protocol | null,
 *   start: (options: Start) => { postMessage(message: unknown): void },
 *   now?: () => number,
 * }} inputs  `portal` is null outside a portal's frame; `start` starts Python (python.js)
 * @returns {Send | null}
 */
export function openPage({ entry, extra = [], handlers, document, portal, protocol, start, now = Date.now }) {
  const words = element(document, 'status').dataset;
  const progress = /** @type {HTMLProgressElement} */ (element(document, 'progress'));
  /** @param {string} reason */
  const failed = (reason) => {
    progress.hidden = true;
    status(document, (words.failed ?? '').replace('{reason}', reason), 'error');
  };
  if (!portal) {
    status(document, words.noFrame ?? '', 'error');
    return null;
  }
  if (!protocol) {
    failed('the page cannot read its protocol');
    return null;
  }
  const T = protocol.toPage;
  /** @type {{ postMessage(message: unknown): void } | null} */
  let worker = null;
  const link = createWorkerLink({
    protocol,
    entry,
    portal,
    post: (message) => worker?.postMessage(message),
    handlers: {
      [T.MARK]: () => { progress.value += 1; },
      [T.LIVE]: () => { progress.hidden = true; },
      [T.DROPPED]: () => {},  // an admin page never has that many early events; Python notes it
      [T.TEXTS]: ({ texts, lang }) => applyTexts(document, texts, lang),
      [T.STATUS]: ({ text, tone }) => status(document, String(text ?? ''), String(tone ?? '')),
      ...handlers(T),
    },
    onReply: (reply) => send(REPLY, [reply]),
  });
  /** @type {Send} */
  const send = (kind, args) => link.send(kind, JSON.stringify(args), now());
  try {
    worker = start({ entry, data: {}, onMessage: link.receive, onFailed: failed });
  } catch (error) {
    failed(error instanceof Error ? error.message : String(error));
    return null;
  }
  portal.call('getInitData', undefined, 5000).then((reply) => {
    send(OPENED, [reply.ok ? reply.value : null, ...extra]);
  });
  return send;
}

/**
 * Start this page (the browser's document, frame and Python): see openPage.
 *
 * @param {{ entry: string, extra?: unknown[], handlers: PageHandlers }} options
 * @returns {Promise<Send | null>}
 */
export async function runPage({ entry, extra, handlers }) {
  const frame = readFrameName(window.name);
  return openPage({
    entry, extra, handlers, document,
    portal: frame ? new FrameClient(frame) : null,
    protocol: frame ? await readProtocol() : null,
    start: startPython,
  });
}
