// @ts-check
/**
 * "Copy for support": puts Python's plain-text summary of the call
 * (placement_app/card/support.py) on the clipboard.  The text is handed over
 * before the click, because a clipboard write needs the click's own moment.
 * A frame the portal did not allow the clipboard (no `allow="clipboard-write"`)
 * falls back to the older copy command, and if that fails too, the text is
 * shown selected for the operator to copy.  Text only, never markup; never
 * logged.
 */

/** The longest summary taken (200 entries of clipped text fit well inside). */
const MAX_SUMMARY = 100000;

export class SupportCopy {
  /**
   * @param {HTMLElement} holder the paragraph around the button (hidden until there is a summary)
   * @param {HTMLButtonElement} button
   */
  constructor(holder, button) {
    this.holder = holder;
    this.button = button;
    this.document = holder.ownerDocument;
    this.text = '';
    /** @type {Record<string, string>} */
    this.words = { copy: 'Copy for support', copied: 'Copied', copy_failed: 'Select the text and copy it' };
    /** @type {HTMLTextAreaElement | null} */
    this.shown = null;
    button.addEventListener('click', () => { this.copy(); });
  }

  /**
   * Python's newest summary and the button's words (a JSON object).
   *
   * @param {unknown} text
   * @param {unknown} words
   */
  update(text, words) {
    if (typeof text !== 'string') return;
    this.text = text.slice(0, MAX_SUMMARY);
    try {
      const parsed = JSON.parse(String(words));
      for (const key of Object.keys(this.words)) {
        if (typeof parsed?.[key] === 'string') this.words[key] = parsed[key].slice(0, 200);
      }
    } catch {
      // The English words stay.
    }
    if (this.button.dataset.copied !== 'yes') this.button.textContent = this.words.copy;
    if (this.shown) this.shown.value = this.text;
    this.holder.hidden = false;
  }

  /** On the clipboard, by the modern way, else the older one, else shown to copy by hand. */
  async copy() {
    const text = this.text;
    let copied;
    try {
      await navigator.clipboard.writeText(text);
      copied = true;
    } catch {
      copied = this.copyTheOldWay(text);
    }
    if (copied) {
      this.button.dataset.copied = 'yes';
      this.button.textContent = this.words.copied;
      setTimeout(() => {
        delete this.button.dataset.copied;
        this.button.textContent = this.words.copy;
      }, 3000);
    } else {
      this.showText(text);
    }
  }

  /** @param {string} text */
  copyTheOldWay(text) {
    const area = this.document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'copy-buffer';
    this.holder.append(area);
    area.select();
    let copied;
    try {
      copied = this.document.execCommand('copy');
    } catch {
      copied = false;
    }
    area.remove();
    this.button.focus();
    return copied;
  }

  /** @param {string} text */
  showText(text) {
    if (!this.shown) {
      const label = this.document.createElement('label');
      const area = this.document.createElement('textarea');
      area.readOnly = true;
      area.className = 'support-text';
      label.textContent = this.words.copy_failed;
      label.append(area);
      this.holder.append(label);
      this.shown = area;
    }
    this.shown.value = text;
    this.shown.focus();
    this.shown.select();
  }
}
