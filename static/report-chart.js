// @ts-check
/**
 * The failure report's chart: failures by day, drawn by uPlot (handed in by
 * the page's composition root) from the series Python sends, into the holder
 * Python drew (`[data-chart]`).  The chart's colours are the design tokens'
 * (tokens.css), read when it is drawn and again when the theme changes; its
 * numbers are also in the table Python draws beside it, for screen readers
 * (the holder is aria-hidden).
 */

/**
 * @typedef {{ chart?: unknown, days?: unknown, ticks?: unknown, failed?: unknown, total?: unknown, labels?: unknown }} ChartMessage
 * @typedef {{ destroy(): void }} Plot
 * @typedef {{ new (options: object, data: unknown[], target: HTMLElement): Plot,
 *   paths: { bars?: (options: object) => unknown }, tzDate(date: Date, zone: string): Date }} PlotLibrary
 */

/** @param {unknown} value @returns {number[]} */
const numbers = (value) => (Array.isArray(value) ? value.map((item) => (Number.isFinite(item) ? Number(item) : 0)) : []);

/**
 * @param {{ uPlot: PlotLibrary, root: ParentNode, token: (name: string) => string }} inputs
 *   `token(name)` is a design token's value now (`--failed`), in the theme in force
 */
export function createCharts({ uPlot, root, token }) {
  /** @type {Plot | null} */
  let plot = null;
  /** @type {ChartMessage | null} */
  let last = null;

  /** @param {ChartMessage} message */
  function draw(message) {
    last = message;
    const holder = /** @type {HTMLElement | null} */ (root.querySelector(`[data-chart="${String(message.chart)}"]`));
    plot?.destroy();
    plot = null;
    if (!holder) return;
    const days = Array.isArray(message.days) ? message.days.map(String) : [];
    // Each day at its UTC midnight, shown in UTC: the dates are the portal's, not the browser's.
    const xs = days.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000);
    // The x axis speaks the page's language: each day's label as Python wrote it.
    const ticks = Array.isArray(message.ticks) ? message.ticks.map(String) : [];
    /** @type {Map<number, string>} */
    const tickOf = new Map(xs.map((x, index) => [x, ticks[index] ?? '']));
    const labels = /** @type {Record<string, unknown>} */ (message.labels && typeof message.labels === 'object' ? message.labels : {});
    const ink = token('--muted');
    const axis = { stroke: ink, grid: { stroke: token('--line'), width: 1 }, ticks: { stroke: token('--line') } };
    plot = new uPlot({
      width: Math.max(holder.clientWidth, 280),
      height: 220,
      legend: { show: false },
      cursor: { show: false },
      tzDate: (/** @type {number} */ seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
      scales: { x: { time: true }, y: { range: (/** @type {unknown} */ _u, /** @type {number} */ _min, /** @type {number} */ max) => [0, Math.max(1, max)] } },
      axes: [
        { ...axis, values: (/** @type {unknown} */ _u, /** @type {number[]} */ splits) => splits.map((x) => tickOf.get(x) ?? '') },
        { ...axis, size: 48 },
      ],
      series: [
        {},
        { label: String(labels.total ?? ''), stroke: token('--ringing'), width: 2 },
        {
          label: String(labels.failed ?? ''), stroke: token('--failed'), fill: token('--failed'), width: 1,
          paths: uPlot.paths.bars?.({ size: [0.6, 24] }),
        },
      ],
    }, [xs, numbers(message.total), numbers(message.failed)], holder);
  }

  return {
    draw,
    /** The theme changed: the same chart in the new colours. */
    repaint() {
      if (last) draw(last);
    },
  };
}
