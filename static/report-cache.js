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
/**
 * The records as Python's report.to_row wrote them, a page of them (as they came, up to 50) a
 * record, by [owner, the page's highest ID]: a reopen reads a busy portal's 100,000 calls as
 * 2,000 records, where IndexedDB's cost is per record.
 */
const ROWS = 'rows';
/** By owner: `{ known }`; by `site:<the portal's domain>`: `{ owner }`, the owner last asked for. */
const META = 'meta';

/**
 * @typedef {{
 *   getAll(store: string, query?: unknown): Promise<unknown[]>,
 *   get(store: string, key: unknown): Promise<unknown>,
 *   put(store: string, value: unknown, key?: unknown): Promise<unknown>,
 *   delete(store: string, query: unknown): Promise<unknown>,
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
        const [pages, meta] = await Promise.all([
          database.getAll(ROWS, bound([owner, 0], [owner, Number.MAX_SAFE_INTEGER])),
          database.get(META, owner),
        ]);
        const known = meta && typeof meta === 'object' && 'known' in meta ? Number(meta.known) : 0;
        const rows = pages.flatMap((page) => (Array.isArray(page) ? page : []));
        return { known: Number.isSafeInteger(known) && known > 0 ? known : 0, rows, kept: true };
      } catch (error) {
        warn(`Call Timeline: the report's cache could not be read (${error instanceof Error ? error.name : typeof error})`);
        return { known: 0, rows: [], kept: false };
      }
    },
    /**
     * Keep a page of rows, each with its record ID: `[[id, row], ...]` (a page kept again under
     * the same highest ID replaces the old one).
     *
     * @param {string} owner @param {unknown[]} entries
     */
    storeRows(owner, entries) {
      const kept = /** @type {[number, unknown][]} */ (
        entries.filter((entry) => Array.isArray(entry) && Number.isSafeInteger(entry[0])));
      if (!kept.length) return queue;
      const highest = Math.max(...kept.map((entry) => entry[0]));
      return enqueue((database) => database.put(ROWS, kept.map((entry) => entry[1]), [owner, highest]));
    },
    /**
     * The owner last asked for on this portal (`site`: its domain, which the page knows before
     * Python does), or null: the page reads that owner's rows while Python starts, and hands
     * them over only if Python asks for that same owner.
     *
     * @param {string} site
     * @returns {Promise<string | null>}
     */
    async lastOwner(site) {
      const database = await openDatabase();
      if (!database) return null;
      try {
        const found = await database.get(META, `site:${site}`);
        return found && typeof found === 'object' && 'owner' in found ? String(found.owner) : null;
      } catch {
        return null;
      }
    },
    /**
     * Python asked for `owner` on this portal: the next opening reads its rows early.
     *
     * @param {string} site @param {string} owner
     */
    remember(site, owner) {
      return enqueue((database) => database.put(META, { owner }, `site:${site}`));
    },
    /**
     * Forget the owner's pages of rows whose records all have IDs below `below` (Python found
     * them older than any period the report shows): the cache holds months, not years.
     *
     * @param {string} owner @param {number} below
     */
    prune(owner, below) {
      if (!Number.isSafeInteger(below) || below <= 0) return queue;
      return enqueue((database) => database.delete(ROWS, bound([owner, 0], [owner, below - 1])));
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
