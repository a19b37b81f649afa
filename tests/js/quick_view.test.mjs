// The quick view (static/quick-view.js) draws a call from the tables Python exports, in the very
// words Python's view draws: the expected words here are asked of Python (tests/js/rules.mjs),
// never written out, so a word changed in a catalogue changes both sides at once.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { BARE, QuickView, readCallState } from '../../static/quick-view.js';
import { FakeDocument } from './fakes.mjs';
import { RULES, python } from './rules.mjs';

const QUICK = RULES.quick;
const IDS = ['quick', 'quick-state', 'quick-code', 'quick-reason', 'quick-next', 'quick-notice', 'quick-progress',
  'quick-log', 'card-title', 'timeline'];
const CLOCK = JSON.parse(readFileSync(new URL('../cases/clock.json', import.meta.url), 'utf8')).clock;
/** The cases of the clock's table, with the admin's clock each stands for. */
const CLOCKS = CLOCK.map(({ lang, hour12 }) => [lang, { null: 'locale', true: '12h', false: '24h' }[String(hour12)]]);
const KEPT_CODES = ['486', '603-s', 'OTHER', '<b>x</b>', 'a b', '~'.repeat(120)];
const DROPPED = [1, 2, 5, 21, 112, 1001];
/** Every word and value the tests compare with, asked of Python at once (one process, not one a value). */
const PY = python(`{
  "words": {f"{code}|{lang}|{rang}": (lambda info: [info[0].label, info[1], *view.failure_words(*info, lang)])(
      view.code_line(code, lang, DEFAULTS, rang))
    for code in ["486", "503", "599", "<b>x</b>"] for lang in ["en", "de"] for rang in (False, True)},
  "text": {f"{key}|{lang}": i18n.text(key, lang) for lang in ["en", "ru", "de"]
    for key in ["state.connecting", "state.connected", "state.idle", "state.unknown", "title", "engine.failed",
                "engine.loading"]},
  "sinceOpen": i18n.text("since_open", what=i18n.text("state.unknown")),
  "tagRu": i18n.locale_tag("ru"),
  "adminDe": quick.table("de", Settings(overrides=(Override("486", "Leitung belegt", "Rückruf planen"),))),
  "notReported": (lambda info: view.failure_words(info, info.label, "en"))(codes.not_reported("en")),
  "dropped": [i18n.plural("engine.early_dropped", count, "ru") for count in ${JSON.stringify(DROPPED)}],
  "kept": [normalise_failed_code(code) for code in ${JSON.stringify(KEPT_CODES)}],
  "clockTables": [quick.table(i18n.resolve_language(lang), Settings(clock=clock)) for lang, clock in ${
    JSON.stringify(CLOCKS)}],
}`, [
  'from placement_app.card import quick, view', 'from placement_app.core import codes, i18n',
  'from placement_app.core.events import normalise_failed_code',
  'from placement_app.core.settings import DEFAULTS, Override, Settings'].join('\n'));
/** The words Python's view draws for a code: label, row detail, box heading, reason, next step. */
const words = (code, lang = 'en', rang = false) => PY.words[`${code}|${lang}|${rang ? 'True' : 'False'}`];
const text = (key, lang = 'en') => PY.text[`${key}|${lang}`];

/** A quick view in a fake page with index.html's elements; `stored`: this app's storage. */
function quickView({ lang = 'en', stored = {}, rules = QUICK } = {}) {
  const document = new FakeDocument();
  for (const id of IDS) document.withId(id);
  const view = new QuickView(document, rules, { lang, read: (key) => stored[key] ?? null, timeZone: 'UTC' });
  return { document, view };
}

/** What the operator reads. */
function seen(document) {
  const shown = (id) => {
    const element = document.getElementById(id);
    return element.hidden ? '' : element.textContent;
  };
  return {
    headline: shown('quick-state'), code: shown('quick-code'), reason: shown('quick-reason'), next: shown('quick-next'),
    rows: document.getElementById('quick-log').children.map((row) => row.children.map((part) => part.textContent)),
  };
}

test('each state shows at once, with its time, in the words of Python\'s view', () => {
  const { document, view } = quickView();
  view.opened({ lang: 'en', state: 'idle', callId: null }, 0);
  view.callState('connecting', null, 1000);
  assert.equal(seen(document).headline, text('state.connecting'));
  view.callState('connected', null, 5000);
  view.callState('idle', null, 9000);
  assert.deepEqual(seen(document), {
    headline: text('state.idle'), code: '', reason: '', next: '',
    rows: [['12:00:00 AM', PY.sinceOpen, ''], ['12:00:01 AM', text('state.connecting'), ''],
    ['12:00:05 AM', text('state.connected'), ''], ['12:00:09 AM', text('state.idle'), '']],
  });
});

