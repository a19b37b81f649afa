// @ts-check
/**
 * The page's end of the page↔worker protocol, the same for every page (the
 * card, the settings page, the install page).  The messages are Python's
 * (placement_app/browser/protocol.py), read here as data from the JSON the
 * build writes beside this module: a page names a type by its member
 * (`protocol.toPage.FRAME`), never by its value.  Each message the worker
 * posts goes to the page's handler for its type, but a portal command Python
 * asks for (FRAME), which the one relay here sends for every page.
 */

/**
 * @typedef {{ messages: string[], commands: string[] }} PageRules  what one page takes, and sends for Python
 * @typedef {{
 *   toPage: Record<string, string>,
 *   toWorker: Record<string, string>,
 *   pages: Record<string, PageRules>,
 *   replyTimeoutMs: number,
 *   secrets: import('./secrets.js').SecretRule,
 *   log: CallLogRules,
 *   callStates: string[],
 * }} Protocol
 * @typedef {{ prefix: string, keep: string[], version: number, maxEvents: number, maxChars: number, maxCalls: number,
 *   maxPayload: number, storagePrefix: string }} CallLogRules  how the card's page keeps a call's
 *   event log (placement_app/card/replay.py)
 * @typedef {{ call(command: string, params?: unknown, timeoutMs?: number): Promise<import('./frame.js').Reply> }} Portal
 * @typedef {{ command: string, ok: boolean, value: unknown }} CommandReply
 * @typedef {{ type?: unknown, [field: string]: unknown }} WorkerMessage
 * @typedef {(message: any) => void} Handler
 */

/** @param {unknown} value @returns {value is string[]} */
const texts = (value) => Array.isArray(value) && value.every((item) => typeof item === 'string');

/** @param {unknown} value @returns {value is Record<string, string>} */
const names = (value) => Boolean(value) && typeof value === 'object'
  && Object.values(/** @type {object} */ (value)).every((item) => typeof item === 'string');

/**
 * Whether `value` has the protocol's shape (what the build writes).
 *
 * @param {any} value
 * @returns {value is Protocol}
 */
export function isProtocol(value) {
  return Boolean(value) && typeof value === 'object'
    && names(value.toPage) && names(value.toWorker)
    && Boolean(value.pages) && typeof value.pages === 'object'
    && Object.values(value.pages).every((page) => page && texts(page.messages) && texts(page.commands))
    && Number.isFinite(value.replyTimeoutMs) && value.replyTimeoutMs > 0
    && Boolean(value.secrets) && texts(value.secrets.keys) && value.secrets.keys.length > 0
    && typeof value.secrets.hidden === 'string' && Number.isInteger(value.secrets.maxDepth)
    && typeof value.secrets.inText === 'string'
    && Boolean(value.log) && typeof value.log.prefix === 'string' && texts(value.log.keep)
    && Number.isInteger(value.log.maxEvents) && Number.isInteger(value.log.maxCalls)
    && Number.isInteger(value.log.maxChars)
    && typeof value.log.storagePrefix === 'string' && Number.isInteger(value.log.maxPayload)
    && texts(value.callStates);
}

/** @param {URL} url */
async function fetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

/**
 * The protocol the build wrote beside this module (`protocol.json`), or null
 * when it cannot be read: a page without it cannot talk to Python, nor know
 * which secrets to hide, and says so.
 *
 * @param {(url: URL) => Promise<unknown>} [read]
 * @returns {Promise<Protocol | null>}
 */
export async function readProtocol(read = fetchJson) {
  try {
    const value = await read(new URL('protocol.json', import.meta.url));
    if (isProtocol(value)) return value;
    throw new TypeError('not the pages\' protocol');
  } catch (error) {
    console.error('Call Timeline: the pages\' protocol is unreadable; Python cannot be reached',
      error instanceof Error ? error.message : typeof error);
    return null;
  }
}

/**
 * The page's end of its worker.  `handlers` take the messages of the page's
 * own types (keyed by their values, read from `protocol.toPage`); a portal
 * command Python asks for is sent by the relay, if the protocol names it for
 * this page (`entry`), with the parameters Python gave.  `own` are the
 * commands the page makes itself when Python asks (the card's resizeWindow:
 * the page measures its own height).  The portal's reply goes back to Python
 * as a message (REPLY) when Python waits for it (the command has an id), else
 * to `onReply`, if the page has one.  Every command Python asks for gets the
 * same time to be answered: the protocol's replyTimeoutMs.
 *
 * @param {{
 *   protocol: Protocol,
 *   entry: string,
 *   portal: Portal,
 *   post: (message: object) => void,
 *   handlers: Record<string, Handler>,
 *   own?: Record<string, () => void>,
 *   onReply?: (reply: CommandReply) => void,
 * }} inputs  `post` posts to the worker
 */
export function createWorkerLink({ protocol, entry, portal, post, handlers, own = {}, onReply }) {
  const { toPage, toWorker } = protocol;
  const rules = protocol.pages[entry] ?? { messages: [], commands: [] };
  const taken = new Set(rules.messages);
  const handled = new Set([toPage.FRAME, ...Object.keys(handlers)]);
  // A page and the protocol that disagree is the page's mistake: said at once, where a test sees it.
  for (const type of taken) {
    if (!handled.has(type)) console.error(`Call Timeline: ${entry} does not take the message ${type}`);
  }
  for (const type of handled) {
    if (!taken.has(type)) console.error(`Call Timeline: ${entry} takes ${type}, which the protocol does not send it`);
  }

  /** @param {string} command @param {string | undefined} id @param {boolean} ok @param {unknown} value */
  function answer(command, id, ok, value) {
    if (typeof id === 'string') post({ type: toWorker.REPLY, id, ok, value });
    else onReply?.({ command, ok, value });
  }

  /** @param {{ command?: unknown, params?: unknown, id?: unknown }} message */
  function relay({ command, params, id }) {
    const name = String(command);
    const waiting = typeof id === 'string' ? id : undefined;
    if (!rules.commands.includes(name)) {
      console.warn(`Call Timeline: ${name.slice(0, 40)} is not sent from this page`);
      return;
    }
    const make = Object.hasOwn(own, name) ? own[name] : null;
    if (make) {
      make();
      return;
    }
    let values;
    try {
      values = params === undefined ? {} : JSON.parse(String(params));
    } catch {
      console.warn(`Call Timeline: ${name} not sent: its parameters are unreadable`);
      answer(name, waiting, false, null);
      return;
    }
    portal.call(name, values, protocol.replyTimeoutMs).then((reply) => {
      answer(name, waiting, reply.ok, reply.ok ? reply.value ?? null : null);
    });
  }

  return {
    /** @param {WorkerMessage} message what the worker posted */
    receive(message) {
      const type = message && typeof message.type === 'string' ? message.type : '';
      if (!taken.has(type)) return;
      if (type === toPage.FRAME) relay(/** @type {{ command?: unknown, params?: unknown, id?: unknown }} */ (message));
      else handlers[type]?.(message);
    },
    /**
     * One event for Python, in the order the page sends them.
     *
     * @param {string} kind @param {string} payload the arguments, as one JSON text
     * @param {number} at when it arrived
     */
    send(kind, payload, at) {
      post({ type: toWorker.EVENT, kind, payload, at });
    },
  };
}
