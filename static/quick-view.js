// @ts-check
/**
 * The quick view: the call the moment each state arrives, while Python starts, and all the
 * operator keeps if Python cannot start.  It draws words it looks up, never words it makes:
 * the tables come from Python (placement_app/card/quick.py), the built-in ones through the
 * build's export, this portal's (its admin's settings applied) and a reloaded call's rows from
 * what the card stored.  So it may show less than Python's view (no durations, no lookup of the
 * reason), never other words.  Text only: nothing from the wire becomes HTML.
 */

/**
 * One code explained, as Python draws it: label, row detail, box heading, reason, next-step
 * line, tone (`answered`, `expected`, `known`, `class`, `unrecognised`).
 *
 * @typedef {[string, string, string, string, string, string]} Entry
 * @typedef {{
 *   version: number, lang: string, tag: string, time: Intl.DateTimeFormatOptions,
 *   words: Record<string, string>, since_open: Record<string, string>,
 *   codes: Record<string, Entry[]>, classes: Record<string, Entry>, unrecognised: Entry,
 *   not_reported: [string, string, string], dropped: string[], plural: number[],
 * }} Table
 * @typedef {{
 *   version: number, tables: Record<string, Table>, defaultLanguage: string, aliases: Record<string, string>,
 *   states: string[], plainCode: string, sipCode: string, rangMs: number, maxRows: number,
 *   plural: { listed: number, repeat: number }, storage: { shown: string, words: string },
 * }} Export  what the build exports (placement_app.card.quick.export)
 * @typedef {{
 *   headline: string, box: [string, string, string] | null, rows: string[][], state: string | null,
 *   after_call: boolean, answered: boolean, ringing_at: number | null,
 * }} Shown  a call's rows as Python drew them (placement_app.card.quick.shown), kept with its call_id
 * @typedef {{ lang: unknown, state: string | null, callId: string | null }} Opened
 * @typedef {(key: string) => string | null} Read  reads this app's storage (null: nothing, or refused)
 * @typedef {{ headline: string, box: [string, string, string] | null, tone: string, unsure: boolean }} Top
 *   the headline and the failure box; `unsure`: the box says the reason was not reported, true only
 *   if no one looks it up (Python never came)
 */

/** @param {string} pattern one the export gives, to match a whole text */
const whole = (pattern) => new RegExp(`^(?:${pattern})$`);
/** @param {string} template @param {string} code */
const fill = (template, code) => template.replaceAll('{code}', () => code);

const STATES = ['idle', 'connecting', 'connected'];
/**
 * What the quick view draws with when the export is unreadable: the states' own names, and the
 * codes as they came (tests/js/quick_view.test.mjs holds `states` to the export's).
 *
 * @type {Export}
 */
export const BARE = {
  version: 0, defaultLanguage: 'en', aliases: {}, states: STATES, plainCode: '[!-~]{1,120}', sipCode: '(?!)',
  rangMs: 1000, maxRows: 200, plural: { listed: 0, repeat: 1 }, storage: { shown: '', words: '' },
  tables: { en: {
    version: 0, lang: 'en', tag: 'en', time: { timeStyle: 'medium' }, codes: {}, classes: {}, plural: [],
    words: { waiting: 'idle', ended: 'idle', answered: 'idle', connecting: 'connecting', connected: 'connected' },
    since_open: Object.fromEntries(STATES.map((state) => [state, state])),
    unrecognised: ['{code}', '{code}', '{code}', '', '', 'unrecognised'], not_reported: ['', '', ''], dropped: ['{count}'],
  } },
};

/**
 * (state, code) from any wire form of CallStateChanged, or null.  A code is kept only when the
 * export's `plainCode` says Python shows it as it came (or as an integer's digits); any other
 * value is Python's to show.
 *
 * @param {Export} rules
 * @param {unknown[]} args
 * @returns {{ state: string, code: string | null } | null}
 */
