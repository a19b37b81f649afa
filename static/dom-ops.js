// @ts-check
/**
 * Applies the DOM operations that the Python view, running in the worker,
 * records (see placement_app/browser/remote_dom.py).  Only known tags and
 * attributes, and text only: nothing that arrives here can become markup.
 */

export const TAGS = new Set(['div', 'span', 'p', 'dl', 'dt', 'dd', 'ol', 'li', 'time', 'section', 'button']);
/**
 * Attributes the card's view sets, each with the values it may take.
 *
 * @type {Map<string, (value: string) => boolean>}
 */
export const ATTRIBUTES = new Map(/** @type {[string, (value: string) => boolean][]} */ ([
  ['datetime', () => true],
  ['data-events', (value) => /^\d+$/.test(value)],
  ['data-action', (value) => value === 'done'],
  ['type', (value) => value === 'button'],
  ['lang', (value) => /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(value)],
  ['tabindex', (value) => value === '0'],
]));

/**
 * One recorded step: [code, element id, first, second], as remote_dom.py writes it.
 *
 * @typedef {[string, unknown, unknown?, unknown?]} Operation
 */

export class DomPatcher {
  /**
   * @param {HTMLElement} root the element the view draws into (element 0)
   * @param {Document} document where new elements are made (the root's own)
   * @param {{ tags: Set<string>, attributes: Map<string, (value: string) => boolean> }} [allowed]
   *   the tags and attributes this view may use (by default the card's)
   */
  constructor(root, document = root.ownerDocument, allowed = { tags: TAGS, attributes: ATTRIBUTES }) {
    this.document = document;
    this.tags = allowed.tags;
    this.attributes = allowed.attributes;
    /** @type {Map<unknown, HTMLElement>} */
    this.nodes = new Map([[0, root]]);
  }

  /** @param {unknown} id */
  node(id) {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`no element ${id}`);
    return node;
  }

  /** @param {Operation[]} operations */
  apply(operations) {
    for (const operation of operations) {
      try {
        this.one(operation);
      } catch (error) {
        console.warn('Call Timeline: a drawing step was skipped', error);
      }
    }
  }

  /** @param {Operation} operation */
  one([code, id, first, second]) {
    switch (code) {
      case 'c':
        if (typeof first !== 'string' || !this.tags.has(first) || this.nodes.has(id)) throw new Error(`refused <${first}>`);
        this.nodes.set(id, this.document.createElement(first));
        break;
      case 'a': this.node(id).append(this.node(first)); break;
      case 'r': this.node(id).remove(); break;
      case 't': this.node(id).textContent = String(first); break;
      case 'k': this.node(id).className = String(first); break;
      case 'h': this.node(id).hidden = Boolean(first); break;
      case 's':
      {
        const allowed = typeof first === 'string' && this.attributes.get(first);
        if (!allowed || !allowed(String(second))) throw new Error(`refused attribute ${first}`);
        this.node(id).setAttribute(first, String(second));
        break;
      }
      default: throw new Error(`unknown operation ${code}`);
    }
  }
}
