// @ts-check
/**
 * The install page: shows the steps Python reports (look for the tab, bind
 * it, finish) and offers "Try again" after an error.
 */
import { runPage, showStatus } from './page.js';

const steps = /** @type {HTMLElement} */ (document.getElementById('steps'));
const retry = /** @type {HTMLElement} */ (document.getElementById('retry'));

/**
 * @typedef {{
 *   steps: [string, string][],
 *   labels: Record<string, string>,
 *   message: string,
 *   tone: string,
 *   retry: boolean,
 * }} Progress  each step with its state, and what to say
 */

/** @param {Progress} report */
function progress({ steps: states, labels, message, tone, retry: canRetry }) {
  steps.replaceChildren(...states.map(([step, state]) => {
    const item = document.createElement('li');
    item.dataset.step = step;
    item.dataset.state = state;
    item.textContent = labels[step] || step;
    return item;
  }));
  showStatus(message, tone);
  retry.hidden = !canRetry;
}

const send = await runPage({
  entry: 'placement_app.admin.install_page',
  extra: [new URL('./', document.baseURI).href],
  handlers: (T) => ({ [T.PROGRESS]: progress }),
});

retry.addEventListener('click', () => {
  retry.hidden = true;
  if (send) send('install:retry', []);
});
