// @ts-check
/**
 * The app's share of the page's storage, for Python in the worker, which has
 * none: a copy of it at start-up (placement_app/browser/mirror.py keeps it
 * there), and each write Python makes, applied here.  Only keys under the
 * app's prefix are read or written.  A full or disabled storage costs the
 * saved copy only, never the card.
 */

/** Every key of the app's (placement_app/card/storage.py names them). */
export const STORAGE_PREFIX = 'call-timeline:v1:';

/**
 * @typedef {Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>} Store
 * @typedef {{ op?: unknown, key?: unknown, value?: unknown }} Write  one write of Python's
 */

/** @param {Store | null} storage the page's localStorage, or null where it is refused */
export function createPageStorage(storage) {
  return {
    /**
     * This app's keys and values, for the worker; null if storage is refused.
     *
     * @returns {Record<string, string | null> | null}
     */
    snapshot() {
      try {
        if (!storage) throw new Error('no storage');
        /** @type {Record<string, string | null>} */
        const saved = {};
        for (let index = 0; index < storage.length; index++) {
          const key = storage.key(index);
          if (key && key.startsWith(STORAGE_PREFIX)) saved[key] = storage.getItem(key);
        }
        return saved;
      } catch (error) {
        console.warn('Call Timeline: local storage is not available', error instanceof Error ? error.name : typeof error);
        return null;
      }
    },

    /** @param {Write} write */
    apply({ op, key, value }) {
      if (!storage || typeof key !== 'string' || !key.startsWith(STORAGE_PREFIX)) return;
      try {
        if (op === 'set') storage.setItem(key, String(value));
        else if (op === 'remove') storage.removeItem(key);
      } catch (error) {
        console.warn('Call Timeline: the timeline could not be saved', error);
      }
    },
  };
}
