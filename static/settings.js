/**
 * The settings page: fills the form with what Python sends, and hands the
 * form's values to Python on Save.  Python checks them, says what is wrong
 * under each field, and asks the portal to store them (setAppOption).
 */
import { runPage } from './page.js';

const form = document.getElementById('settings');
const fields = document.getElementById('fields');
const BOOLEANS = new Set(['keep_open', 'show_client_changes']);

function values() {
  const collected = {};
  for (const element of form.elements) {
    if (!element.name) continue;
    collected[element.name] = BOOLEANS.has(element.name) ? element.checked : element.value;
  }
  return collected;
}

function fill(formValues, readOnly) {
  for (const [name, value] of Object.entries(formValues)) {
    const element = form.elements.namedItem(name);
    if (!element) continue;
    if (BOOLEANS.has(name)) element.checked = value === true;
    else element.value = String(value);
  }
  fields.disabled = readOnly;
  form.dataset.ready = readOnly ? 'read-only' : 'editable';
}

function showErrors(errors) {
  for (const box of form.querySelectorAll('.error')) {
    const messages = errors[box.dataset.for] || [];
    box.replaceChildren(...messages.map((text) => Object.assign(document.createElement('span'), { textContent: text })));
    box.hidden = messages.length === 0;
    const input = form.elements.namedItem(box.dataset.for);
    if (input) input.setAttribute('aria-invalid', String(messages.length > 0));
  }
}

const send = runPage({
  entry: 'placement_app.settings_page',
  commands: ['setAppOption'],
  onMessage(message) {
    if (message.type === 'form') fill(message.values, message.readOnly);
    else if (message.type === 'errors') showErrors(message.errors);
    else if (message.type === 'notice') {
      const notice = document.getElementById('notice');
      notice.textContent = message.text;
      notice.hidden = !message.text;
    }
  },
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (send) send('settings:submit', [values()]);
});
