// @ts-check
/**
 * The minimal text view: the call state the moment it is known, and the
 * decoded failure code, from the catalogue build.py exports out of the
 * Python one.  It is all the operator has until Python is up, and all they
 * keep if Python cannot start.  Text only: nothing from the wire becomes HTML.
 *
 * `clip`, `preview` and `normaliseFailedCode` follow the Python model's rules
 * (placement_app.core.untrusted, placement_app.core.events) for any value the
 * shim can send Python; tests/cases/quick_view_rules.json holds the cases both
 * sides are tested against.
 */

const STATES = new Set(['idle', 'connecting', 'connected']);
const SIP_CODE = /^[4-6]\d\d$/;
const MAX_LOG = 50;
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
    return text ? clip(text) : null;
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
 * What build.py exports of the Python catalogue: per language, a failure's
 * [label, reason, next step].
 *
 * @typedef {Record<string, [string, string, string]>} Words
 * @typedef {{
 *   languages: string[],
 *   aliases: Record<string, string>,
 *   strings: Record<string, Record<string, string>>,
 *   codes: Record<string, Words>,
 *   classes: Record<string, Words>,
 *   unrecognised: Words,
 *   notReported: Words,
 *   tags?: Record<string, string>,
 *   timeOptions?: Intl.DateTimeFormatOptions,
 * }} Catalogue
 */

/** How a time is written when the catalogue does not say (Python's i18n.TIME_OPTIONS). */
const TIME_OPTIONS = /** @type {Intl.DateTimeFormatOptions} */ ({ timeStyle: 'medium' });

/**
 * What the quick view words things with when the page's catalogue is
 * unreadable: nothing, so that it shows bare states and codes rather than
 * nothing at all (see FallbackView.word and explain).
 *
 * @type {Catalogue}
 */
export const BARE_CATALOGUE = {
  languages: ['en'], aliases: {}, strings: { en: {} }, codes: {}, classes: {}, unrecognised: {}, notReported: {},
};

export class FallbackView {
  /**
   * @param {Document} document the card's page (index.html), with the #quick elements
   * @param {Catalogue} catalogue
   */
  constructor(document, catalogue) {
    /** @param {string} id */
    const element = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
    this.document = document;
    this.catalogue = catalogue;
    this.lang = 'en';
    this.tag = 'en';
    this.time = new Intl.DateTimeFormat('en', catalogue.timeOptions ?? TIME_OPTIONS);
    this.root = element('quick');
    this.state = element('quick-state');
    this.code = element('quick-code');
    this.reason = element('quick-reason');
    this.notice = element('quick-notice');
    this.progress = /** @type {HTMLProgressElement} */ (element('quick-progress'));
    this.log = element('quick-log');
    /** Its own line, so that no later notice (loading, failed) hides it. */
    this.droppedLine = document.createElement('p');
    this.droppedLine.className = 'quick-notice quick-dropped';
    this.droppedLine.hidden = true;
    this.root.append(this.droppedLine);
    this.connected = false;
    this.rang = false;
    this.ended = false;
    /** Python's drawing could not be applied: this view stays. */
    this.drawingFailed = false;
  }

  /** @param {unknown} lang */
  setLang(lang) {
    const key = String(lang || '').trim().toLowerCase().slice(0, 5);
    const alias = Object.hasOwn(this.catalogue.aliases, key) ? this.catalogue.aliases[key] : key;
    this.lang = this.catalogue.languages.includes(alias) ? alias : 'en';
    this.tag = this.catalogue.tags?.[this.lang] ?? this.lang;
    this.document.documentElement.lang = this.tag;
    // As Python's worker writes times (browser.bridge.intl_clock): the time zone's rules, the language's custom.
    this.time = new Intl.DateTimeFormat(this.tag, this.catalogue.timeOptions ?? TIME_OPTIONS);
  }

  /**
   * The words for `key` in the card's language, or the key's last part when the catalogue has none.
   *
   * @param {string} key
   */
  word(key) {
    const strings = this.catalogue.strings;
    return strings[this.lang]?.[key] || strings.en?.[key] || key.split('.').at(-1) || key;
  }

  /**
   * @param {string} code
   * @returns {[string, string, string]}
   */
  explain(code) {
    const { codes, classes, unrecognised } = this.catalogue;
    const key = code.toUpperCase();
    const known = Object.hasOwn(codes, key) ? codes[key][this.lang] : undefined;
    if (known) {
      const [label, reason, next] = known;
      return [`${key} · ${label}`, reason, next];
    }
    const family = SIP_CODE.test(key) ? classes[key[0]]?.[this.lang] : undefined;
    if (family) {
      const [label, reason, next] = family;
      return [`${key} · ${label}`, reason.replace('{code}', key), next];
    }
    const [label, reason, next] = unrecognised[this.lang] ?? ['', '', ''];
    return [label ? `${label}: ${code}` : code, reason, next];
  }

  /**
   * One line per state, so that nothing is missing if Python never comes.
   *
   * @param {string} state
   * @param {string | null} code
   * @param {number} at
   */
  note(state, code, at) {
    const item = this.document.createElement('li');
    const time = this.document.createElement('time');
    const what = this.document.createElement('span');
    time.textContent = this.time.format(at);
    const label = code && state === 'idle' && code !== '200' ? ` — ${this.explain(code)[0]}` : '';
    what.textContent = `${this.word(`state.${state}`)}${label}`;
    item.append(time, what);
    this.log.append(item);
    while (this.log.childElementCount > MAX_LOG) this.log.firstElementChild?.remove();
  }

  /** @param {string} state @param {string | null} code */
  showState(state, code) {
    this.state.textContent = this.word(`state.${state}`);
    this.state.className = `quick-state state-${state}`;
    if (state !== 'idle' && this.ended) {
      // A new attempt in the same card: judge it on its own, as the Python model does.
      this.ended = false;
      this.connected = false;
      this.rang = false;
    }
    if (state === 'connected') this.connected = true;
    if (state === 'connecting') this.rang = true;
    if (state === 'idle') this.ended = this.rang || this.connected;
    let lines = null;
    if (state === 'idle' && code && code !== '200') lines = this.explain(code);
    else if (state === 'idle' && !code && this.rang && !this.connected) lines = this.catalogue.notReported[this.lang] ?? null;
    this.code.hidden = !lines;
    this.reason.hidden = !lines;
    if (lines) {
      this.code.textContent = lines[0];
      this.reason.textContent = `${lines[1]} ${this.word('next_step')}: ${lines[2]}`;
    }
  }

  /** @param {string} key @param {string} [detail] */
  say(key, detail) {
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
    this.droppedLine.textContent = this.word('engine.early_dropped').replace('{count}', String(count));
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