test('a busy line: the code explained as Python explains it, the label in the headline', () => {
  const { document, view } = quickView();
  view.callState('connecting', null, 1000);
  view.callState('idle', '486', 1200);
  const [label, detail, heading, reason, next] = words('486');
  assert.deepEqual(seen(document), { headline: label, code: heading, reason, next,
    rows: [['12:00:01 AM', text('state.connecting'), ''], ['12:00:01 AM', text('state.idle'), detail]] });
});

test('a 486 after a whole second of ringing is declined, as the card\'s rule says', () => {
  const { document, view } = quickView();
  view.callState('connecting', null, 1000);
  view.callState('idle', '486', 1000 + QUICK.rangMs);
  const [label, detail, heading, reason, next] = words('486', 'en', true);
  assert.notEqual(label, words('486')[0]);
  const drawn = seen(document);
  assert.deepEqual([drawn.headline, drawn.code, drawn.reason, drawn.next, drawn.rows[1][2]],
    [label, heading, reason, next, detail]);
});

test('a code that comes after the state it ends fills in that row', () => {
  const { document, view } = quickView();
  view.callState('connecting', null, 1000);
  view.callState('idle', null, 1100);
  view.callState('idle', '503', 1300);
  const drawn = seen(document);
  assert.equal(drawn.rows.length, 2);
  assert.equal(drawn.rows[1][2], words('503')[1]);
  assert.equal(drawn.code, words('503')[2]);
});

test('an unlisted SIP code by its class, anything else as unrecognised, as text', () => {
  const { document, view } = quickView();
  view.callState('connecting', null, 0);
  view.callState('idle', '599', 10);
  assert.deepEqual(seen(document).code, words('599')[2]);
  assert.deepEqual(seen(document).rows[1][2], words('599')[1]);
  view.callState('connecting', null, 20);
  view.callState('idle', '<b>x</b>', 30);
  assert.equal(seen(document).code, words('<b>x</b>')[2]);
  assert.equal(seen(document).reason, words('<b>x</b>')[3]);
});

test('a code Python would reshape is left to Python; the state still shows', () => {
  for (const code of [' 486', '486 ', 'x'.repeat(121), 'é', 4.5, true, { code: 486 }]) {
    assert.deepEqual(readCallState(QUICK, [['idle', { failedCode: code }]]), { state: 'idle', code: null }, String(code));
  }
  assert.deepEqual(readCallState(QUICK, ['idle', { failedCode: 486 }]), { state: 'idle', code: '486' });
  assert.deepEqual(readCallState(QUICK, [['idle', { failedCode: '603-S' }]]), { state: 'idle', code: '603-S' });
  assert.equal(readCallState(QUICK, ['ringing']), null);
  // What it keeps, Python reads the same.
  assert.deepEqual(KEPT_CODES.map((code) => readCallState(QUICK, [['idle', { failedCode: code }]]).code), PY.kept);
});

test('the portal\'s language, through the export\'s aliases, and English for any other', () => {
  const { document } = quickView({ lang: 'by' });
  assert.equal(seen(document).headline, text('state.unknown', 'ru'));
  assert.equal(document.documentElement.lang, PY.tagRu);
  assert.equal(document.title, text('title', 'ru'));
  assert.equal(quickView({ lang: 'zz' }).document.documentElement.lang, 'en');
});

test('the admin\'s words, as the card last stored them for this LANG, from the first paint', () => {
  const table = PY.adminDe;
  const stored = { [`${QUICK.storage.words}de`]: JSON.stringify(table) };
  const { document, view } = quickView({ lang: 'de', stored });
  view.callState('connecting', null, 0);
  view.callState('idle', '486', 10);
  assert.equal(seen(document).headline, 'Leitung belegt');
  assert.ok(seen(document).next.includes('Rückruf planen'));
  // A table this page does not know (another version) is not read: the built-in words instead.
  const old = { [`${QUICK.storage.words}de`]: JSON.stringify({ ...table, version: QUICK.version + 1 }) };
  const other = quickView({ lang: 'de', stored: old });
  other.view.callState('connecting', null, 0);
  other.view.callState('idle', '486', 10);
  assert.equal(seen(other.document).headline, words('486', 'de')[0]);
});

