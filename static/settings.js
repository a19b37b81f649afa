// @ts-check
/**
 * The settings page: fills the form with what Python sends, and hands the
 * form's values to Python on Save.  Python checks them, says what is wrong
 * beside each field (each part of each own-texts row its own), and asks the
 * portal to store them (setAppOption).  Someone who may not change the
 * settings gets no form: Python sends them as text (a summary), drawn here.
 *
 * Everything Python sends (the stored settings, the catalogue, messages) is
 * data from outside: it is written with `value`, `textContent`, `label` and
 * `placeholder` only, never as markup.
 */
import { runPage, showStatus } from './page.js';

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const form = /** @type {HTMLFormElement} */ ($('settings'));
const fields = /** @type {HTMLFieldSetElement} */ ($('fields'));
const rows = /** @type {HTMLOListElement} */ ($('override-rows'));
const rowTemplate = /** @type {HTMLTemplateElement} */ ($('override-row'));
const addButton = /** @type {HTMLButtonElement} */ ($('add-override'));
const keepOpen = /** @type {HTMLInputElement} */ ($('keep_open'));
const minutes = /** @type {HTMLInputElement} */ ($('keep_open_minutes'));
const earlierCalls = /** @type {HTMLInputElement} */ ($('earlier_calls'));
const earlierDays = /** @type {HTMLInputElement} */ ($('earlier_days'));
const BOOLEANS = new Set(['keep_open', 'show_client_changes', 'earlier_calls']);
const PARTS = /** @type {const} */ (['code', 'lang', 'label', 'next_step']);

/**
 * One row of own texts; `lang` is empty for every language, or the one language it is for.
 *
 * @typedef {{ code: string, lang: string, label: string, next_step: string }} Row
 * @typedef {{ label: string, next_step: string }} Words
 * @typedef {{ code: string, label: string, next_step: string, texts: Record<string, Words> }} Builtin
 * @typedef {{ term?: unknown, text?: unknown, lang?: unknown, items?: unknown }} SummaryItem
 */

/** Built-in texts by code: in the page's language, and by each value a row's language may take (from Python). */
/** @type {Map<string, Builtin>} */
let catalogue = new Map();
/** The language a new row is for, by the value of the form's language field (from Python). */
/** @type {Record<string, string>} */
let rowLanguage = {};
let maxOverrides = 50;
/** The form's values as last loaded or saved; anything else is unsaved. */
let baseline = '';
/** The values sent with the Save in flight. */
let pending = '';

/**
 * A field of the form: the booleans are checkboxes, the others have a text value.
 *
 * @param {Element | RadioNodeList | null} element
 * @returns {HTMLInputElement | null}
 */
const field = (element) => /** @type {HTMLInputElement | null} */ (element);

/**
 * A row's control for `part`: a text box, the next step's text area, or the language's select
 * (each has a value and, but the select, a placeholder).
 *
 * @param {Element} row @param {string} part
 */
const cell = (row, part) => /** @type {HTMLInputElement} */ (
  row.querySelector(`input[data-part="${part}"], select[data-part="${part}"], textarea[data-part="${part}"]`));

/** @returns {Row[]} */
function overrideRows() {
  return [...rows.children].map((row) => ({
    code: cell(row, 'code').value, lang: cell(row, 'lang').value,
    label: cell(row, 'label').value, next_step: cell(row, 'next_step').value,
  }));
}

function values() {
  /** @type {Record<string, string | boolean | Row[]>} */
  const collected = {};
  for (const item of form.elements) {
    const element = field(item);
    if (!element || !element.name) continue;
    collected[element.name] = BOOLEANS.has(element.name) ? element.checked : element.value;
  }
  collected.overrides = overrideRows();
  return collected;
}

/** The admin's changes since the last load or save are shown, and guarded on leaving. */
function updateUnsaved() {
  const unsaved = form.dataset.ready === 'editable' && JSON.stringify(values()) !== baseline;
  form.dataset.unsaved = String(unsaved);
  $('unsaved').hidden = !unsaved;
}

/** The minutes only count while the card is kept open, and the days while the earlier calls are shown. */
function syncMinutes() {
  minutes.disabled = !keepOpen.checked;
  earlierDays.disabled = !earlierCalls.checked;
}

/**
 * Show the built-in texts of the row's code where the admin's own would replace them: the words
 * Python gives for the row's language (for every language, the page's).
 */
