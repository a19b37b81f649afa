// @ts-check
/**
 * The settings page: fills the form with what Python sends, and hands the
 * form's values to Python on Save.  Python checks them, says what is wrong
 * under each field, and asks the portal to store them (setAppOption).
 */
import { runPage } from './page.js';

const form = /** @type {HTMLFormElement} */ (document.getElementById('settings'));
const fields = /** @type {HTMLFieldSetElement} */ (document.getElementById('fields'));
const BOOLEANS = new Set(['keep_open', 'show_client_changes']);

/**
 * A field of the form: the booleans are checkboxes, the others have a text value.
 *
 * @param {Element | RadioNodeList | null} element
 * @returns {HTMLInputElement | null}
 */
const field = (element) => /** @type {HTMLInputElement | null} */ (element);

function values() {
  /** @type {Record<string, string | boolean>} */
  const collected = {};
  for (const item of form.elements) {
    const element = field(item);
    if (!element || !element.name) continue;
    collected[element.name] = BOOLEANS.has(element.name) ? element.checked : element.value;
  }
  return collected;
}

/**
 * @param {Record<string, unknown>} formValues
 * @param {boolean} readOnly
 */
function fill(formValues, readOnly) {
  for (const [name, value] of Object.entries(formValues)) {
    const element = field(form.elements.namedItem(name));
    if (!element) continue;
    if (BOOLEANS.has(name)) element.checked = value === true;
    else element.value = String(value);
  }
  fields.disabled = readOnly;
  form.dataset.ready = readOnly ? 'read-only' : 'editable';
}

/** @param {Record<string, string[]>} errors the messages under each field */
function showErrors(errors) {
  for (const box of form.querySelectorAll('.error')) {
    if (!(box instanceof HTMLElement)) continue;
    const name = box.dataset.for ?? '';
    const messages = errors[name] || [];
    box.replaceChildren(...messages.map((text) => Object.assign(document.createElement('span'), { textContent: text })));
    box.hidden = messages.length === 0;
    const input = field(form.elements.namedItem(name));
    if (input) input.setAttribute('aria-invalid', String(messages.length > 0));
  }
}

const send = runPage({
  entry: 'placement_app.admin.settings_page',
  commands: ['setAppOption'],
  onMessage(message) {
    if (message.type === 'form') fill(message.values, message.readOnly);
    else if (message.type === 'errors') showErrors(message.errors);
    else if (message.type === 'notice') {
      const notice = /** @type {HTMLElement} */ (document.getElementById('notice'));
      notice.textContent = message.text;
      notice.hidden = !message.text;
    }
  },
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (send) send('settings:submit', [values()]);
});