export function readCallState(rules, args) {
  const first = args[0];
  const [state, params] = Array.isArray(first) ? [first[0], first[1]] : [first, args[1]];
  if (typeof state !== 'string' || !rules.states.includes(state)) return null;
  const raw = params && typeof params === 'object' ? /** @type {{ failedCode?: unknown }} */ (params).failedCode : null;
  const code = typeof raw === 'string' && whole(rules.plainCode).test(raw) ? raw
    : Number.isSafeInteger(raw) ? String(raw) : null;
  return { state, code };
}

export class QuickView {
  /**
   * @param {Document} document the card's page (index.html), with the #quick elements
   * @param {Export} rules
   * @param {{ lang?: unknown, read?: Read, timeZone?: string }} [options] `lang`: the frame's
   *   address's (LANG), for the first words; `read`: this app's storage; `timeZone`: an IANA name
   *   for tests (the card writes the browser's)
   */
  constructor(document, rules, { lang, read = () => null, timeZone } = {}) {
    /** @param {string} id */
    const element = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
    this.document = document;
    this.rules = rules;
    this.read = read;
    this.timeZone = timeZone;
    this.table = this.pick(lang);
    /** @type {string[][]} [clock, what, detail, state] */
    this.rows = [];
    /** @type {Top} */
    this.top = { headline: this.table.words.waiting, box: null, tone: '', unsure: false };
    /** @type {string | null} */
    this.phase = null;
    /** @type {string | null} the code of the last row */
    this.lastCode = null;
    this.afterCall = false;
    this.answered = false;
    /** @type {number | null} */
    this.ringingAt = null;
    /** Whether the attempt that ended rang first (its code's words depend on it). */
    this.rang = false;
    this.gaveUp = false;
    /** @type {[string, string | undefined] | null} */
    this.said = null;
    this.droppedCount = 0;
    this.root = element('quick');
    /** The headline, and the failure box's heading: what the live region says (announcer.js). */
    this.state = element('quick-state');
    this.code = element('quick-code');
    this.boxParts = [this.code, element('quick-reason'), element('quick-next')];
    this.notice = element('quick-notice');
    this.progress = /** @type {HTMLProgressElement} */ (element('quick-progress'));
    this.log = element('quick-log');
    this.droppedLine = document.createElement('p');
    this.droppedLine.className = 'quick-notice quick-dropped';
    this.droppedLine.hidden = true;
    this.root.append(this.droppedLine);
    this.drawingFailed = false;
    this.render();
  }

  /**
   * The table for a portal LANG: the one the card last stored for it (this portal's: the site
   * serves one portal), else the built-in one of the language (by the export's aliases), else
   * the default language's.
   *
   * @param {unknown} lang
   * @returns {Table}
   */
  pick(lang) {
    const { tables, aliases, defaultLanguage, version, storage } = this.rules;
    const stored = storage.words ? this.json(`${storage.words}${lang ?? ''}`) : null;
    if (stored && stored.version === version && stored.words) return stored;
    const key = String(lang ?? '').toLowerCase();
    return tables[Object.hasOwn(aliases, key) ? aliases[key] : key] ?? tables[defaultLanguage];
  }

  /** @param {string} key @returns {any} */
  json(key) {
    try {
      return JSON.parse(this.read(key) ?? 'null');
    } catch {
      return null;
    }
  }

  /**
   * The table Python sends once it read the admin's settings: the card's language from then on
   * (the page's title and notices), also for a language the admin forces.  One of another
   * version is ignored.
   *
   * @param {string} text
   */
  adopt(text) {
    let table;
    try {
      table = JSON.parse(text);
    } catch {
      return;
    }
    if (!table || table.version !== this.rules.version || !table.words) return;
    this.table = table;
    if (this.said) this.say(...this.said);
    if (this.droppedCount) this.dropped(this.droppedCount);
    this.render();
  }

  /** @param {number} at */
  clock(at) {
    const { tag, time } = this.table;
    try {
      return new Intl.DateTimeFormat(tag, { ...time, ...(this.timeZone ? { timeZone: this.timeZone } : {}) })
        .format(at);
    } catch {
      return '—';
    }
  }

