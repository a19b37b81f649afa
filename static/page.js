// @ts-check
/**
 * What the admin's pages (settings, install) share: the frame, Python, and
 * the few generic messages Python sends back (texts, status, portal
 * commands).  A page adds only how it shows its own messages.
 */
import { FrameClient, readFrameName } from './frame.js';
import { startPython } from './python.js';

/**
 * An element of the page's template, which has it.
 *
 * @param {string} id
 */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @param {string} text @param {string} [tone] */
export function showStatus(text, tone = '') {
  const status = $('status');
  status.textContent = text;
  status.dataset.tone = tone;
}

/**
 * Put Python's words for the admin's language on every [data-text] element.
 *
 * @param {Record<string, unknown>} texts
 * @param {unknown} lang
 */
function applyTexts(texts, lang) {
  // Rows a page clones from a <template> (the settings' overrides) get the words too.
  const templates = [...document.querySelectorAll('template')].map((template) => template.content);
  for (const root of [document, ...templates]) {
    for (const element of root.querySelectorAll('[data-text]')) {
      if (!(element instanceof HTMLElement)) continue;
      const words = texts[element.dataset.text ?? ''];
      if (typeof words === 'string') element.textContent = words;
    }
  }
  if (typeof lang === 'string') document.documentElement.lang = lang;
}

/**
 * Start a page: connect to the portal, start Python (`entry`), and hand it
 * the init data (plus `extra`).  `commands` are the portal commands Python
 * may ask for; their replies go back to Python as `page:reply`.  Returns
 * `send(kind, args)` for the page's own events, or null outside Bitrix24.
 *
 * @param {{ entry: string, commands: string[], extra?: unknown[], onMessage: (message: any) => void }} options
 * @returns {((kind: string, args: unknown[]) => void) | null}
 */
export function runPage({ entry, commands, extra = [], onMessage }) {
  const words = $('status').dataset;
  const frame = readFrameName(window.name);
  if (!frame) {
    showStatus(words.noFrame ?? '', 'error');
    return null;
  }
  const client = new FrameClient(frame);
  const progress = /** @type {HTMLProgressElement} */ ($('progress'));
  /** @type {Worker | null} */
  let worker = null;
  /** @param {string} kind @param {unknown[]} args */
  const send = (kind, args) => {
    if (worker) worker.postMessage({ type: 'event', kind, payload: JSON.stringify(args), at: Date.now() });
  };
  /** @param {string} reason */
  const failed = (reason) => {
    progress.hidden = true;
    showStatus((words.failed ?? '').replace('{reason}', reason), 'error');
  };
  /**
   * A portal command Python asked for.  With an id, Python waits for the
   * reply as a message of its own ('reply'); without, as the event 'page:reply'.
   *
   * @param {{ command: string, params?: string, id?: string }} message
   */
  const command = ({ command: name, params, id }) => {
    let values;
    try {
      values = JSON.parse(params ?? '{}');
    } catch {
      console.warn(`Call Timeline: ${name} not sent: its parameters are unreadable`);
      return;
    }
    // Python gives a reply it waits for (refreshAuth) the time Bitrix24's own library gives it.
    client.call(name, values, typeof id === 'string' ? 10000 : 5000).then((reply) => {
      const value = reply.ok ? reply.value ?? null : null;
      if (typeof id === 'string') worker?.postMessage({ type: 'reply', id, ok: reply.ok, value });
      else send('page:reply', [{ command: name, ok: reply.ok, value }]);
    });
  };
  /** @param {any} message what Python sent */
  const handle = (message) => {
    switch (message.type) {
      case 'mark': progress.value += 1; break;
      case 'live': progress.hidden = true; break;
      case 'texts': applyTexts(message.texts, message.lang); break;
      case 'status': showStatus(message.text, message.tone); break;
      case 'frame':
        if (commands.includes(message.command)) command(message);
        break;
      default: onMessage(message);
    }
  };
  try {
    worker = startPython({ entry, data: {}, onMessage: handle, onFailed: failed });
  } catch (error) {
    failed(error instanceof Error ? error.message : String(error));
    return null;
  }
  client.call('getInitData', undefined, 5000).then((reply) => {
    send('page:opened', [reply.ok ? reply.value : null, ...extra]);
  });
  return send;
}
