// @ts-check
/**
 * The portal's secrets, hidden before anything from the frame is shown,
 * forwarded or kept: the value of every secret key, in any case and at any
 * depth, and the value after such a key inside a text.  The rule is Python's
 * (placement_app.core.untrusted redact and redact_text); its keys, the words
 * that stand where a secret was and how deep it looks come from there too,
 * in the pages' protocol that the build exports (build.py page_protocol).
 */

/**
 * @typedef {{ keys: string[], hidden: string, maxDepth: number, inText: string }} SecretRule
 *   the secret keys (lower case), what stands where a secret was, how deep
 *   `redact` looks (deeper values are replaced whole), and a secret key with the
 *   value after it in a text (a pattern, read without regard to case)
 * @typedef {{ redact: (value: unknown) => unknown, redactText: (text: string) => string }} Redactor
 */

/** The shortest text under a secret key that is also hidden wherever else it appears. */
const MIN_TOKEN = 8;

/**
 * The rule, ready to apply.
 *
 * @param {SecretRule} rule
 * @returns {Redactor}
 */
export function createRedactor({ keys, hidden, maxDepth, inText: pattern }) {
  if (!keys.length) throw new TypeError('no secret keys: nothing would be hidden');
  const secret = new Set(keys.map((key) => key.toLowerCase()));
  const inText = new RegExp(pattern, 'gi');

  /**
   * `text` with the value after every secret key hidden (JSON, a query string...).
   *
   * @param {string} text
   */
  function redactText(text) {
    return text.replace(inText, (_match, key) => `${key}${hidden}`);
  }

  /**
   * The texts under secret keys in `value`, long enough to be a token: the page hides them
   * wherever else they appear too, for a portal (or a forged message) may echo a token in a
   * text no key names, and the page keeps what it is sent.
   *
   * @param {unknown} value
   * @param {Set<string>} found
   * @param {number} [depth]
   */
  function tokens(value, found, depth = 0) {
    if (depth > maxDepth || !value || typeof value !== 'object') return found;
    for (const [key, item] of Object.entries(value)) {
      if (typeof item === 'string' && item.length >= MIN_TOKEN && secret.has(key.toLowerCase())) found.add(item);
      else tokens(item, found, depth + 1);
    }
    return found;
  }

  /**
   * `value` (what came from the frame, a JSON value) with every secret hidden.
   *
   * @param {unknown} value
   * @param {Set<string>} known the tokens found in the whole value
   * @param {number} [depth]
   * @returns {unknown}
   */
  function redact(value, known, depth = 0) {
    if (depth > maxDepth) return hidden;
    if (typeof value === 'string') {
      let text = redactText(value);
      for (const token of known) text = text.split(token).join(hidden);
      return text;
    }
    if (Array.isArray(value)) return value.map((item) => redact(item, known, depth + 1));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => (
        [key, secret.has(key.toLowerCase()) ? hidden : redact(item, known, depth + 1)])));
    }
    return value;
  }

  return { redact: (value) => redact(value, tokens(value, new Set())), redactText };
}