  /** @param {string} code @returns {Entry} its words, `rang`: after a whole second of ringing */
  wordsOf(code, rang = false) {
    const { codes, classes, unrecognised } = this.table;
    const key = code.toUpperCase();
    const known = Object.hasOwn(codes, key) ? codes[key] : null;
    if (known) return known[rang ? known.length - 1 : 0];
    const template = whole(this.rules.sipCode).test(key) ? classes[key[0]] : unrecognised;
    return /** @type {Entry} */ (template.map((words) => fill(words, template === unrecognised ? code : key)));
  }

  /**
   * The init data: the portal's language and, after a reload, the call's rows as Python saved them.
   *
   * @param {Opened} opened
   * @param {number} at
   */
  opened({ lang, state, callId }, at) {
    this.table = this.pick(lang);
    const kept = callId === null || !this.rules.storage.shown ? null : this.json(`${this.rules.storage.shown}${callId}`);
    /** @type {Shown | null} */
    const shown = kept && kept.call_id === callId && Array.isArray(kept.rows) ? kept : null;
    if (shown && !this.rows.length) {
      this.rows = shown.rows.filter((row) => Array.isArray(row)).map((row) => row.map(String));
      this.top = { headline: String(shown.headline), box: shown.box, tone: shown.box ? 'known' : '', unsure: false };
      Object.assign(this, { phase: shown.state, afterCall: shown.after_call === true,
        answered: shown.answered === true, ringingAt: shown.ringing_at ?? null });
      if (state !== null) this.callState(state, null, at);
    } else if (state !== null && this.phase === null) {
      this.callState(state, null, at, true);
    }
    if (this.said) this.say(...this.said);
    if (this.droppedCount) this.dropped(this.droppedCount);
    this.render();
  }

  /**
   * A call state, drawn at once.  A state the call is already in brings only a code the row lacks.
   *
   * @param {string} state
   * @param {string | null} code
   * @param {number} at
   * @param {boolean} [sinceOpen] the state the tab opened in
   */
  callState(state, code, at, sinceOpen = false) {
    const { words, since_open: late } = this.table;
    if (state === this.phase) {
      if (code === null || this.lastCode !== null) return;
      const entry = this.wordsOf(code, this.rang);
      const last = this.rows.at(-1);
      if (last) last[2] = entry[1];
      this.lastCode = code;
      this.top = this.topFor(state, entry);
      this.render();
      return;
    }
    if (state !== 'idle' && this.phase === 'idle') [this.ringingAt, this.answered] = [null, false];
    // As the card's rule (timeline.rang): rang a whole second at least, and not answered.
    this.rang = this.ringingAt !== null && !this.answered && at - this.ringingAt >= this.rules.rangMs;
    const what = sinceOpen ? late[state] : state === 'idle' && !this.afterCall ? words.waiting
      : words[state === 'idle' ? 'ended' : state];
    const entry = code === null ? null : this.wordsOf(code, this.rang);
    this.rows.push([this.clock(at), what, entry ? entry[1] : '', state]);
    if (this.rows.length > this.rules.maxRows) this.rows.shift();  // as Python's timeline keeps them
    if (state === 'connecting') this.ringingAt ??= at;
    if (state === 'connected') this.answered = true;
    this.afterCall ||= state !== 'idle';
    this.phase = state;
    this.lastCode = code;
    this.top = this.topFor(state, entry);
    this.render();
  }

