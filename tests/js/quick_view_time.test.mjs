// The quick view writes times as the card's Python does (Intl.DateTimeFormat with the options
// build.py exports): in the operator's time zone with its rules, and in the language's custom.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { FallbackView } from '../../static/fallback.js';
import { FakeDocument } from './fakes.mjs';

// A zone with a daylight-saving change (2026-03-29 01:00 UTC: 02:00 CET becomes 03:00 CEST).
process.env.TZ = 'Europe/Berlin';

const CATALOGUE = {
  languages: ['en', 'ru', 'br'], aliases: { kz: 'ru' },
  strings: { en: { 'state.connected': 'Talking' }, ru: { 'state.connected': 'Разговор' } },
  codes: {}, classes: {}, unrecognised: {}, notReported: {},
  tags: { en: 'en', ru: 'ru', br: 'pt-BR' },
  timeOptions: { timeStyle: 'medium' },
};

/** The time the quick view's log shows for a state at `at`, for a portal speaking `lang`. */
function shownTime(lang, at) {
  const document = new FakeDocument();
  for (const id of ['quick', 'quick-state', 'quick-code', 'quick-reason', 'quick-notice', 'quick-log']) {
    document.withId(id);
  }
  document.withId('quick-progress', 'progress');
  const view = new FallbackView(document, CATALOGUE);
  view.setLang(lang);
  view.note('connected', null, at);
  const [time] = document.getElementById('quick-log').children[0].children;
  return { time: time.textContent.replace(/\s/g, ' '), lang: document.documentElement.lang };
}

test('an English card writes 12 hours with AM/PM, a Russian one 24 hours', () => {
  const at = Date.UTC(2026, 0, 15, 13, 5, 9); // 14:05:09 in Berlin
  assert.equal(shownTime('en', at).time, '2:05:09 PM');
  assert.equal(shownTime('ru', at).time, '14:05:09');
  assert.equal(shownTime('kz', at).time, '14:05:09');
});

test('times on both sides of a daylight-saving change are right', () => {
  assert.equal(shownTime('ru', Date.UTC(2026, 2, 29, 0, 59, 59)).time, '01:59:59');
  assert.equal(shownTime('ru', Date.UTC(2026, 2, 29, 1, 0, 1)).time, '03:00:01');
});

test('the page says its language as a BCP 47 tag, not as Bitrix24 codes it', () => {
  assert.equal(shownTime('br', 0).lang, 'pt-BR');
  assert.equal(shownTime('xx', 0).lang, 'en');
});
