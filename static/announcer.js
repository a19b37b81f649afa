// @ts-check
/**
 * The card's one live region (#announce, polite): a screen reader hears the
 * call's state changes and its outcome there, and nothing else.  The timers
 * tick four times a second, so they live outside any live region; a text
 * that is already there is not written again (a rewrite would be read again).
 */

export class Announcer {
  /** @param {HTMLElement} element the live region */
  constructor(element) {
    this.element = element;
    /** Python has spoken: from then on the quick view stays quiet. */
    this.fromPython = false;
  }

  /**
   * Say `text` unless it is already what the region holds.
   *
   * @param {unknown} text
   */
  say(text) {
    const words = typeof text === 'string' ? text.slice(0, 500) : '';
    if (words && this.element.textContent !== words) this.element.textContent = words;
  }

  /** @param {unknown} text Python's announcement (placement_app/card/announce.py) */
  fromEngine(text) {
    this.fromPython = true;
    this.say(text);
  }

  /**
   * What the quick view shows, said while Python has not spoken yet: its state, and its code line.
   *
   * @param {string} state the quick view's state line
   * @param {string} code its code line, or '' when it shows none
   */
  fromQuickView(state, code) {
    if (this.fromPython) return;
    this.say(code ? `${state}. ${code}` : state);
  }
}
