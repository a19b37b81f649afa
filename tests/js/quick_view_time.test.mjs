// The quick view writes times as the card's Python does (Intl.DateTimeFormat with the options
// build.py exports): in the browser's time zone with its rules, in the language's custom unless
// the admin forces 12 or 24 hours.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { FallbackView } from '../../static/fallback.js';
import { FakeDocument } from './fakes.mjs';

// The browser's zone, which the quick view uses unless told another (as Python's worker does):
// one with a daylight-saving change (2026-03-29 01:00 UTC: 02:00 CET becomes 03:00 CEST).
process.env.TZ = 'Europe/Berlin';

const IDS = ['quick', 'quick-state', 'quick-code', 'quick-reason', 'quick-next', 'quick-notice', 'quick-progress',
  'quick-log'];
const CATALOGUE = {
  languages: ['en', 'ru', 'br'], aliases: { kz: 'ru' },
  strings: { en: { 'state.connected': 'Talking' }, ru: { 'state.connected': 'Разговор' } },
  codes: {}, classes: {}, unrecognised: {}, notReported: {},
  tags: { en: 'en', ru: 'ru', br: 'pt-BR' },
  timeOptions: { timeStyle: 'medium' },
  supported: ['en', 'ru', 'br', 'de'],
};

/**
 * The time the quick view's log shows for a call answered at `at`, on a portal speaking `lang`.
 *
 * @param {string} lang
 * @param {number} at
 * @param {string} [clock] the admin's choice: 'locale' (the default), '24h' or '12h'
 */
function shownTime(lang, at, clock = 'locale') {
  const document = new FakeDocument();
  for (const id of IDS) document.withId(id);
  const view = new FallbackView(document, CATALOGUE);
  const stored = { version: 1, language: 'portal', keep_open: false, keep_open_minutes: 5, overrides: [],
    expected_codes: [], show_client_changes: true, clock };
  view.opened({ lang, appOptions: { call_timeline_settings: JSON.stringify(stored) }, state: null, saved: null,
    callId: 'call-1' }, at);
  view.callState('connected', null, at);
  const [time] = document.getElementById('quick-log').children[0].children;
  return { time: time.textContent.replace(/\s/g, ' '), lang: document.documentElement.lang,
    wide: document.getElementById('quick-log').className.includes('twelve-hour') };
}

test('an English card writes 12 hours with AM/PM, a Russian one 24 hours', () => {
  const at = Date.UTC(2026, 0, 15, 13, 5, 9); // 14:05:09 in Berlin
  assert.deepEqual(shownTime('en', at), { time: '2:05:09 PM', lang: 'en', wide: true });
  assert.deepEqual(shownTime('ru', at), { time: '14:05:09', lang: 'ru', wide: false });
  assert.equal(shownTime('kz', at).time, '14:05:09');
});

test("the admin's forced 12 or 24 hours win over the language's custom", () => {
  const at = Date.UTC(2026, 0, 15, 13, 5, 9);
  assert.equal(shownTime('en', at, '24h').time, '14:05:09');
  assert.deepEqual(shownTime('ru', at, '12h'), { time: '02:05:09 PM', lang: 'ru', wide: true });  // Russian's own 12 hours
});

test('times on both sides of a daylight-saving change are right', () => {
  assert.equal(shownTime('ru', Date.UTC(2026, 2, 29, 0, 59, 59)).time, '01:59:59');
  assert.equal(shownTime('ru', Date.UTC(2026, 2, 29, 1, 0, 1)).time, '03:00:01');
});

test('the page says its language as a BCP 47 tag, not as Bitrix24 codes it', () => {
  assert.equal(shownTime('br', 0).lang, 'pt-BR');
  assert.equal(shownTime('xx', 0).lang, 'en');
});
