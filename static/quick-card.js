// @ts-check
/**
 * What the quick view says, worked out without the DOM: the admin's settings
 * read from the app option, the call's steps, and the very words Python's
 * view draws for them (the headline, the code explained, the rows).
 *
 * Why a second copy of these rules: the quick view is all the operator has
 * for the seconds Python takes to start, and it must not say one thing and
 * then another once Python takes over.  The words come from the catalogue
 * build.py exports out of the Python one; the rules here follow
 * placement_app.core.settings (load), placement_app.core.timeline (the
 * steps), placement_app.core.i18n (durations; times through Intl, with the
 * options Python's worker gives Intl, placement_app.browser.bridge) and
 * placement_app.card.view (headline, code line, rows), and
 * tests/cases/quick_view_card.json holds both sides to the same cases.
 * Text only: nothing here becomes HTML.
 */

/** The app option that holds the settings, as in Python (settings.OPTION_NAME). */
export const OPTION_NAME = 'call_timeline_settings';
const VERSION = 1;
const MAX_STORED = 32000;
const MAX_OVERRIDES = 50;
const MAX_EXPECTED = 30;
const MAX_LABEL = 80;
const MAX_NEXT_STEP = 200;
const MINUTES = [1, 60];
/** Entries kept, as in Python (timeline.MAX_ENTRIES). */
export const MAX_ENTRIES = 200;
const PLAUSIBLE = /^(?:\d{3}(?:-[A-Z])?|OTHER)$/;
const SIP_CODE = /^[4-6]\d\d$/;
// eslint-disable-next-line no-control-regex -- the characters Python's settings refuse
const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/;
const SEPARATORS = /[\s,;]+/;
/** What Python's str.strip() removes. */
// eslint-disable-next-line no-control-regex -- Python's whitespace includes control characters
const PYTHON_STRIP = /^[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
const SUCCESS = '200';

/**
 * An admin's words for a code: `lang` is empty for every language, or the one language (Bitrix24's code) they are for.
 *
 * @typedef {{ code: string, lang: string, label: string, next: string }} Override
 * @typedef {{
 *   language: string, clock: string, overrides: Override[], expected: string[],
 *   showClientChanges: boolean, problem: string | null,
 * }} Settings
 * @typedef {Record<string, [string, string, string]>} Words
 * @typedef {{
 *   languages: string[],
 *   aliases: Record<string, string>,
 *   strings: Record<string, Record<string, string | string[]>>,
 *   codes: Record<string, Words>,
 *   classes: Record<string, Words>,
 *   unrecognised: Words,
 *   notReported: Words,
 *   tags?: Record<string, string>,
 *   timeOptions?: Intl.DateTimeFormatOptions,
 *   supported?: string[],
 *   afterRinging?: Record<string, string>,
 *   plurals?: { listed: number, repeat: number, forms: Record<string, number[]> },
 * }} Catalogue
 * @typedef {(epochMs: number, tag: string, hour12: boolean | undefined) => string} Clock
 * @typedef {{ kind: 'span', state: string, at: number, end: number | null, code: string | null,
 *   open: boolean, statistics: boolean, ends?: boolean }} Span  `ends`: Python stored the step as the
 *   call's end though nothing rang before it (placement_app.core.timeline.StateSpan.ends_call)
 * @typedef {{ kind: 'notice', notice: string, at: number, detail: string }} Notice
 * @typedef {Span | Notice} Entry
 */

/** @type {Settings} */
export const DEFAULT_SETTINGS = Object.freeze({
  language: 'portal', clock: 'locale', overrides: [], expected: [], showClientChanges: true, problem: null,
});
/** How a time is written when the catalogue does not say (Python's i18n.TIME_OPTIONS). */
export const TIME_OPTIONS = /** @type {Intl.DateTimeFormatOptions} */ (Object.freeze({ timeStyle: 'medium' }));
/** The clock choices, as in Python (settings.CLOCK_CHOICES): the language's custom, or forced 24 or 12 hours. */
const CLOCKS = ['locale', '24h', '12h'];

/** @param {string} text */
const pythonStrip = (text) => text.replace(PYTHON_STRIP, '');
/** @param {string} text its length as Python counts it (code points) */
const length = (text) => [...text].length;
/** @param {string} text */
const upper = (text) => pythonStrip(text).toUpperCase();

/**
 * @param {unknown} value
 * @param {number} limit
 * @returns {string | null} the text as Python's settings keep it, or null when Python refuses it
 */
function settingText(value, limit) {
  if (typeof value !== 'string') return null;
  const text = pythonStrip(value).normalize('NFC');
  if (CONTROL.test(text) || length(text) > limit || text.includes('|')) return null;
  return text;
}

/**
 * @param {unknown[]} items the stored overrides
 * @param {readonly string[]} languages every language a row may be for (Python's i18n.SUPPORTED)
 * @returns {Override[] | null} null when Python would refuse any of them
 */
function readOverrides(items, languages) {
  if (items.length > MAX_OVERRIDES) return null;
  /** @type {Override[]} */
  const overrides = [];
  const seen = new Set();
  for (const item of items) {
    const fields = /** @type {Record<string, unknown>} */ (item);
    const code = upper(typeof fields.code === 'string' ? fields.code : '');
    // A row stored without a language (as every version before languages wrote them) is for all.
    const lang = Object.hasOwn(fields, 'lang') ? fields.lang : '';
    if (!PLAUSIBLE.test(code) || typeof lang !== 'string' || (lang && !languages.includes(lang))
        || seen.has(`${code} ${lang}`)) return null;
    seen.add(`${code} ${lang}`);
    const label = settingText(fields.label, MAX_LABEL);
    const next = settingText(fields.next_step, MAX_NEXT_STEP);
    if (label === null || next === null || (!label && !next)) return null;
    overrides.push({ code, lang, label, next });
  }
  return overrides;
}

/** @param {unknown} value the stored minutes: a whole number, or its digits */
function minutesOk(value) {
  let minutes = 0;
  if (typeof value === 'number' && Number.isInteger(value)) value = String(value);
  if (typeof value === 'string' && /^\s*\d{1,4}\s*$/.test(value)) minutes = Number(value.trim());
  return minutes >= MINUTES[0] && minutes <= MINUTES[1];
}

/**
 * The admin's settings from the init data's APP_OPTIONS, as Python's
 * settings.load() reads them: anything present but unusable gives the
 * defaults (with the problem named), never half of it.
 *
 * @param {unknown} appOptions
 * @param {readonly string[]} languages every language the settings may name (Python's i18n.SUPPORTED:
 *   the catalogue's `supported`), also one whose words are not complete yet
 * @returns {Settings}
 */
export function readSettings(appOptions, languages) {
  if (!appOptions || typeof appOptions !== 'object' || Array.isArray(appOptions)) return DEFAULT_SETTINGS;
  let stored = /** @type {Record<string, unknown>} */ (appOptions)[OPTION_NAME];
  if (stored === undefined || stored === null || stored === '') return DEFAULT_SETTINGS;
  /** @param {string} problem */
  const refused = (problem) => ({ ...DEFAULT_SETTINGS, problem });
  if (typeof stored === 'string') {
    if (length(stored) > MAX_STORED) return refused('corrupt');
    try {
      stored = JSON.parse(stored);
    } catch {
      return refused('corrupt');
    }
  }
  if (!stored || typeof stored !== 'object' || Array.isArray(stored)) return refused('corrupt');
  const data = /** @type {Record<string, unknown>} */ (stored);
  const version = data.version;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    return refused(version === undefined || version === null ? 'older' : 'corrupt');
  }
  if (version !== VERSION) return refused(version < VERSION ? 'older' : 'newer');
  const { overrides, expected_codes: expected } = data;
  if (!Array.isArray(overrides) || !Array.isArray(expected)
      || !overrides.every((item) => item && typeof item === 'object' && !Array.isArray(item))
      || !expected.every((code) => typeof code === 'string')) return refused('corrupt');
  const checked = readOverrides(overrides, languages);
  const typed = expected.join(' ').split(SEPARATORS).filter((part) => pythonStrip(part));
  const codes = typed.map(upper);
  if (checked === null || !codes.every((code) => PLAUSIBLE.test(code)) || new Set(codes).size > MAX_EXPECTED
      || !['portal', ...languages].includes(/** @type {string} */ (data.language))
      || !CLOCKS.includes(/** @type {string} */ (data.clock))
      || typeof data.keep_open !== 'boolean' || typeof data.show_client_changes !== 'boolean'
      || !minutesOk(data.keep_open_minutes)) return refused('corrupt');
  return {
    language: /** @type {string} */ (data.language),
    clock: /** @type {string} */ (data.clock),
    overrides: checked,
    expected: [...new Set(codes)].sort(),
    showClientChanges: data.show_client_changes,
    problem: null,
  };
}

