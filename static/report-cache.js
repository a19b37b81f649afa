// @ts-check
/**
 * The failure report's record cache: IndexedDB through the idb wrapper,
 * handed in (the page's composition root imports it), so that this module
 * runs under Node's tests with a stand-in.  Python decides what to keep and
 * when (placement_app/admin/report_page.py); this module only keeps it.
 *
 * Rows are kept under [owner, record ID], the owner being the portal and
 * the user, so one user's records never reach another; `known` is how far
 * the owner's rows are complete (the highest ID of a load that ran to its
 * end).  A browser that refuses IndexedDB (storage blocked; a browser that
 * blocks third-party storage refuses it to the app's frame, which is on
 * another site than the portal) gets an empty cache that forgets: the report
 * then loads everything, as on a first visit, and says why.
 */

const DATABASE = 'call-timeline-report';
const VERSION = 1;
/** The records, each as Python's report.to_row wrote it, by [owner, ID]. */
const ROWS = 'rows';
/** By owner: `{ known }`. */
const META = 'meta';

/**
 * @typedef {{
 *   getAll(store: string, query?: unknown): Promise<unknown[]>,
 *   get(store: string, key: unknown): Promise<unknown>,
 *   put(store: string, value: unknown, key?: unknown): Promise<unknown>,
 *   transaction(store: string, mode: 'readwrite'): { objectStore(name: string): { put(value: unknown, key: unknown): Promise<unknown> }, done: Promise<void> },
 *   createObjectStore(name: string): unknown,
 * }} Database  the part of idb's database the cache uses
 * @typedef {(name: string, version: number, callbacks: { upgrade(database: Database): void }) => Promise<Database>} OpenDB
 * @typedef {(lower: unknown, upper: unknown) => unknown} Bound  IDBKeyRange.bound
 * @typedef {{ known: number, rows: unknown[], kept: boolean }} Cached  `kept`: false when the browser
 *   refuses the cache (Python says so: each visit then loads everything)
 */

/**
 * @param {{ openDB: OpenDB, bound: Bound, warn?: (text: string) => void }} inputs
 */
export function createCache({ openDB, bound, warn = console.warn }) {
  /** @type {Promise<Database | null> | null} */
  let opening = null;
  /** Writes in the order Python asked for them, so that `done` follows the rows it covers. */
  /** @type {Promise<unknown>} */
  let queue = Promise.resolve();

  function openDatabase() {
    opening ??= openDB(DATABASE, VERSION, {
      upgrade(database) {
        database.createObjectStore(ROWS);
        database.createObjectStore(META);
      },
    }).catch((/** @type {unknown} */ error) => {
      warn(`Call Timeline: the report's cache is unavailable (${error instanceof Error ? error.name : typeof error})`);
      return null;
    });
    return opening;
  }

  /** @param {(database: Database) => Promise<unknown>} write */
  function enqueue(write) {
    queue = queue.then(async () => {
      const database = await openDatabase();
      if (database) await write(database);
    }).catch((/** @type {unknown} */ error) => {
      warn(`Call Timeline: the report's cache refused a write (${error instanceof Error ? error.name : typeof error})`);
    });
    return queue;
  }

  return {
    /**
     * The owner's rows and how far they are complete, after the writes asked for before.
     *
     * @param {string} owner
     * @returns {Promise<Cached>}
     */
    async rowsOf(owner) {
      await queue;  // what was asked to be kept before is read back
      const database = await openDatabase();
      if (!database) return { known: 0, rows: [], kept: false };
      try {
        const [rows, meta] = await Promise.all([
          database.getAll(ROWS, bound([owner, 0], [owner, Number.MAX_SAFE_INTEGER])),
          database.get(META, owner),
        ]);
        const known = meta && typeof meta === 'object' && 'known' in meta ? Number(meta.known) : 0;
        return { known: Number.isSafeInteger(known) && known > 0 ? known : 0, rows, kept: true };
      } catch (error) {
        warn(`Call Timeline: the report's cache could not be read (${error instanceof Error ? error.name : typeof error})`);
        return { known: 0, rows: [], kept: false };
      }
    },
    /**
     * Keep rows, each with its record ID: `[[id, row], ...]`.
     *
     * @param {string} owner @param {unknown[]} entries
     */
    storeRows(owner, entries) {
      return enqueue(async (database) => {
        const writing = database.transaction(ROWS, 'readwrite');
        const store = writing.objectStore(ROWS);
        for (const entry of entries) {
          if (Array.isArray(entry) && Number.isSafeInteger(entry[0])) store.put(entry[1], [owner, entry[0]]);
        }
        await writing.done;
      });
    },
    /**
     * The owner's rows are complete up to `known`.
     *
     * @param {string} owner @param {number} known
     */
    complete(owner, known) {
      return enqueue((database) => database.put(META, { known }, owner));
    },
  };
}
