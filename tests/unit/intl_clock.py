"""``Intl.DateTimeFormat`` under CPython, for tests: Node.js writes the times and days.

In the card, Python's worker writes every time with the browser's ``Intl``
(``placement_app.browser.bridge.intl_clock`` and ``intl_day``), which
CPython lacks.  This stand-in asks Node.js's ``Intl`` the very same
questions (the options of :func:`i18n.time_options`, :data:`i18n.DAY_OPTIONS`
and :func:`i18n.day_from_parts`), in a time zone the test names, so that a
test reads what the worker would write: the locale's custom, the admin's
forced 12 or 24 hours, the time zone's rules.  One ``node`` process serves
every test of a run.
"""

from __future__ import annotations

import atexit
import json
import subprocess
from typing import Any

from placement_app.core import i18n

# One request a line, one answer a line: {"tag", "options", "at", "parts"} -> a text, or the parts.
SCRIPT = r"""
const readline = require('node:readline');
const formats = new Map();
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const { tag, options, at, parts } = JSON.parse(line);
  const key = JSON.stringify([tag, options]);
  if (!formats.has(key)) formats.set(key, new Intl.DateTimeFormat(tag, options));
  let answer;
  try {
    const format = formats.get(key);
    answer = parts ? Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]))
      : format.format(at);
  } catch {
    answer = null;
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
});
"""

_node: subprocess.Popen[str] | None = None


def _ask(tag: str, options: dict[str, object], at: float, parts: bool = False) -> Any:
    global _node
    if _node is None:
        _node = subprocess.Popen(["node", "-e", SCRIPT], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 text=True, encoding="utf-8")
        atexit.register(_node.kill)
    assert _node.stdin is not None and _node.stdout is not None
    _node.stdin.write(json.dumps({"tag": tag, "options": options, "at": at, "parts": parts}) + "\n")
    _node.stdin.flush()
    return json.loads(_node.stdout.readline())


def clock(time_zone: str) -> i18n.ClockFormat:
    """Times as ``bridge.intl_clock(time_zone)`` writes them in the browser."""
    def write(epoch_ms: float, tag: str, hour12: bool | None) -> str:
        answer = _ask(tag, {**i18n.time_options(hour12), "timeZone": time_zone}, epoch_ms)
        return "—" if answer is None else str(answer)
    return write


def day(time_zone: str) -> i18n.DayFormat:
    """Days as ``bridge.intl_day(time_zone)`` writes them in the browser."""
    def write(epoch_ms: float) -> str:
        answer = _ask(i18n.DAY_LOCALE, {**i18n.DAY_OPTIONS, "timeZone": time_zone}, epoch_ms, parts=True)
        return "—" if answer is None else i18n.day_from_parts(answer)
    return write