function showBuiltIn(/** @type {Element} */ row) {
  const known = catalogue.get(cell(row, 'code').value.trim().toUpperCase());
  const language = cell(row, 'lang').value;
  const words = known && Object.hasOwn(known.texts, language) ? known.texts[language] : null;
  const builtin = /** @type {HTMLElement} */ (row.querySelector('.builtin'));
  builtin.textContent = words ? words.label : '';
  cell(row, 'label').placeholder = words ? words.label : '';
  cell(row, 'next_step').placeholder = words ? words.next_step : '';
}

/** Each row's messages are named by its place, as Python names them (overrides.<index>.<part>). */
function renumber() {
  [...rows.children].forEach((row, index) => {
    for (const box of row.querySelectorAll('.error')) {
      if (box instanceof HTMLElement) box.dataset.for = `overrides.${index}.${box.dataset.part}`;
    }
  });
  $('overrides-empty').hidden = rows.children.length > 0;
  addButton.disabled = rows.children.length >= maxOverrides;
}

let rowSerial = 0;

/** @param {Partial<Row>} shown */
function addRow(shown) {
  const fragment = /** @type {DocumentFragment} */ (rowTemplate.content.cloneNode(true));
  const row = /** @type {HTMLLIElement} */ (fragment.querySelector('li'));
  rowSerial += 1;
  const language = /** @type {HTMLSelectElement} */ (/** @type {unknown} */ (cell(row, 'lang')));
  const stored = String(shown.lang ?? '');
  if (stored && ![...language.options].some((option) => option.value === stored)) {
    // A language the page does not offer (its words incomplete): kept as stored, named by its code.
    language.append(Object.assign(document.createElement('option'), { value: stored, textContent: stored }));
  }
  for (const part of PARTS) {
    const input = cell(row, part);
    input.value = String(shown[part] ?? '');
    input.id = `override-${rowSerial}-${part}`;
    const label = /** @type {HTMLLabelElement} */ (row.querySelector(`label[data-for-part="${part}"]`));
    label.htmlFor = input.id;
    const box = /** @type {HTMLElement} */ (row.querySelector(`.error[data-part="${part}"]`));
    box.id = `${input.id}-error`;
    input.setAttribute('aria-describedby', box.id);
  }
  rows.append(row);
  showBuiltIn(row);
  renumber();
  return row;
}

/** @param {HTMLLIElement} row */
function removeRow(row) {
  const next = row.nextElementSibling ?? row.previousElementSibling;
  row.remove();
  renumber();
  (next ? cell(next, 'code') : addButton).focus();
  updateUnsaved();
}

/** @param {unknown} entries */
function setCatalogue(entries) {
  catalogue = new Map();
  const list = $('catalogue-codes');
  const options = [];
  for (const entry of Array.isArray(entries) ? entries : []) {
    if (!entry || typeof entry.code !== 'string') continue;
    /** @type {Record<string, Words>} */
    const texts = {};
    for (const [lang, words] of Object.entries(entry.texts && typeof entry.texts === 'object' ? entry.texts : {})) {
      texts[lang] = { label: String(words?.label ?? ''), next_step: String(words?.next_step ?? '') };
    }
    const row = { code: entry.code, label: String(entry.label ?? ''), next_step: String(entry.next_step ?? ''), texts };
    catalogue.set(row.code, row);
    options.push(Object.assign(document.createElement('option'), { value: row.code, label: row.label }));
  }
  list.replaceChildren(...options);
}

/**
 * The form, for an admin: the values, and what Python gives for drawing the rows of own texts.
 *
 * @param {{ values: Record<string, unknown>, catalogue?: unknown, rowLanguage?: unknown,
 *           maxOverrides?: unknown, reset?: boolean }} message
 */
function fill(message) {
  setCatalogue(message.catalogue);
  if (message.rowLanguage && typeof message.rowLanguage === 'object') {
    rowLanguage = /** @type {Record<string, string>} */ (message.rowLanguage);
  }
  if (typeof message.maxOverrides === 'number') maxOverrides = message.maxOverrides;
  for (const [name, value] of Object.entries(message.values)) {
    if (name === 'overrides') {
      rows.replaceChildren();
      for (const row of Array.isArray(value) ? value : []) addRow(row && typeof row === 'object' ? row : {});
      renumber();
      continue;
    }
    const element = field(form.elements.namedItem(name));
    if (!element) continue;
    if (BOOLEANS.has(name)) element.checked = value === true;
    else element.value = String(value);
  }
  fields.disabled = false;
  form.hidden = false;
  form.dataset.ready = 'editable';
  syncMinutes();
  if (!message.reset) baseline = JSON.stringify(values());
  updateUnsaved();
}

