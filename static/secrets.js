// @ts-check
/**
 * The portal's secrets, hidden before anything from the frame is shown,
 * forwarded or kept.  The same rule as Python's (placement_app.core.untrusted
 * redact and redact_text): the value of every key named here, in any case and
 * at any depth, and the value after such a key inside a text.
 * tests/unit/test_secret_keys.py holds this list to Python's SECRET_KEYS.
 */

export const SECRET_KEYS = ['app_sid', 'auth', 'auth_id', 'access_token', 'member_id', 'refresh_id', 'refresh_token'];
/** What stands where a secret was, as in Python. */
export const HIDDEN = '(hidden)';
/** How deep `redact` looks; deeper values are replaced whole, as in Python. */
const MAX_DEPTH = 20;
const KEYS = new Set(SECRET_KEYS);
const QUOTE = String.raw`(?:\\?["'])?`;
const IN_TEXT = new RegExp(
  String.raw`(${QUOTE}(?:${[...SECRET_KEYS].sort().join('|')})${QUOTE}\s*[:=]\s*${QUOTE})[^"'&,;}\s\\]*`,
  'gi',
);

/**
 * `text` with the value after every secret key hidden (JSON, a query string...).
 *
 * @param {string} text
 */
export function redactText(text) {
  return text.replace(IN_TEXT, (_match, key) => `${key}${HIDDEN}`);
}

/**
 * `value` (what came from the frame, a JSON value) with every secret hidden.
 *
 * @param {unknown} value
 * @param {number} [depth]
 * @returns {unknown}
 */
export function redact(value, depth = 0) {
  if (depth > MAX_DEPTH) return HIDDEN;
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => (
      [key, KEYS.has(key.toLowerCase()) ? HIDDEN : redact(item, depth + 1)])));
  }
  return value;
}
