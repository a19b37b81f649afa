// @ts-check
/**
 * The quick view: the call the moment each state is known, in the words
 * Python's view will use (the admin's settings honoured, the saved rows of a
 * reloaded tab shown at once), from the catalogue build.py exports out of
 * the Python one; what to say is worked out in quick-card.js.  It is all the
 * operator has until Python is up, and all they keep if Python cannot start.
 * Text only: nothing from the wire becomes HTML.
 *
 * `clip`, `preview` and `normaliseFailedCode` follow the Python model's rules
 * (placement_app.core.untrusted, placement_app.core.events) for any value the
 * shim can send Python; tests/cases/quick_view_rules.json holds the cases both
 * sides are tested against.
 */

import {
  DEFAULT_SETTINGS, QuickTimeline, TIME_OPTIONS, Wording, cardText, hour12, intlClock, readSaved, readSettings,
  resolveLanguage,
} from './quick-card.js';

const STATES = new Set(['idle', 'connecting', 'connected']);
/** Longest text kept from any untrusted field, as in Python (MAX_TEXT). */
const MAX_TEXT = 64;
/** Longest preview of a value that is not text, as in Python (MAX_PREVIEW). */
const MAX_PREVIEW = 120;
/** What Python's str.isprintable() refuses; the ASCII space is allowed apart. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
/** What Python's str.strip() removes (str.isspace()): not what String.prototype.trim() removes. */
// eslint-disable-next-line no-control-regex -- Python's whitespace includes control characters
const PYTHON_STRIP = /^[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
/** What Python's json.dumps escapes in a string (ensure_ascii=False): quotes, backslashes, controls. */
// eslint-disable-next-line no-control-regex -- these are the characters JSON escapes
const JSON_ESCAPED = /["\\\x00-\x1f]/g;

/**
 * `value` as text cut to `limit` characters (code points, as Python counts),
 * unprintable characters as spaces, a cut marked with an ellipsis.
 *
 * @param {unknown} value
 * @param {number} [limit]
 * @returns {string}
 */
export function clip(value, limit = MAX_TEXT) {
  /** @type {string[]} */
  const characters = [];
  for (const character of String(value)) {
    if (characters.length > limit) break;
    characters.push(character !== ' ' && UNPRINTABLE.test(character) ? ' ' : character);
  }
  return characters.length <= limit ? characters.join('') : `${characters.slice(0, limit - 1).join('')}…`;
}

/**
 * A number as Python's json.dumps writes what it reads from the shim's JSON:
 * an integer's digits, otherwise the float's repr (1e-05, not 1e-5).
 *
 * @param {number} number
 */
function pythonNumber(number) {
  if (!Number.isFinite(number)) return 'null';
  if (Number.isInteger(number)) return String(number);
  const [digits, exponent] = number.toExponential().split('e');
  const power = Number(exponent);
  if (power >= -4) return String(number);
  return `${digits}e-${String(-power).padStart(2, '0')}`;
}

/**
 * A JSON value written as Python's json.dumps(value, ensure_ascii=False)
 * writes it after reading the shim's JSON: ", " and ": " between items.
 *
 * @param {unknown} value
 * @returns {string}
 */
function pythonJson(value) {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return pythonNumber(value);
  if (typeof value === 'string') {
    return `"${value.replace(JSON_ESCAPED, (character) => JSON.stringify(character).slice(1, -1))}"`;
  }
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (typeof value === 'object') {
    const items = Object.entries(value).filter(([, item]) => item !== undefined);
    return `{${items.map(([key, item]) => `${pythonJson(key)}: ${pythonJson(item)}`).join(', ')}}`;
  }
  return 'null';
}

/**
 * A short, printable rendering of any JSON value, as Python's preview().
 *
 * @param {unknown} value
 * @param {number} [limit]
 */
export function preview(value, limit = MAX_PREVIEW) {
  return clip(typeof value === 'string' ? value : pythonJson(value), limit);
}

/**
 * The failure code as text, or null when nothing meaningful was sent, as
 * Python's normalise_failed_code() gives it for what the shim sends it.
 *
 * @param {unknown} value
 * @returns {string | null}
 */
export function normaliseFailedCode(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    if (Number.isInteger(value)) return Math.abs(value) < 1e21 ? String(value) : BigInt(value).toString();
    return preview(value);
  }
  if (typeof value === 'string') {
    const text = value.replace(PYTHON_STRIP, '');
    return text ? clip(text, MAX_PREVIEW) : null;
  }
  return preview(value);
}

/**
 * (state, failedCode) from any wire form of CallStateChanged, or null.
 *
 * @param {unknown[]} args
 * @returns {{ state: string, code: string | null } | null}
 */
export function readCallState(args) {
  const first = args[0];
  const [state, params] = Array.isArray(first) ? [first[0], first[1]] : [first, args[1]];
  if (typeof state !== 'string' || !STATES.has(state)) return null;
  let code = null;
  if (params && typeof params === 'object' && !Array.isArray(params) && Object.hasOwn(params, 'failedCode')) {
    code = normaliseFailedCode(/** @type {{ failedCode: unknown }} */ (params).failedCode);
  }
  return { state, code };
}

/**
 * What the quick view words things with when the page's catalogue is
 * unreadable: nothing, so that it shows bare states and codes rather than
 * nothing at all (see Wording.word and explain).
 *
 * @type {import('./quick-card.js').Catalogue}
 */
export const BARE_CATALOGUE = {
  languages: ['en'], aliases: {}, strings: { en: {} }, codes: {}, classes: {}, unrecognised: {}, notReported: {},
};

/**
 * What the init data says that the quick view uses.
 *
 * @typedef {{ lang: unknown, appOptions: unknown, state: string | null, saved: string | null, callId: string | null }} Opened
 */

export class FallbackView {
  /**
   * @param {Document} document the card's page (index.html), with the #quick elements
   * @param {import('./quick-card.js').Catalogue} catalogue
   * @param {string} [timeZone] an IANA time zone for tests; the card writes times in the browser's,
   *   as Python's worker does
   * @param {unknown} [lang] the portal's language as the frame's address gives it (`LANG`), for
   *   the first words, drawn before the init data says which language the card speaks
   */
  constructor(document, catalogue, timeZone = undefined, lang = undefined) {
    /** @param {string} id */
    const element = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
    this.document = document;
    this.catalogue = catalogue;
    /** Times as Python's worker writes them: Intl, with the options build.py exports. */
    this.clock = intlClock(catalogue.timeOptions ?? TIME_OPTIONS, timeZone);
    this.settings = DEFAULT_SETTINGS;
    this.wording = new Wording(catalogue, resolveLanguage(catalogue, lang), this.settings);
    /** @type {[string, string | undefined] | null} the notice shown, redrawn when the language is known */
    this.said = null;
    this.droppedCount = 0;
    this.timeline = new QuickTimeline();
    /** @type {{ state: string, code: string | null, at: number }[]} state changes before the init data */
    this.early = [];
    this.knowsCall = false;
    this.root = element('quick');
    this.state = element('quick-state');
    this.code = element('quick-code');
    this.reason = element('quick-reason');
    this.next = element('quick-next');
    this.notice = element('quick-notice');
    this.progress = /** @type {HTMLProgressElement} */ (element('quick-progress'));
    this.log = element('quick-log');
    /** Its own line, so that no later notice (loading, failed) hides it. */
    this.droppedLine = document.createElement('p');
    this.droppedLine.className = 'quick-notice quick-dropped';
    this.droppedLine.hidden = true;
    this.root.append(this.droppedLine);
    /** Python's drawing could not be applied: this view stays. */
    this.drawingFailed = false;
    this.relabel();
    this.render();
  }

  /** The page's own words (title, heading, the timeline's name) in the card's language. */
  relabel() {
    const title = this.word('title');
    this.document.title = title;
    this.document.documentElement.lang = this.wording.tag;
    const heading = this.document.getElementById('card-title');
    if (heading) heading.textContent = title;
    this.document.getElementById('timeline')?.setAttribute('aria-label', title);
  }

  /** @param {string} key */
  word(key) {
    return this.wording.word(key);
  }

  /**
   * The init data: language and settings, and the call's saved rows after a
   * reload, brought up to date as Python's resume() does (the saved copy,
   * then this page's state changes, else the state the tab reopened in).
   *
   * @param {Opened} opened
   * @param {number} at
   */
  opened({ lang, appOptions, state, saved, callId }, at) {
    this.settings = readSettings(appOptions, this.catalogue.supported ?? this.catalogue.languages);
    const language = this.settings.language === 'portal' ? lang : this.settings.language;
    this.wording = new Wording(this.catalogue, resolveLanguage(this.catalogue, language), this.settings);
    this.relabel();
    if (this.said) this.say(...this.said);
    if (this.droppedCount) this.dropped(this.droppedCount);
    const restored = !this.knowsCall && callId !== null ? readSaved(saved, callId) : null;
    this.knowsCall = this.knowsCall || callId !== null;
    if (restored) {
      this.timeline = restored;
      for (const change of this.early) restored.change(change.state, change.code, change.at);
      if (state !== null && !this.early.length) restored.change(state, null, at);
    } else if (state !== null) {
      this.timeline.opened(state, at);
    }
    this.render();
  }

  /**
   * A call-state change, drawn at once.
   *
   * @param {string} state
   * @param {string | null} code
   * @param {number} at
   */
  callState(state, code, at) {
    if (!this.knowsCall) this.early.push({ state, code, at });
    this.timeline.change(state, code, at);
    this.render();
  }

  /** Draw what cardText() says: the headline, the code explained, the rows (reusing their elements). */
  render() {
    const text = cardText(this.timeline, this.wording, this.clock);
    // Class names of its own (quick-*), so that nothing selects Python's view and this one alike.
    this.state.textContent = text.headline;
    this.state.className = `quick-state state-${this.timeline.callState ?? 'unknown'}`
      + (text.finished ? ` quick-outcome-${text.verdict}` : '');
    this.code.hidden = !text.code;
    this.code.textContent = text.code;
    this.code.className = `quick-code code-${text.failure}`;
    this.reason.hidden = !text.reason;
    this.reason.textContent = text.reason;
    this.next.hidden = !text.next;
    this.next.textContent = text.next;
    // "12:59:59 PM" needs a wider time column than "12:59:59" (as Python's view decides it).
    const wide = this.clock(0, this.wording.tag, hour12(this.settings)).length > '00:00:00'.length;
    this.log.className = wide ? 'quick-log twelve-hour' : 'quick-log';
    const items = this.log.children;
    text.rows.forEach((row, index) => {
      let item = items[index];
      if (!item) {
        item = this.document.createElement('li');
        item.append(this.document.createElement('time'), this.document.createElement('span'),
          this.document.createElement('span'));
        this.log.append(item);
      }
      const [clock, what, detail] = item.children;
      item.className = `quick-entry${row.state ? ` state-${row.state}` : ' quick-notice-row'}${row.failing ? ' code-failed' : ''}`;
      /** @type {HTMLElement} */ (item).hidden = row.hidden;
      clock.className = 'quick-clock';
      what.className = 'quick-what';
      detail.className = 'quick-detail';
      clock.textContent = row.clock;
      what.textContent = row.what;
      detail.textContent = row.detail;
    });
    while (this.log.childElementCount > text.rows.length) this.log.lastElementChild?.remove();
  }

  /**
   * Outside a Bitrix24 call card there is no call to wait for: say once, plainly, where this page runs.
   */
  outside() {
    this.state.hidden = true;
    this.progress.hidden = true;
    this.say('no_frame');
  }

  /** @param {string} key @param {string} [detail] */
  say(key, detail) {
    this.said = [key, detail];
    this.notice.textContent = this.word(key) + (detail ? ` (${clip(detail, 200)})` : '');
  }

  /** @param {number} done @param {number} total */
  step(done, total) {
    this.progress.max = total;
    this.progress.value = done;
  }

  handOver() {
    if (!this.drawingFailed) this.root.hidden = true;
  }

  /**
   * The engine dropped the oldest `count` events that came while Python started.
   *
   * @param {number} count
   */
  dropped(count) {
    this.droppedCount = count;
    this.droppedLine.textContent = this.wording.word('engine.early_dropped', { count });
    this.droppedLine.hidden = false;
  }

  /** Python's drawing could not be applied: this view is shown again, and says why. */
  drawingLost() {
    this.drawingFailed = true;
    this.root.hidden = false;
    this.progress.hidden = true;
    this.say('engine.drawing_lost');
  }

  /** @param {string} [detail] */
  failed(detail) {
    this.root.hidden = false;
    this.progress.hidden = true;
    this.say('engine.failed', detail);
  }
}
