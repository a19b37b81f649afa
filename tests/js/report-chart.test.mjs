// The failure report's chart (static/report-chart.js): Python's series drawn by the charting
// library into the holder Python drew, in the design tokens' colours of the theme in force.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createCharts } from '../../static/report-chart.js';

/** A stand-in for uPlot: records each chart made and whether it was destroyed. */
function fakePlot() {
  const made = [];
  function Plot(options, data, target) {
    const plot = { options, data, target, destroyed: false, destroy() { plot.destroyed = true; } };
    made.push(plot);
    return plot;
  }
  Plot.paths = { bars: (options) => ({ bars: options }) };
  Plot.tzDate = (date) => date;
  return { Plot, made };
}

function holderRoot() {
  const holder = { clientWidth: 600 };
  return { holder, root: { querySelector: (selector) => (selector === '[data-chart="days"]' ? holder : null) } };
}

const MESSAGE = {
  chart: 'days', days: ['2026-12-04', '2026-12-05'], failed: [3, 'x'], total: [10, 12],
  labels: { failed: 'Failed', total: 'Calls' },
};

test('the days are drawn at their UTC midnights, failures as bars in the failed token', () => {
  const { Plot, made } = fakePlot();
  const { holder, root } = holderRoot();
  const tokens = { '--failed': '#c00', '--ringing': '#06c', '--muted': '#555', '--line': '#ddd' };
  createCharts({ uPlot: Plot, root, token: (name) => tokens[name] }).draw(MESSAGE);
  assert.equal(made.length, 1);
  const [plot] = made;
  assert.equal(plot.target, holder);
  assert.deepEqual(plot.data, [[Date.UTC(2026, 11, 4) / 1000, Date.UTC(2026, 11, 5) / 1000], [10, 12], [3, 0]]);
  const [, total, failed] = plot.options.series;
  assert.deepEqual([total.label, total.stroke], ['Calls', '#06c']);
  assert.deepEqual([failed.label, failed.fill, failed.stroke], ['Failed', '#c00', '#c00']);
  assert.ok(failed.paths.bars, 'failures are bars');
  assert.equal(plot.options.axes[0].stroke, '#555');
});

test('a new theme repaints the same chart in its colours; the old one goes', () => {
  const { Plot, made } = fakePlot();
  const { root } = holderRoot();
  let failedColour = '#c00';
  const charts = createCharts({ uPlot: Plot, root, token: (name) => (name === '--failed' ? failedColour : '#000') });
  charts.draw(MESSAGE);
  failedColour = '#f66';
  charts.repaint();
  assert.equal(made.length, 2);
  assert.equal(made[0].destroyed, true);
  assert.equal(made[1].options.series[2].fill, '#f66');
  assert.deepEqual(made[1].data, made[0].data);
});

test('without its holder (Python drew none) nothing is drawn', () => {
  const { Plot, made } = fakePlot();
  createCharts({ uPlot: Plot, root: { querySelector: () => null }, token: () => '#000' }).draw(MESSAGE);
  assert.equal(made.length, 0);
});
