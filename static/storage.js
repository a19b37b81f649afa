// @ts-check
/**
 * What Python asks the page to keep in its storage (the worker has none): the rows it drew for
 * the call's next page and its tables of words, both for the quick view.  Only keys under the
 * app's prefix (Python's, from the export) are written; a full or disabled storage costs the
 * next page's quick view its head start, never the card.
 */

/**
 * @typedef {Pick<Storage, 'setItem' | 'removeItem'>} Store
 * @typedef {{ op?: unknown, key?: unknown, value?: unknown }} Write  one write of Python's
 */

/**
 * @param {Store | null} storage the page's localStorage, or null where it is refused
 * @param {string} prefix the app's keys' (placement_app/card/replay.py PREFIX, exported)
 */
export function createPageStorage(storage, prefix) {
  return {
    /** @param {Write} write */
    apply({ op, key, value }) {
      if (!storage || !prefix || typeof key !== 'string' || !key.startsWith(prefix)) return;
      try {
        if (op === 'set') storage.setItem(key, String(value));
        else if (op === 'remove') storage.removeItem(key);
      } catch (error) {
        console.warn('Call Timeline: what the next page shows first could not be kept', error instanceof Error ? error.name : typeof error);
      }
    },
  };
}