/**
 * `m:ss` below an hour, `h:mm:ss` above; never negative (i18n.format_duration).
 *
 * @param {number} milliseconds
 */
export function formatDuration(milliseconds) {
  const total = Math.floor(Math.max(0, milliseconds) / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/**
 * The whole seconds from `start` to `end`, each instant rounded down to its second first, so that the
 * parts of a call add up to its whole (timeline.between in Python).
 *
 * @param {number} start
 * @param {number} end
 */
export function between(start, end) {
  return Math.max(0, Math.floor(end / 1000) - Math.floor(start / 1000)) * 1000;
}

/**
 * 12 hours (true), 24 (false), or as the language writes times (undefined): Settings.hour12 in Python.
 *
 * @param {Settings} settings
 * @returns {boolean | undefined}
 */
export function hour12(settings) {
  return settings.clock === '12h' ? true : settings.clock === '24h' ? false : undefined;
}

/**
 * A clock that writes times as Python's worker does (placement_app.browser.bridge.intl_clock):
 * Intl.DateTimeFormat with the options build.py exports, in the language's tag, forced to 12 or
 * 24 hours only when the admin chose so; in the operator's time zone with its rules (daylight
 * saving included), or in `timeZone` (an IANA name, for tests). A moment Intl cannot write is `—`.
 *
 * @param {Intl.DateTimeFormatOptions} [options]
 * @param {string} [timeZone]
 * @returns {Clock}
 */
export function intlClock(options = TIME_OPTIONS, timeZone = undefined) {
  /** @type {Map<string, Intl.DateTimeFormat>} */
  const formats = new Map();
  return (epochMs, tag, twelve) => {
    const key = `${tag} ${twelve}`;
    let format = formats.get(key);
    if (!format) {
      // hourCycle, not hour12, as Python's i18n.time_options (HOUR_CYCLES): an older engine turns
      // hour12 into the locale's other cycle of a kind (24:00:00 in English, 0:00:00 PM in German).
      format = new Intl.DateTimeFormat(tag, { ...options,
        ...(twelve === undefined ? {} : { hourCycle: twelve ? 'h12' : 'h23' }),
        ...(timeZone === undefined ? {} : { timeZone }) });
      formats.set(key, format);
    }
    try {
      return format.format(epochMs);
    } catch {
      return '—';  // a RangeError: out of Intl's range
    }
  };
}

/**
 * One time as Python's worker writes it (see intlClock).
 *
 * @param {number} epochMs
 * @param {string} tag a BCP 47 tag (`pt-BR`)
 * @param {boolean | undefined} twelve
 * @param {string} [timeZone]
 * @param {Intl.DateTimeFormatOptions} [options]
 */
export function formatClock(epochMs, tag, twelve, timeZone = undefined, options = TIME_OPTIONS) {
  return intlClock(options, timeZone)(epochMs, tag, twelve);
}

/**
 * One of the catalogue's languages for a portal LANG (i18n.resolve_language).
 *
 * @param {Catalogue} catalogue
 * @param {unknown} lang
 */
export function resolveLanguage(catalogue, lang) {
  const key = String(lang ?? '').trim().toLowerCase().slice(0, 5);
  const alias = Object.hasOwn(catalogue.aliases, key) ? catalogue.aliases[key] : key;
  return catalogue.languages.includes(alias) ? alias : 'en';
}

/**
 * The call as the quick view knows it: the steps and the attempt's summary,
 * following placement_app.core.timeline for call-state changes and the
 * state the tab opened in (other events are Python's to draw).
 */
export class QuickTimeline {
  constructor() {
    /** @type {Entry[]} */
    this.entries = [];
    /** @type {string | null} */
    this.callState = null;
    /** @type {number | null} */
    this.ringingAt = null;
    /** @type {number | null} */
    this.connectedAt = null;
    /** @type {number | null} */
    this.endedAt = null;
    /** @type {string | null} */
    this.failedCode = null;
    this.codeFromStatistics = false;
  }

  /** @param {Entry} entry */
  add(entry) {
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.shift();
  }

  /** @returns {Span | null} the running step */
  current() {
    for (let index = this.entries.length - 1; index >= 0; index--) {
      const entry = this.entries[index];
      if (entry.kind === 'span') return entry.end === null ? entry : null;
    }
    return null;
  }

  /**
   * A call-state change (timeline.on_call_state_changed).
   *
   * @param {string} state
   * @param {string | null} code
   * @param {number} at
   */
  change(state, code, at) {
    if (state === this.callState) {
      if (code === null || this.failedCode !== null) return;
      const running = this.current();
      if (running) running.code = code;
      this.failedCode = state === 'idle' ? code : null;
      return;
    }
    const fresh = this.endedAt !== null && state !== 'idle';
    if (fresh) {
      this.ringingAt = null;
      this.connectedAt = null;
      this.endedAt = null;
      this.failedCode = null;
      this.codeFromStatistics = false;
    }
    if (state === 'connecting' && this.ringingAt === null) this.ringingAt = at;
    else if (state === 'connected' && this.connectedAt === null) this.connectedAt = at;
    else if (state === 'idle' && (this.callState || code)) {
      this.endedAt = at;
      this.failedCode = code;
    }
    this.callState = state;
    const running = this.current();
    if (running) running.end = Math.max(at, running.at);
    this.add({ kind: 'span', state, at, end: null, code, open: false, statistics: false });
  }

  /**
   * The state the tab opened in, while no state is known (timeline.on_card_opened).
   *
   * @param {string} state
   * @param {number} at
   */
  opened(state, at) {
    if (this.callState !== null) return;
    this.callState = state;
    if (state === 'connecting') this.ringingAt = at;
    if (state === 'connected') this.connectedAt = at;
    this.add({ kind: 'span', state, at, end: null, code: null, open: true, statistics: false });
  }

  /** @returns {'waiting' | 'ringing' | 'talking' | 'answered' | 'failed' | 'not_answered'} */
  outcome() {
    if (this.callState === 'connecting') return 'ringing';
    if (this.callState === 'connected') return 'talking';
    if (this.endedAt === null) return 'waiting';
    if (this.connectedAt !== null || this.failedCode === SUCCESS) return 'answered';
    return this.failedCode !== null ? 'failed' : 'not_answered';
  }
}

/** @param {unknown} value */
const finite = (value) => typeof value === 'number' && Number.isFinite(value);
/** @param {unknown} value */
const optionalNumber = (value) => (value === null || finite(value) ? /** @type {number | null} */ (value) : undefined);
/** @param {unknown} value */
const optionalText = (value) => (value === null || typeof value === 'string' ? /** @type {string | null} */ (value) : undefined);
const NOTICES = new Set(['client', 'closing', 'unrecognised', 'error', 'early_dropped', 'kept_open']);

/**
 * The call's saved copy (placement_app.card.storage), for the quick view to
 * show at once after a reload; null when it is not one this version trusts.
 *
 * @param {string | null} text
 * @param {string} callId
 * @returns {QuickTimeline | null}
 */
export function readSaved(text, callId) {
  let data;
  try {
    data = JSON.parse(text ?? '');
  } catch {
    return null;
  }
  if (!data || typeof data !== 'object' || data.version !== VERSION || data.call_id !== callId
      || !Array.isArray(data.entries)) return null;
  const timeline = new QuickTimeline();
  for (const item of data.entries.slice(-MAX_ENTRIES)) {
    if (!item || typeof item !== 'object') return null;
    if ('span' in item) {
      const end = optionalNumber(item.end);
      const code = optionalText(item.code);
      if (!['idle', 'connecting', 'connected'].includes(item.span) || !finite(item.start)
          || end === undefined || code === undefined) return null;
      timeline.entries.push({ kind: 'span', state: item.span, at: item.start, end, code,
        open: item.open === true, statistics: item.statistics === true, ends: item.ends_call === true });
    } else {
      if (!NOTICES.has(item.notice) || !finite(item.at) || typeof item.detail !== 'string') return null;
      timeline.entries.push({ kind: 'notice', notice: item.notice, at: item.at, detail: item.detail });
    }
  }
  const summary = {
    ringingAt: optionalNumber(data.ringing_at), connectedAt: optionalNumber(data.connected_at),
    endedAt: optionalNumber(data.ended_at), failedCode: optionalText(data.failed_code),
  };
  if (Object.values(summary).includes(undefined)) return null;
  Object.assign(timeline, summary);
  timeline.callState = ['idle', 'connecting', 'connected'].includes(data.call_state) ? data.call_state : null;
  timeline.codeFromStatistics = data.code_from_statistics === true;
  return timeline;
}

/**
 * @typedef {{ clock: string, what: string, detail: string, hidden: boolean, failing: boolean, state: string }} RowText
 * @typedef {{
 *   headline: string, verdict: string, finished: boolean,
 *   code: string, reason: string, next: string, failure: string, rows: RowText[],
 * }} CardText
 */

/**
 * Words from the catalogue, in one language.
 */
export class Wording {
  /**
   * @param {Catalogue} catalogue
   * @param {string} lang one of the catalogue's languages
   * @param {Settings} settings
   */
  constructor(catalogue, lang, settings) {
    this.catalogue = catalogue;
    this.lang = lang;
    /** The language's BCP 47 tag, for `<html lang>` and Intl (i18n.locale_tag). */
    this.tag = catalogue.tags?.[lang] ?? lang;
    this.settings = settings;
  }

  /**
   * The admin's words for `code` in this language, as Python's Settings.override: each part from
   * the language's own row if it has one, else from the row for every language.
   *
   * @param {string} code already upper-cased
   * @returns {{ label: string, next: string } | null}
   */
  override(code) {
    const rows = this.settings.overrides.filter((item) => item.code === code && (item.lang === this.lang || !item.lang));
    if (!rows.length) return null;
    rows.sort((a, b) => Number(!a.lang) - Number(!b.lang));  // the language's own row first
    return { label: rows.find((item) => item.label)?.label ?? '', next: rows.find((item) => item.next)?.next ?? '' };
  }

  /**
   * The words for `key` (with `{name}`s filled in), or the key's last part when the catalogue has none.
   *
   * @param {string} key
   * @param {Record<string, string | number>} [values]
   */
  word(key, values = {}) {
    const strings = this.catalogue.strings;
    let words = strings[this.lang]?.[key] || strings.en?.[key] || key.split('.').at(-1) || key;
    if (Array.isArray(words)) words = words[this.form(Number(values.count))] ?? words.at(-1) ?? key;
    return words.replace(/\{(\w+)\}/g, (whole, name) => (Object.hasOwn(values, name) ? String(values[name]) : whole));
  }

  /**
   * Which of a plural message's forms `count` takes in this language: read from the table the build
   * exports from the catalogue's own Plural-Forms rule (i18n.plural_table), never worked out here.
   *
   * @param {number} count
   */
  form(count) {
    const plurals = this.catalogue.plurals;
    const table = plurals?.forms[this.lang];
    if (!plurals || !table || !Number.isInteger(count) || count < 0) return 0;
    return table[count < plurals.listed ? count : plurals.repeat + (count % plurals.repeat)] ?? 0;
  }

  /**
   * The code explained, the admin's words first (view.code_line): its heading (`486 · Busy`).
   *
   * @param {string} code
   * @param {boolean} [rang] the call rang before it ended (codes.AFTER_RINGING: a 486 is then declined)
   * @returns {{ heading: string, label: string, reason: string, next: string, kind: string }}
   */
  explain(code, rang = false) {
    const { codes, classes, unrecognised } = this.catalogue;
    const key = upper(code);
    /** @type {[string, string, string]} */
    let words = ['', '', ''];
    let kind = 'unrecognised';
    let shown = code;
    if (Object.hasOwn(codes, key) && codes[key][this.lang]) {
      const asked = rang ? this.catalogue.afterRinging?.[key] ?? key : key;
      words = (codes[asked] ?? codes[key])[this.lang];
      kind = 'known';
      shown = key;
    } else if (SIP_CODE.test(key) && classes[key[0]]?.[this.lang]) {
      const [label, reason, next] = classes[key[0]][this.lang];
      words = [label, reason.replace('{code}', key), next];
      kind = 'class';
      shown = key;
    } else if (unrecognised[this.lang]) {
      words = unrecognised[this.lang];
    }
    let [label, , next] = words;
    // The admin's words for the code whose meaning applies (codes.meaning): 603's for a 486 that rang.
    const own = this.override(rang ? this.catalogue.afterRinging?.[key] ?? key : key);
    if (own) {
      label = own.label || label;
      next = own.next || next;
    }
    const heading = kind === 'unrecognised' ? (label ? this.word('code.heading_unrecognised', { label, code: shown }) : shown)
      : this.word('code.heading', { code: shown, label });
    return { heading, label, reason: words[1], next, kind };
  }

  /** @param {string | null} code */
  expected(code) {
    return code !== null && this.settings.expected.includes(upper(code));
  }
}

/**
 * What Python's view shows for `timeline` (placement_app.card.view): the
 * headline, the code explained, and each row's clock, words and detail.
 *
 * @param {QuickTimeline} timeline
 * @param {Wording} wording
 * @param {Clock} clock writes times as Python's worker does (intlClock)
 * @returns {CardText}
 */
export function cardText(timeline, wording, clock) {
  const { settings } = wording;
  const outcome = timeline.outcome();
  const code = timeline.failedCode;
  let headline;
  /** @type {string} */
  let verdict = outcome;
  let finished = true;
  const ring = timeline.ringingAt === null || timeline.endedAt === null ? null
    : between(timeline.ringingAt, timeline.connectedAt ?? timeline.endedAt);
  // As timeline.rang: a ring of a whole second at least, between the instants themselves.
  const rang = timeline.ringingAt !== null && timeline.endedAt !== null
    && (timeline.connectedAt ?? timeline.endedAt) - timeline.ringingAt >= 1000;
  /** As view._rang: the label, and how long the call rang first, if it rang. @param {string} label */
  const ringing = (label) => (rang ? wording.word('headline.rang', { label, duration: formatDuration(ring ?? 0) })
    : label);
  if (outcome === 'answered') {
    headline = timeline.connectedAt === null || timeline.endedAt === null ? wording.word('outcome.answered')
      : wording.word('headline.ended', { duration: formatDuration(between(timeline.connectedAt, timeline.endedAt)) });
  } else if (outcome === 'failed' && code !== null) {
    headline = ringing(wording.explain(code, rang).label);
    verdict = wording.expected(code) ? 'expected' : 'failed';
  } else if (outcome === 'not_answered') {
    headline = ringing(wording.word('outcome.not_answered'));
  } else {
    finished = false;
    const live = outcome === 'ringing' || outcome === 'talking';
    headline = wording.word(live ? `state.${timeline.callState}` : 'state.unknown');
  }
  let [heading, reason, next, failure] = ['', '', '', ''];
  /** @param {string} text */
  const nextStep = (text) => wording.word('next_step.line', { text });
  if (outcome === 'failed' && code) {
    const info = wording.explain(code, rang);
    const own = info.kind === 'unrecognised' ? info.heading : wording.word('code.only', { code: upper(code) });
    [heading, reason, next] = [own, info.reason, nextStep(info.next)];
    failure = wording.expected(code) ? 'expected' : info.kind;
  } else if (outcome === 'not_answered') {
    const [label, why, step] = wording.catalogue.notReported[wording.lang] ?? ['', '', ''];
    [heading, reason, next, failure] = [label, why, nextStep(step), 'unrecognised'];
  } else if (outcome === 'answered' && code && code !== SUCCESS && timeline.connectedAt !== null
             && timeline.endedAt !== null) {
    const talk = formatDuration(between(timeline.connectedAt, timeline.endedAt));
    reason = wording.word('answered_code', { talk, code: wording.explain(code).heading });
    failure = 'answered';
  }
  /** @type {RowText[]} */
  const rows = [];
  let answered = false;
  let attemptRang = false;
  // As Python's view.span_word: an idle step is "waiting" until the call rang or talked, then "ended".
  let afterCall = false;
  const twelve = hour12(settings);
  for (const entry of timeline.entries) {
    const time = clock(entry.at, wording.tag, twelve);
    if (entry.kind === 'span') {
      const word = entry.state === 'idle' && !afterCall && !entry.ends ? 'state.unknown' : `state.${entry.state}`;
      if (entry.state !== 'idle') afterCall = true;
      let failing = false;
      const rangBefore = attemptRang && !answered;
      if (entry.state === 'connected') answered = true;
      else if (entry.state === 'connecting') attemptRang ||= entry.end !== null && entry.end - entry.at >= 1000;
      else if (entry.state === 'idle') {
        failing = entry.code !== null && !answered && entry.code !== SUCCESS && !wording.expected(entry.code);
        answered = attemptRang = false;
      }
      // As view.step_words: not for the end of a call that was over before the card opened.
      const late = entry.open && !(entry.state === 'idle' && entry.ends);
      const what = late ? wording.word('since_open', { what: wording.word(word) }) : wording.word(word);
      let detail = entry.code ? wording.explain(entry.code, rangBefore).heading : '';
      if (entry.code && entry.statistics) detail = wording.word('code.from_statistics', { heading: detail });
      rows.push({ clock: time, what, detail, hidden: false, failing, state: entry.state });
    } else {
      const detail = entry.notice === 'early_dropped'
        ? wording.word('early_dropped.detail', { count: /^\d+$/.test(entry.detail) ? Number(entry.detail) : 0 })
        : entry.detail;
      rows.push({ clock: time, what: wording.word(`notice.${entry.notice}`), detail, failing: false, state: '',
        hidden: entry.notice === 'client' && !settings.showClientChanges });
    }
  }
  return { headline, verdict, finished, code: heading, reason, next, failure, rows };
}