/** The element an error box speaks of: the form field it is named for, or its row's part. */
function controlOf(/** @type {HTMLElement} */ box) {
  const name = box.dataset.for ?? '';
  if (name === 'overrides') return addButton;
  const row = box.closest('.override');
  if (row && box.dataset.part) return cell(row, box.dataset.part);
  return field(form.elements.namedItem(name));
}

/** @param {Record<string, string[]>} errors the messages beside each field */
function showErrors(errors) {
  /** @type {[HTMLElement, HTMLElement | null] | null} */
  let first = null;
  for (const box of form.querySelectorAll('.error')) {
    if (!(box instanceof HTMLElement)) continue;
    const messages = errors[box.dataset.for ?? ''] || [];
    box.replaceChildren(...messages.map((text) => Object.assign(document.createElement('span'), { textContent: text })));
    box.hidden = messages.length === 0;
    const control = controlOf(box);
    if (control && control !== addButton) control.setAttribute('aria-invalid', String(messages.length > 0));
    if (messages.length > 0 && !first) first = [box, control];
  }
  if (first) {
    // The first mistake, in the page's order: its field focused, its message in view.
    const [box, control] = first;
    control?.focus({ preventScroll: true });
    (box.closest('.part, .override, .field') ?? box).scrollIntoView({ block: 'nearest' });
    box.scrollIntoView({ block: 'nearest' });
  }
}

/**
 * The settings as text, for someone who may not change them: a term and what it is set to, each
 * perhaps with lines of its own under it (the rows of own texts).
 *
 * @param {unknown} items
 * @returns {HTMLDListElement}
 */
function summaryList(items) {
  const list = document.createElement('dl');
  for (const item of /** @type {SummaryItem[]} */ (Array.isArray(items) ? items : [])) {
    const term = Object.assign(document.createElement('dt'), { textContent: String(item.term ?? '') });
    const detail = Object.assign(document.createElement('dd'), { textContent: String(item.text ?? '') });
    if (typeof item.lang === 'string' && item.lang) detail.lang = item.lang;
    if (Array.isArray(item.items) && item.items.length) detail.append(summaryList(item.items));
    list.append(term, detail);
  }
  return list;
}

/** @param {{ items?: unknown }} message */
function showSummary(message) {
  const shown = $('summary');
  shown.replaceChildren(...summaryList(message.items).childNodes);
  shown.hidden = false;
  shown.dataset.ready = 'read-only';
}

const send = await runPage({
  entry: 'placement_app.admin.settings_page',
  handlers: (T) => ({
    [T.FORM]: fill,
    [T.SUMMARY]: showSummary,
    [T.ERRORS]: ({ errors }) => showErrors(errors),
    [T.SAVED]: () => {
      baseline = pending;
      updateUnsaved();
    },
    [T.NOTICE]: ({ text }) => {
      const notice = $('notice');
      notice.textContent = text;
      notice.hidden = !text;
    },
  }),
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const submitted = values();
  pending = JSON.stringify(submitted);
  // The last outcome is cleared at once: "Saved" from an earlier save must not stand for this one
  // while Python decides (its answer fills the line again).
  if (send) showStatus('');
  $('status').scrollIntoView({ block: 'nearest' }); // where the outcome is told, just below Save
  if (send) send('settings:submit', [submitted]);
});
form.addEventListener('input', (event) => {
  const target = event.target;
  if ((target instanceof HTMLInputElement || target instanceof HTMLSelectElement)
      && (target.dataset.part === 'code' || target.dataset.part === 'lang')) {
    const row = target.closest('.override');
    if (row) showBuiltIn(row);
  }
  updateUnsaved();
});
form.addEventListener('change', () => updateUnsaved());
keepOpen.addEventListener('change', syncMinutes);
earlierCalls.addEventListener('change', syncMinutes);
addButton.addEventListener('click', () => {
  // For the language Python gives for the form's: the one the cards speak.
  const chosen = field(form.elements.namedItem('language'))?.value ?? '';
  const lang = Object.hasOwn(rowLanguage, chosen) ? String(rowLanguage[chosen]) : '';
  cell(addRow({ lang }), 'code').focus();
  updateUnsaved();
});
rows.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('button.remove') : null;
  const row = button?.closest('.override');
  if (row instanceof HTMLLIElement) removeRow(row);
});
$('reset').addEventListener('click', () => {
  if (send) send('settings:reset', []);
});
window.addEventListener('beforeunload', (event) => {
  if (form.dataset.unsaved !== 'true') return;
  event.preventDefault();
  event.returnValue = ''; // what older Chromium needs to ask
});
