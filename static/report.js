// @ts-check
/**
 * The failure report's page: puts the parts together.  Python (in its
 * worker: placement_app/admin/report_page.py) decides and words everything
 * and draws the tables through the remote DOM; this page applies that
 * drawing, keeps the records Python hands it in IndexedDB
 * (report-cache.js), draws the chart (report-chart.js), saves the CSV
 * Python made, and tells Python what the admin clicked.
 *
 * The charting library and the IndexedDB wrapper are npm packages the build
 * copies beside this module (uplot.js, idb.js): only this page loads them.
 */
import { runPage } from './page.js';
import { readFrameName } from './frame.js';
import { DomPatcher, TAGS, ATTRIBUTES } from './dom-ops.js';
import { createCache } from './report-cache.js';
import { createCharts } from './report-chart.js';
import { openDB } from './idb.js';
import uPlot from './uplot.js';

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const body = $('report-body');
const period = /** @type {HTMLSelectElement} */ ($('period'));
const loaded = /** @type {HTMLProgressElement} */ ($('loaded'));

/** What the report's view draws, besides the card's: tables, headings, links to the CRM. */
const REPORT_TAGS = new Set([...TAGS, 'h2', 'table', 'caption', 'thead', 'tbody', 'tr', 'th', 'td', 'a']);
const REPORT_ATTRIBUTES = new Map([
  ...ATTRIBUTES,
  ['data-action', (/** @type {string} */ value) => value === 'download'],
  ['data-code', (/** @type {string} */ value) => /^[\w.-]{1,20}$/.test(value)],
  ['data-section', (/** @type {string} */ value) => /^[a-z]{1,20}$/.test(value)],
  ['data-chart', (/** @type {string} */ value) => value === 'days'],
  ['data-failed', (/** @type {string} */ value) => /^\d+$/.test(value)],
  ['data-total', (/** @type {string} */ value) => /^\d+$/.test(value)],
  ['data-loaded', (/** @type {string} */ value) => /^(loading|complete|stopped)$/.test(value)],
  ['data-day', (/** @type {string} */ value) => /^\d{4}-\d{2}-\d{2}$/.test(value)],
  ['data-first-day', (/** @type {string} */ value) => value === 'drawn'],
  ['aria-hidden', (/** @type {string} */ value) => value === 'true'],
  ['aria-pressed', (/** @type {string} */ value) => value === 'true' || value === 'false'],
  ['tabindex', (/** @type {string} */ value) => value === '0'],
  ['scope', (/** @type {string} */ value) => value === 'col' || value === 'row'],
  // Links only to the portal's pages, over http(s): never a script.
  ['href', (/** @type {string} */ value) => /^https?:\/\/[^\s"'<>]+$/.test(value)],
  ['target', (/** @type {string} */ value) => value === '_blank'],
  ['rel', (/** @type {string} */ value) => value === 'noopener noreferrer'],
]);
const patcher = new DomPatcher(body, document, { tags: REPORT_TAGS, attributes: REPORT_ATTRIBUTES });

const cache = createCache({ openDB: /** @type {import('./report-cache.js').OpenDB} */ (/** @type {unknown} */ (openDB)),
  bound: (lower, upper) => IDBKeyRange.bound(lower, upper) });
const rootStyle = getComputedStyle(document.documentElement);
const charts = createCharts({
  uPlot: /** @type {import('./report-chart.js').PlotLibrary} */ (/** @type {unknown} */ (uPlot)),
  root: body,
  token: (name) => rootStyle.getPropertyValue(name).trim(),
});
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => charts.repaint());
// The chart is drawn to its holder's width: drawn again when the page's width changes.
let drawnWidth = 0;
new ResizeObserver(([entry]) => {
  const width = Math.round(entry.contentRect.width);
  if (drawnWidth && width !== drawnWidth) charts.repaint();
  drawnWidth = width;
}).observe(body);

/** The portal's domain, from the frame's name: the cache reads ahead for the owner last seen there. */
const site = readFrameName(window.name)?.domain ?? '';
/** The rows of the owner last asked for on this portal, read while Python starts. */
const early = cache.lastOwner(site).then((owner) => (owner ? { owner, read: cache.rowsOf(owner) } : null));

/**
 * The report's button that has the focus, as a selector that finds its twin in Python's next
 * drawing (the report is drawn whole each time, so the element itself is gone), or null.
 *
 * @returns {string | null}
 */
function focusedButton() {
  const active = document.activeElement;
  if (!(active instanceof HTMLButtonElement) || !body.contains(active)) return null;
  if (active.dataset.code) return `button[data-code="${CSS.escape(active.dataset.code)}"]`;
  if (active.dataset.action) return `button[data-action="${CSS.escape(active.dataset.action)}"]`;
  return null;
}

/** The code whose calls the admin asked for, until its list is drawn and scrolled into view. */
let askedCode = /** @type {string | null} */ (null);

/** The CSV of the rows shown, as Python made it, and its file's name. */
let csv = { name: 'report.csv', text: '' };

/** Today where the browser is, `YYYY-MM-DD`: what Python counts from until it knows the portal's date. */
function localToday() {
  const now = new Date();
  const pad = (/** @type {number} */ value) => String(value).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** @param {unknown} value */
const asText = (value) => String(value ?? '');

const send = await runPage({
  entry: 'placement_app.admin.report_page',
  extra: [localToday()],
  handlers: (T) => ({
    [T.DOM]: ({ ops }) => {
      const focused = focusedButton();
      patcher.apply(JSON.parse(asText(ops)));
      // A keyboard user keeps their place across the redraw.
      if (focused) /** @type {HTMLElement | null} */ (body.querySelector(focused))?.focus({ preventScroll: true });
      const listing = askedCode === null ? null
        : body.querySelector(`[data-section="calls"][data-code="${CSS.escape(askedCode)}"]`);
      if (listing) {
        listing.scrollIntoView({ block: 'nearest' });
        askedCode = null;
      }
      // Python redraws the report whole and removes the old one: a batch leaves every element it
      // still uses in the page, so the ones no longer there are forgotten (else each redraw's
      // elements would stay alive in the patcher's map).
      for (const [id, node] of patcher.nodes) if (id !== 0 && !node.isConnected) patcher.nodes.delete(id);
    },
    [T.CHART]: (message) => charts.draw(message),
    [T.LOADED]: ({ done, total, complete, text: words }) => {
      loaded.max = Math.max(1, Number(total) || 0);
      loaded.value = complete === true ? loaded.max : Math.min(loaded.max, Number(done) || 0);
      $('loaded-text').textContent = asText(words);
    },
    [T.CSV]: ({ name, text: content }) => {
      csv = { name: asText(name), text: asText(content) };
    },
    [T.CACHE]: ({ op, key, entries, known, below }) => {
      const owner = asText(key);
      if (op === 'read') {
        early.then((ahead) => (ahead && ahead.owner === owner ? ahead.read : cache.rowsOf(owner)))
          .then((cached) => send?.('report:cached', [cached]));
        cache.remember(site, owner);
      } else if (op === 'add') {
        cache.storeRows(owner, JSON.parse(asText(entries)));
      } else if (op === 'done' && Number.isSafeInteger(known)) {
        cache.complete(owner, Number(known));
      } else if (op === 'prune' && Number.isSafeInteger(below)) {
        cache.prune(owner, Number(below));
      }
    },
  }),
});

period.addEventListener('change', () => send?.('report:period', [Number(period.value)]));
body.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target.closest('button') : null;
  if (!target) return;
  if (target instanceof HTMLElement && target.dataset.code) {
    askedCode = target.dataset.code;
    send?.('report:code', [target.dataset.code]);
  }
  else if (target instanceof HTMLElement && target.dataset.action === 'download') download();
});

/** Save the CSV Python made (a UTF-8 BOM first, so that spreadsheet programs read its letters right). */
function download() {
  const url = URL.createObjectURL(new Blob(['\ufeff', csv.text], { type: 'text/csv;charset=utf-8' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: csv.name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