test('a reloaded tab shows the rows Python saved at once, then what arrives', () => {
  const shown = { headline: 'Talking', box: null, rows: [['10:00:00 AM', 'Ringing', ''], ['10:00:05 AM', 'Talking', '']],
    state: 'connected', after_call: true, answered: true, ringing_at: null };
  const stored = { [`${QUICK.storage.shown}c-1`]: JSON.stringify({ call_id: 'c-1', ...shown }) };
  const { document, view } = quickView({ stored });
  view.opened({ lang: 'en', state: 'connected', callId: 'c-1' }, 0);
  assert.deepEqual(seen(document).rows, shown.rows);
  view.callState('idle', null, 60_000);
  assert.deepEqual(seen(document).rows.at(-1), ['12:01:00 AM', text('state.idle'), '']);
  assert.equal(seen(document).headline, text('state.idle'));
  // Another call's copy is not shown.
  const stranger = quickView({ stored });
  stranger.view.opened({ lang: 'en', state: 'idle', callId: 'c-2' }, 0);
  assert.equal(seen(stranger.document).rows.length, 1);
});

test('"reason not reported" only once no one will look the reason up: Python never came', () => {
  const { document, view } = quickView();
  view.callState('connecting', null, 0);
  view.callState('idle', null, 3000);
  assert.equal(seen(document).code, '');
  view.failed('no WebAssembly');
  const [label, reason, next] = PY.notReported;
  assert.deepEqual([seen(document).code, seen(document).reason, seen(document).next], [label, reason, next]);
  assert.ok(document.getElementById('quick-notice').textContent.startsWith(text('engine.failed')));
});

test('events dropped while Python started, in each count\'s plural form', () => {
  const { document, view } = quickView({ lang: 'ru' });
  DROPPED.forEach((count, index) => {
    view.dropped(count);
    assert.equal(document.getElementById('quick').children.at(-1).textContent, PY.dropped[index]);
  });
});

test('times as Python\'s worker writes them, with the options Python gives', () => {
  const tables = PY.clockTables;
  CLOCK.forEach(({ case: name, epoch_ms: at, time_zone: timeZone, lang, expected }, index) => {
    const document = new FakeDocument();
    for (const id of IDS) document.withId(id);
    const view = new QuickView(document, QUICK, { lang, timeZone,
      read: (key) => (key === `${QUICK.storage.words}${lang}` ? JSON.stringify(tables[index]) : null) });
    assert.equal(view.clock(at), expected, name);
  });
});

test('with the export unreadable, the states\' own names (the states the export names)', () => {
  assert.deepEqual(BARE.states, QUICK.states);
  const { document, view } = quickView({ rules: BARE });
  view.callState('connecting', null, 0);
  assert.equal(seen(document).headline, 'connecting');
  view.callState('idle', '486', 10);
  assert.equal(seen(document).rows[1][2], '486');
});

test('an idle state before the call rang is a wait, not an end', () => {
  const { document, view } = quickView();
  view.callState('idle', null, 0);
  assert.deepEqual([seen(document).headline, seen(document).rows[0][1]], [text('state.unknown'), text('state.unknown')]);
  view.callState('connecting', null, 1000);
  view.callState('idle', null, 2000);
  assert.equal(seen(document).rows[2][1], text('state.idle'));
});

test('a flood of states keeps the rows Python\'s timeline keeps: the newest', () => {
  const { document, view } = quickView();
  for (let index = 0; index < QUICK.maxRows + 50; index += 1) view.callState(index % 2 ? 'connected' : 'connecting', null, index * 1000);
  const rows = seen(document).rows;
  assert.equal(rows.length, QUICK.maxRows);
  assert.equal(rows.at(-1)[0], view.clock((QUICK.maxRows + 49) * 1000));
});

test('the table Python sends relabels the page in the card\'s language; another version is ignored', () => {
  const { document, view } = quickView({ lang: 'ru' });
  view.say('loading');
  view.adopt(JSON.stringify({ ...QUICK.tables.de, version: QUICK.version + 1 }));
  assert.equal(document.documentElement.lang, QUICK.tables.ru.tag);
  view.adopt('{not json');
  view.adopt(JSON.stringify(QUICK.tables.de));
  assert.deepEqual([document.documentElement.lang, document.title, document.getElementById('quick-notice').textContent],
    [QUICK.tables.de.tag, text('title', 'de'), text('engine.loading', 'de')]);
});
