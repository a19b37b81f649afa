// @ts-check
/**
 * A small Bitrix24 frame client: the classic BX24.js wire format, nothing else.
 *
 * Why not the official SDK: its bindEvent keeps a 900 ms "safety" promise on
 * the same callback id, and the first event that arrives inside that window
 * resolves the promise instead of reaching the callback, so a state change
 * during start-up is lost.  Here a bound callback id is never a promise.
 */

export const CALL_CARD_EVENTS = [
  'CallCard::CallStateChanged',
  'CallCard::EntityChanged',
  'CallCard::BeforeClose',
];

/**
 * @typedef {{ domain: string, protocol: string, appSid: string, origin: string }} Frame
 * @typedef {{ postMessage(message: string, targetOrigin: string): void }} ParentWindow
 * @typedef {{ addEventListener(type: 'message', listener: (event: MessageEvent) => void): void }} OwnWindow
 * @typedef {{ ok: true, value: unknown } | { ok: false, reason: string }} Reply
 */

/**
 * DOMAIN|PROTOCOL|APP_SID from the frame's name, or null when it is not a Bitrix24 frame.
 *
 * @param {unknown} name
 * @returns {Frame | null}
 */
export function readFrameName(name) {
  const parts = String(name || '').split('|');
  if (parts.length !== 3) return null;
  const [domain, protocol, appSid] = parts;
  if (!/^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$/.test(domain)) return null;
  if (protocol !== '0' && protocol !== '1') return null;
  if (!/^[A-Za-z0-9_.-]{1,128}$/.test(appSid)) return null;
  const scheme = protocol === '1' ? 'https' : 'http';
  const host = domain.replace(scheme === 'https' ? /:443$/ : /:80$/, '');
  return { domain, protocol, appSid, origin: `${scheme}://${host}` };
}

export class FrameClient {
  /**
   * @param {Frame} frame
   * @param {ParentWindow} parentWindow the portal's window: commands go there, and only its messages count
   * @param {OwnWindow} ownWindow where the portal's replies arrive
   */
  constructor(frame, parentWindow = window.parent, ownWindow = window) {
    this.frame = frame;
    this.parent = parentWindow;
    /** @type {Map<string, (value: unknown) => void>} */
    this.pending = new Map();
    /** @type {Map<string, (...args: unknown[]) => void>} */
    this.bound = new Map();
    this.counter = 0;
    ownWindow.addEventListener('message', (event) => this.receive(event));
  }

  nextId() {
    this.counter += 1;
    return `ct${this.counter}x${Math.random().toString(36).slice(2, 8)}`;
  }

  /** @param {string} command @param {unknown} params @param {string} id */
  post(command, params, id) {
    const body = params === undefined ? '' : JSON.stringify(params);
    this.parent.postMessage(`${command}:${body}:${id}:${this.frame.appSid}`, this.frame.origin);
  }

  /**
   * Send a command; resolves {ok, value} or, when no reply comes in time, {ok: false}.
   *
   * @param {string} command
   * @param {unknown} [params]
   * @param {number} [timeoutMs]
   * @returns {Promise<Reply>}
   */
  call(command, params, timeoutMs = 900) {
    const id = this.nextId();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ ok: false, reason: 'timeout' });
      }, timeoutMs);
      this.pending.set(id, (value) => {
        clearTimeout(timer);
        resolve({ ok: true, value });
      });
      this.post(command, params, id);
    });
  }

  /**
   * Every later occurrence of the event calls `callback` with the value on the wire.
   *
   * @param {string} eventName
   * @param {(...args: unknown[]) => void} callback
   */
  bindEvent(eventName, callback) {
    const id = this.nextId();
    this.bound.set(id, callback);
    this.post('placementBindEvent', { event: eventName }, id);
  }

  /** @param {{ origin: string, source: unknown, data: unknown }} event */
  receive(event) {
    if (event.origin !== this.frame.origin || event.source !== this.parent) return;
    if (typeof event.data !== 'string') return;
    const cut = event.data.indexOf(':');
    if (cut <= 0) return;
    const id = event.data.slice(0, cut);
    const body = event.data.slice(cut + 1);
    const callback = this.bound.get(id);
    const reply = this.pending.get(id);
    if (!callback && !reply) return;
    /** @type {unknown} */
    let value;
    /** @type {unknown[]} */
    let args = [];
    if (body !== '') {
      try {
        value = JSON.parse(body);
      } catch {
        console.warn('Call Timeline: a reply from the portal is not JSON; passed on as text');
        value = body;
      }
      args = [value];
    }
    if (reply) {
      this.pending.delete(id);
      reply(value);
    } else if (callback) {
      try {
        callback(...args);
      } catch (error) {
        console.error('Call Timeline: event handler failed', error);
      }
    }
  }
}