  /**
   * The headline and the failure box for the call's latest state (`entry`: its code's words).
   *
   * @param {string} state
   * @param {Entry | null} entry
   * @returns {Top}
   */
  topFor(state, entry) {
    const { words, not_reported: notReported } = this.table;
    /** @param {string} headline @param {Partial<Top>} [rest] @returns {Top} */
    const top = (headline, rest = {}) => ({ headline, box: null, tone: '', unsure: false, ...rest });
    if (state !== 'idle') return top(words[state]);
    if (!this.afterCall) return top(words.waiting);
    if (entry && entry[5] === 'answered') return top(this.answered ? words.ended : words.answered);
    if (this.answered) return top(words.ended);
    if (!entry) return top(words.ended, { box: notReported, tone: 'unrecognised', unsure: true });
    return top(entry[0], { box: [entry[2], entry[3], entry[4]], tone: entry[5] });
  }

  render() {
    const { headline, box, tone, unsure } = this.top;
    this.state.textContent = headline;
    this.state.className = `quick-state state-${this.phase ?? 'unknown'}`
      + (box && !unsure ? ` quick-outcome-${tone === 'expected' ? 'expected' : 'failed'}` : '');
    const shownBox = box && (!unsure || this.gaveUp) ? box : null;
    this.boxParts.forEach((part, index) => {
      part.textContent = shownBox ? shownBox[index] : '';
      part.hidden = !shownBox || !shownBox[index];
    });
    this.boxParts[0].className = `quick-code code-${tone || 'unrecognised'}`;
    const title = this.table.words.title;
    this.document.documentElement.lang = this.table.tag;
    if (title) {
      this.document.title = title;
      const heading = this.document.getElementById('card-title');
      if (heading) heading.textContent = title;
      this.document.getElementById('timeline')?.setAttribute('aria-label', title);
    }
    // "12:59:59 PM" needs a wider time column than "12:59:59", as in Python's view.
    this.log.className = this.clock(0).length > '00:00:00'.length ? 'quick-log twelve-hour' : 'quick-log';
    // Each row's elements are kept and only their words set: a flood of states costs no rebuilding.
    this.rows.forEach((row, index) => {
      let item = this.log.children[index];
      if (!item) {
        item = this.document.createElement('li');
        item.append(this.document.createElement('time'), this.document.createElement('span'),
          this.document.createElement('span'));
        this.log.append(item);
      }
      item.className = `quick-entry ${row[3] ? `state-${row[3]}` : 'quick-notice-row'}`;
      ['quick-clock', 'quick-what', 'quick-detail'].forEach((name, part) => {
        const element = item.children[part];
        element.className = name;
        if (element.textContent !== row[part]) element.textContent = row[part];
      });
    });
    while (this.log.children.length > this.rows.length) this.log.lastElementChild?.remove();
  }

  /** Outside a Bitrix24 call card there is no call to wait for: say so, once. */
  outside() {
    this.state.hidden = true;
    this.progress.hidden = true;
    this.say('no_frame');
  }

  /** @param {string} key one of the table's words @param {string} [detail] */
  say(key, detail) {
    this.said = [key, detail];
    this.notice.textContent = (this.table.words[key] ?? key) + (detail ? ` (${detail.slice(0, 200)})` : '');
  }

  /** @param {number} done @param {number} total */
  step(done, total) {
    this.progress.max = total;
    this.progress.value = done;
  }

  handOver() {
    if (!this.drawingFailed) this.root.hidden = true;
  }

  /** @param {number} count events the engine dropped while Python started (the oldest) */
  dropped(count) {
    const { dropped, plural } = this.table;
    const { listed, repeat } = this.rules.plural;
    const form = plural[count < listed ? count : repeat + (count % repeat)] ?? 0;
    this.droppedCount = count;
    this.droppedLine.textContent = (dropped[form] ?? dropped[0]).replaceAll('{count}', String(count));
    this.droppedLine.hidden = false;
  }

  /** Python's drawing could not be applied: this view comes back and says why. */
  drawingLost() {
    this.drawingFailed = true;
    this.root.hidden = false;
    this.progress.hidden = true;
    this.say('drawing_lost');
  }

  /** @param {string} [detail] why Python could not start */
  failed(detail) {
    this.gaveUp = true;
    this.root.hidden = false;
    this.progress.hidden = true;
    this.say('failed', detail);
    this.render();
  }
}
