/**
 * The minimal text view: the call state the moment it is known, and the
 * decoded failure code, from the catalogue build.py exports out of the
 * Python one.  It is all the operator has until Python is up, and all they
 * keep if Python cannot start.  Text only: nothing from the wire becomes HTML.
 */

const STATES = new Set(['idle', 'connecting', 'connected']);
const SIP_CODE = /^[4-6]\d\d$/;
const MAX_LOG = 50;

function clip(value, limit = 64) {
  const text = String(value).replace(/[\u0000-\u001f\u007f]/g, ' ');
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/** (state, failedCode) from any wire form of CallStateChanged, or null. */
export function readCallState(args) {
  const first = args[0];
  const [state, params] = Array.isArray(first) ? [first[0], first[1]] : [first, args[1]];
  if (typeof state !== 'string' || !STATES.has(state)) return null;
  let code = null;
  if (params && typeof params === 'object' && !Array.isArray(params)) {
    const raw = params.failedCode;
    if (typeof raw === 'number' && Number.isFinite(raw)) code = String(raw);
    else if (typeof raw === 'string' && raw.trim()) code = clip(raw.trim());
    else if (raw !== undefined && raw !== null && raw !== '') code = clip(JSON.stringify(raw) ?? '');
  }
  return { state, code };
}

export class FallbackView {
  constructor(document, catalogue) {
    this.catalogue = catalogue;
    this.lang = 'en';
    this.root = document.getElementById('quick');
    this.state = document.getElementById('quick-state');
    this.code = document.getElementById('quick-code');
    this.reason = document.getElementById('quick-reason');
    this.notice = document.getElementById('quick-notice');
    this.progress = document.getElementById('quick-progress');
    this.log = document.getElementById('quick-log');
    this.connected = false;
    this.rang = false;
    this.ended = false;
  }

  setLang(lang) {
    const key = String(lang || '').trim().toLowerCase().slice(0, 5);
    const alias = Object.hasOwn(this.catalogue.aliases, key) ? this.catalogue.aliases[key] : key;
    this.lang = this.catalogue.languages.includes(alias) ? alias : 'en';
    document.documentElement.lang = this.lang;
  }

  word(key) {
    const strings = this.catalogue.strings;
    return (strings[this.lang] && strings[this.lang][key]) || strings.en[key];
  }

  explain(code) {
    const { codes, classes, unrecognised } = this.catalogue;
    const key = code.toUpperCase();
    if (codes[key]) return [`${key} · ${codes[key][this.lang][0]}`, ...codes[key][this.lang].slice(1)];
    if (SIP_CODE.test(key)) {
      const [label, reason, next] = classes[key[0]][this.lang];
      return [`${key} · ${label}`, reason.replace('{code}', key), next];
    }
    const [label, reason, next] = unrecognised[this.lang];
    return [`${label}: ${code}`, reason, next];
  }

  /** One line per state, so that nothing is missing if Python never comes. */
  note(state, code, at) {
    const item = document.createElement('li');
    const time = document.createElement('time');
    const what = document.createElement('span');
    time.textContent = new Date(at).toLocaleTimeString([], { hour12: false });
    const label = code && state === 'idle' && code !== '200' ? ` — ${this.explain(code)[0]}` : '';
    what.textContent = `${this.word(`state.${state}`)}${label}`;
    item.append(time, what);
    this.log.append(item);
    while (this.log.childElementCount > MAX_LOG) this.log.firstElementChild.remove();
  }

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
    else if (state === 'idle' && !code && this.rang && !this.connected) lines = this.catalogue.notReported[this.lang];
    this.code.hidden = !lines;
    this.reason.hidden = !lines;
    if (lines) {
      this.code.textContent = lines[0];
      this.reason.textContent = `${lines[1]} ${this.word('next_step')}: ${lines[2]}`;
    }
  }

  say(key, detail) {
    this.notice.textContent = this.word(key) + (detail ? ` (${clip(detail, 200)})` : '');
  }

  step(done, total) {
    this.progress.max = total;
    this.progress.value = done;
  }

  handOver() {
    this.root.hidden = true;
  }

  failed(detail) {
    this.root.hidden = false;
    this.progress.hidden = true;
    this.say('engine.failed', detail);
  }
}
