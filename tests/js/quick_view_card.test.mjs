// The quick view (static/fallback.js, static/quick-card.js) draws the table of
// cases that tests/unit/test_quick_view_card.py holds Python's view to: the
// same settings, clocks and calls must read the same in both views. Both write times with Intl
// (the operator's time zone, here the case's), so the JS side runs in Node.js's Intl as Python's
// side of the table does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { FallbackView } from '../../static/fallback.js';
import { Wording, formatClock, formatDuration, readSettings, resolveLanguage } from '../../static/quick-card.js';
import { FakeDocument } from './fakes.mjs';

const TABLE = JSON.parse(readFileSync(new URL('../cases/quick_view_card.json', import.meta.url), 'utf8'));
const CALL = 'call-1';
const IDS = ['quick', 'quick-state', 'quick-code', 'quick-reason', 'quick-next', 'quick-notice', 'quick-progress', 'quick-log'];

/** The quick view drawn into a fake page with index.html's elements, writing times in `timeZone`. */
function quickView(timeZone) {
  const document = new FakeDocument();
  for (const id of IDS) document.withId(id);
  return { document, view: new FallbackView(document, TABLE.catalogue, timeZone) };
}

/** What the operator reads in the quick view, in the table's terms. */
function shown(document) {
  const text = (id) => {
    const element = document.getElementById(id);
    return element.hidden ? '' : element.textContent;
  };
  const rows = document.getElementById('quick-log').children.filter((row) => !row.hidden)
    .map((row) => row.children.map((part) => part.textContent));
  return { lang: document.documentElement.lang, headline: text('quick-state'), code: text('quick-code'),
    reason: text('quick-reason'), next: text('quick-next'), rows };
}

for (const { case: name, app_options: appOptions, expected } of TABLE.settings) {
  test(`settings: ${name}`, () => {
    const settings = readSettings(appOptions, TABLE.catalogue.supported);
    assert.deepEqual({
      language: settings.language, clock: settings.clock,
      overrides: settings.overrides.map(({ code, lang, label, next }) => [code, lang, label, next]),
      expected: settings.expected, show_client_changes: settings.showClientChanges, problem: settings.problem,
    }, expected);
  });
}

for (const { case: name, epoch_ms: epochMs, time_zone: timeZone, lang, hour12, expected } of TABLE.clock) {
  test(`clock: ${name}`, () => {
    const tag = TABLE.catalogue.tags[resolveLanguage(TABLE.catalogue, lang)];
    assert.equal(formatClock(epochMs, tag, hour12 ?? undefined, timeZone, TABLE.catalogue.timeOptions), expected);
  });
}

// Counts in every language: the form Python's gettext rule picks, from the table the build exports.
for (const { case: name, lang, key, counts, expected } of TABLE.plurals) {
  test(`plural: ${name}`, () => {
    const wording = new Wording(TABLE.catalogue, resolveLanguage(TABLE.catalogue, lang), readSettings({}, []));
    assert.deepEqual(counts.map((count) => wording.word(key, { count })), expected);
  });
}

for (const { case: name, milliseconds, expected } of TABLE.duration) {
  test(`duration: ${name}`, () => assert.equal(formatDuration(milliseconds), expected));
}

for (const card of TABLE.cards) {
  test(`card: ${card.case}`, () => {
    const { document, view } = quickView(card.time_zone);
    view.opened({ lang: card.lang, appOptions: card.app_options, state: card.opened_state,
      saved: card.saved, callId: CALL }, card.opened_at);
    for (const [state, code, at] of card.events) view.callState(state, code, at);
    assert.deepEqual(shown(document), card.expected);
  });
}

test('events before the init data are drawn at once, then worded as the settings say', () => {
  const card = TABLE.cards.find((item) => item.case.includes('override for 486'));
  const { document, view } = quickView(card.time_zone);
  for (const [state, code, at] of card.events) view.callState(state, code, at);
  assert.equal(shown(document).headline, 'Busy');  // the built-in words, until the settings come
  view.opened({ lang: card.lang, appOptions: card.app_options, state: card.opened_state, saved: null,
    callId: CALL }, card.opened_at);
  assert.equal(shown(document).headline, card.expected.headline);
  assert.notEqual(card.expected.headline, shown(quickView(card.time_zone).document).headline);
  assert.deepEqual(shown(document).rows.map((row) => row[0]), card.expected.rows.slice(1).map((row) => row[0]));
  assert.equal(document.documentElement.lang, 'en');
});

test('a saved copy of another call, or one that is not a timeline, shows nothing of it', () => {
  const card = TABLE.cards.find((item) => item.saved);
  for (const [saved, callId] of [[card.saved, 'another-call'], ['<img src=x>', CALL], ['{"version":1}', CALL]]) {
    const { document, view } = quickView('UTC');
    view.opened({ lang: 'en', appOptions: {}, state: 'idle', saved, callId }, 1000);
    assert.deepEqual(shown(document).rows.map(([clock, ...rest]) => [clock.replace(/\s/g, ' '), ...rest]),
      [['12:00:01 AM', 'Waiting for the call (since the card opened)', '']]);
  }
});

test('a step Python stored as the end of a call that never rang reads "Call ended", not "Waiting"', async () => {
  const { readSaved, cardText, DEFAULT_SETTINGS, intlClock } = await import('../../static/quick-card.js');
  // As placement_app.card.storage writes a card opened idle whose call had ended (a tab shown late).
  const saved = JSON.stringify({
    version: 1, call_id: CALL, dropped: 0, lang: 'en', ringing_at: null, connected_at: null, ended_at: 1000,
    failed_code: '486', call_state: 'idle', code_from_statistics: true,
    entries: [{ span: 'idle', start: 1000, end: null, code: '486', open: true, statistics: true, ends_call: true }],
  });
  const wording = new Wording(TABLE.catalogue, 'en', DEFAULT_SETTINGS);
  const rows = cardText(/** @type {any} */ (readSaved(saved, CALL)), wording, intlClock(undefined, 'UTC')).rows;
  assert.equal(rows[0].what, 'Call ended');  // over before the card opened: no "(since the card opened)"
  const unmarked = JSON.parse(saved);
  delete unmarked.entries[0].ends_call;
  const before = cardText(/** @type {any} */ (readSaved(JSON.stringify(unmarked), CALL)), wording,
    intlClock(undefined, 'UTC')).rows;
  assert.equal(before[0].what, 'Waiting for the call (since the card opened)');
});
