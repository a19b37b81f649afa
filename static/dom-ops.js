/**
 * Applies the DOM operations that the Python view, running in the worker,
 * records (see placement_app/remote_dom.py).  Only known tags and
 * attributes, and text only: nothing that arrives here can become markup.
 */

const TAGS = new Set(['div', 'span', 'p', 'dl', 'dt', 'dd', 'ol', 'li', 'time', 'section', 'button']);
/** Attributes the view sets, each with the values it may take. */
const ATTRIBUTES = new Map([
  ['datetime', () => true],
  ['data-events', (value) => /^\d+$/.test(value)],
  ['data-action', (value) => value === 'done'],
  ['type', (value) => value === 'button'],
]);

export class DomPatcher {
  constructor(root) {
    this.nodes = new Map([[0, root]]);
  }

  node(id) {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`no element ${id}`);
    return node;
  }

  apply(operations) {
    for (const operation of operations) {
      try {
        this.one(operation);
      } catch (error) {
        console.warn('Call Timeline: a drawing step was skipped', error);
      }
    }
  }

  one([code, id, first, second]) {
    switch (code) {
      case 'c':
        if (!TAGS.has(first) || this.nodes.has(id)) throw new Error(`refused <${first}>`);
        this.nodes.set(id, document.createElement(first));
        break;
      case 'a': this.node(id).append(this.node(first)); break;
      case 'r': this.node(id).remove(); break;
      case 't': this.node(id).textContent = String(first); break;
      case 'k': this.node(id).className = String(first); break;
      case 'h': this.node(id).hidden = Boolean(first); break;
      case 's':
        if (!ATTRIBUTES.has(first) || !ATTRIBUTES.get(first)(String(second))) {
          throw new Error(`refused attribute ${first}`);
        }
        this.node(id).setAttribute(first, String(second));
        break;
      default: throw new Error(`unknown operation ${code}`);
    }
  }
}
