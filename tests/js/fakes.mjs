/**
 * Small stand-ins for what a browser gives the shim, so that the real
 * static/*.js files run under `node --test`: elements that hold text and
 * children, windows that post and receive messages, a portal that answers
 * when a test chooses, promises a test settles when it chooses, and the
 * pages' protocol as the build exports it.
 */
export { PROTOCOL } from './rules.mjs';

export class FakeElement {
  constructor(document, tagName) {
    this.ownerDocument = document;
    this.tagName = tagName.toUpperCase();
    this.children = [];
    this.parent = null;
    this.text = '';
    this.className = '';
    this.hidden = false;
    this.attributes = new Map();
    this.dataset = {};
  }

  get textContent() {
    return this.text + this.children.map((child) => child.textContent).join('');
  }

  /** As in the DOM: the text replaces every child. */
  set textContent(value) {
    for (const child of [...this.children]) child.remove();
    this.text = String(value);
  }

  get childElementCount() {
    return this.children.length;
  }

  get firstElementChild() {
    return this.children[0] ?? null;
  }

  get lastElementChild() {
    return this.children.at(-1) ?? null;
  }

  append(...nodes) {
    for (const node of nodes) {
      if (!(node instanceof FakeElement)) throw new TypeError('this fake appends elements only');
      node.remove();
      node.parent = this;
      this.children.push(node);
    }
  }

  remove() {
    if (!this.parent) return;
    this.parent.children.splice(this.parent.children.indexOf(this), 1);
    this.parent = null;
  }

  setAttribute(name, value) {
    this.attributes.set(name, String(value));
  }

  getAttribute(name) {
    return this.attributes.get(name) ?? null;
  }

  /** Every element below this one, depth first. */
  *descendants() {
    for (const child of this.children) {
      yield child;
      yield* child.descendants();
    }
  }
}

export class FakeDocument {
  constructor() {
    this.created = [];
    this.documentElement = new FakeElement(this, 'html');
    this.byId = new Map();
  }

  createElement(tagName) {
    const element = new FakeElement(this, tagName);
    this.created.push(element.tagName);
    return element;
  }

  getElementById(id) {
    return this.byId.get(id) ?? null;
  }

  /** An element the page's template would have. */
  withId(id, tagName = 'div') {
    const element = this.createElement(tagName);
    this.byId.set(id, element);
    return element;
  }
}

/** A window: what is posted to it, and the message listeners added on it. */
export class FakeWindow {
  constructor() {
    this.posted = [];
    this.listeners = [];
  }

  postMessage(message, targetOrigin) {
    this.posted.push({ message, targetOrigin });
  }

  addEventListener(type, listener) {
    if (type === 'message') this.listeners.push(listener);
  }

  /** A message event arrives, from `source` at `origin`. */
  deliver({ data, origin, source }) {
    for (const listener of this.listeners) listener({ data, origin, source });
  }
}

/** A promise with its resolve and reject, for a phase the test holds open. */
export function gate() {
  let resolve;
  let reject;
  const promise = new Promise((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/**
 * A list that tells waiters when something matching arrives:
 * `await box.until((items) => ...)` waits for a condition, never for time.
 */
export class Outbox {
  constructor() {
    this.items = [];
    this.waiters = [];
  }

  push(item) {
    this.items.push(item);
    this.waiters = this.waiters.filter(({ condition, resolve }) => {
      if (!condition(this.items)) return true;
      resolve(this.items);
      return false;
    });
  }

  until(condition) {
    if (condition(this.items)) return Promise.resolve(this.items);
    return new Promise((resolve) => this.waiters.push({ condition, resolve }));
  }
}

/**
 * A portal as the frame client reaches it: each command sent (with its parameters and time
 * limit), answered when the test says; each event bound, raised when the test says.
 */
export class FakePortal {
  constructor() {
    this.calls = [];
    this.bound = new Map();
    /** Commands and bindings, in the order the page made them. */
    this.order = [];
  }

  call(command, params, timeoutMs) {
    const reply = gate();
    this.calls.push({
      command, params, timeoutMs,
      answer: (value) => reply.resolve({ ok: true, value }),
      timeOut: () => reply.resolve({ ok: false, reason: 'timeout' }),
    });
    this.order.push(command);
    return reply.promise;
  }

  bindEvent(name, callback) {
    this.bound.set(name, callback);
    this.order.push(`bind ${name}`);
  }

  /** The portal raises `name` with `args` (one value on our wire). */
  fire(name, ...args) {
    this.bound.get(name)(...args);
  }

  /** The last `command` sent. */
  sent(command) {
    return this.calls.findLast((call) => call.command === command);
  }
}

/** Let every promise callback that is ready run (a reply's `then`). */
export function settle() {
  return new Promise((resolve) => setImmediate(resolve));
}
