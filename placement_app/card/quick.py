"""The card's words as data, for the quick view the page draws before Python is live.

The page (``static/quick-view.js``) shows each call state the moment it arrives, while Python
starts, and keeps showing the call if Python never comes.  It holds none of the card's rules: it
looks its words up in the tables made here, out of the very functions Python's view draws with
(:mod:`.view`), so it can say less than Python's view (no durations, no lookup), never other
words.  Two places hand the tables to the page:

- the build exports one table per language with the built-in words (:func:`export`);
- the card has the page keep its portal's table, the admin's settings applied, whenever it
  reads them (:func:`words_key`), and the rows Python drew for the call (:class:`Rows`), so
  that a reloaded tab shows them at once.

What little the page still decides is by lookup in these tables: whether a state change is the
end of a call (an earlier state rang or talked), and whether it rang a whole
:data:`~placement_app.core.timeline.RANG_MS` first (a 486 then takes 603's words,
:data:`~placement_app.core.codes.AFTER_RINGING`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..core import codes, i18n
from ..core.events import CallState
from ..core.settings import DEFAULTS, Settings
from ..core.timeline import MAX_ENTRIES, RANG_MS, SUCCESS_CODES, StateSpan, Timeline
from .replay import PREFIX
from .view import (
    CardView,
    code_line,
    failure_words,
    span_word,
    status_word,
    step_words,
)

#: Raised when the tables' shape changes, so that a page never reads a table it does not know.
VERSION = 1
#: A failure code the quick view may show as it came: printable ASCII without a space at either
#: end, at most 120 characters.  Python's reading of a code (``events.normalise_failed_code``:
#: stripped, cut at 120, unprintable characters as spaces) leaves such a text as it is, so the page
#: shows the same code as Python without knowing those rules; any other value it leaves to Python.
PLAIN_CODE = r"[!-~](?:[ -~]{0,118}[!-~])?"
#: A code the card explains by its class when it does not list it.  Both patterns match a whole
#: text (the page anchors them).
SIP_CODE = codes.SIP_CODE.pattern
#: What fills in a code in a class's or the unrecognised code's words.
CODE = "{code}"

#: Where the page keeps a call's rows as Python drew them (:func:`shown`), by call id, and a
#: portal's table for each ``LANG`` (:func:`words_key`).
SHOWN_PREFIX = PREFIX + "shown:"
WORDS_PREFIX = PREFIX + "words:"
#: The rows are kept at most this often (the rest waits for the card's next tick).
KEEP_EVERY_MS = 1000

#: One code explained: label, row detail (``486 · Busy``), the failure box's heading (``Code 486``),
#: reason, the next-step line, and its tone: ``answered`` (a success code), ``expected`` (an outcome
#: the admin expects), else the code's kind (``known``, ``class``, ``unrecognised``).
Entry = list[str]


def _entry(code: str, lang: str, settings: Settings, rang: bool) -> Entry:
    """A code's words as Python's view draws them (``view.failure_words``, ``view.code_line``)."""
    info, heading = code_line(code, lang, settings, rang)
    box_heading, reason, next_line = failure_words(info, heading, lang)
    tone = ("answered" if code in SUCCESS_CODES else "expected" if settings.is_expected(code)
            else info.kind.value)
    return [info.label, heading, box_heading, reason, next_line, tone]


def _template(info: codes.CodeInfo, lang: str) -> Entry:
    """A class's or the unrecognised code's words with :data:`CODE` where the code goes."""
    heading_key = "code.heading_unrecognised" if info.kind is codes.CodeKind.UNRECOGNISED else "code.heading"
    heading = i18n.text(heading_key, lang, code=CODE, label=info.label)
    box_heading, reason, next_line = failure_words(replace(info, code=CODE), heading, lang)
    return [info.label, heading, box_heading, reason, next_line, info.kind.value]


def table(lang: str, settings: Settings = DEFAULTS) -> dict[str, Any]:
    """Every word the quick view draws, in ``lang`` (one of :data:`i18n.LANGUAGES`), with the
    admin's ``settings`` applied: their own words for codes, their clock."""
    known = dict.fromkeys((*codes.CODES, *(item.code for item in settings.overrides)))
    coded: dict[str, list[Entry]] = {}
    for code in known:
        plain, after = _entry(code, lang, settings, False), _entry(code, lang, settings, True)
        coded[code] = [plain] if after == plain else [plain, after]
    since_open = {state.value: step_words(StateSpan(state, 0.0, since_open=True), False, lang)
                  for state in CallState}
    waiting, ended = (span_word(StateSpan(CallState.IDLE, 0.0), after, lang) for after in (False, True))
    not_reported = codes.not_reported(lang)
    return {
        "version": VERSION,
        "lang": lang,
        "tag": i18n.locale_tag(lang),
        "time": i18n.time_options(settings.hour12),
        "words": {
            "title": i18n.text("title", lang),
            "waiting": waiting,
            "ended": ended,
            "answered": i18n.text("outcome.answered", lang),
            "connecting": status_word(_live(CallState.CONNECTING), lang),
            "connected": status_word(_live(CallState.CONNECTED), lang),
            **{key: i18n.text(f"engine.{key}", lang) for key in ("loading", "failed", "drawing_lost")},
            "no_frame": i18n.text("no_frame", lang),
        },
        "since_open": since_open,
        "codes": coded,
        "classes": {digit: _template(codes.CodeInfo(CODE, codes.CodeKind.CLASS, *words[lang]), lang)
                    for digit, words in codes.CLASSES.items()},
        "unrecognised": _template(codes.describe("?", lang), lang),
        "not_reported": list(failure_words(not_reported, not_reported.label, lang)),
        "dropped": i18n.STRINGS[i18n.resolve_language(lang)]["engine.early_dropped"].split(i18n.FORMS),
        "plural": i18n.plural_table(lang),
    }


def _live(state: CallState) -> Timeline:
    return Timeline(call_state=state, entries=(StateSpan(state, 0.0),))


def words_key(lang: str | None) -> str:
    """Where the card stores its portal's table for the quick view: by the ``LANG`` the portal gave,
    as it came (each user has their own).  Not by portal: a build serves one portal (its address
    is in the site's CSP, see ``serving.py``), and storage is the site's own."""
    return f"{WORDS_PREFIX}{lang or ''}"


def export() -> dict[str, Any]:
    """What the build hands the page for the quick view: the built-in tables, how a ``LANG``
    picks one (``i18n.resolve_language``: its first five letters, lower case, then an alias),
    and the shapes and the threshold the page looks codes and ringing up with."""
    for lang in i18n.LANGUAGES:
        i18n.check_plural_table(lang)
    return {
        "version": VERSION,
        "tables": {lang: table(lang) for lang in i18n.LANGUAGES},
        "defaultLanguage": i18n.DEFAULT_LANGUAGE,
        "aliases": i18n.ALIASES,
        "states": [state.value for state in CallState],
        "plainCode": PLAIN_CODE,
        "sipCode": SIP_CODE,
        "rangMs": RANG_MS,
        "maxRows": MAX_ENTRIES,
        "plural": {"listed": i18n.PLURAL_LISTED, "repeat": i18n.PLURAL_REPEAT},
        "storage": {"shown": SHOWN_PREFIX, "words": WORDS_PREFIX},
    }


def shown(view: CardView, timeline: Timeline) -> dict[str, Any]:
    """The call as Python's view draws it, kept by the page: the quick view of a reloaded tab
    shows these rows at once (only those the view shows), then adds what arrives.  Read from what
    the view drew; only a failed call's box is worded here (the quick view shows no other box)."""
    headline, rows = view.drawn()
    words = failure_words_for(timeline, view.lang, view.settings)
    state = timeline.call_state
    after_call = any(isinstance(entry, StateSpan) and entry.call_state is not CallState.IDLE
                     for entry in timeline.entries)
    return {
        "headline": headline,
        "box": list(words) if words else None,
        "rows": rows,
        "state": state.value if state else None,
        "after_call": after_call,
        "answered": timeline.connected_at is not None and timeline.ended_at is None,
        "ringing_at": timeline.ringing_at if state is CallState.CONNECTING else None,
    }


def failure_words_for(timeline: Timeline, lang: str | None,
                      settings: Settings) -> tuple[str, str, str] | None:
    """The failure box's words (heading, reason, next-step line) of a failed call, as the view
    draws them; ``None`` for any other call (the quick view shows no box then)."""
    code = timeline.failed_code
    if timeline.outcome.value != "failed" or not code:
        return None
    info, heading = code_line(code, lang, settings, timeline.rang)
    return failure_words(info, heading, lang)


class Rows:
    """The rows as Python's view drew them, handed to the page to keep for the call's next page (its
    quick view): when they changed, at most every :data:`KEEP_EVERY_MS` (a burst waits for the
    card's next tick).  Python never reads them back: a reloaded card replays the call's event log."""

    def __init__(self) -> None:
        self.kept_at = float("-inf")
        self.kept: str | None = None

    def offer(self, keep: Callable[[str, str], None], view: CardView, timeline: Timeline, now: float) -> None:
        """Have the page keep the rows (``keep(key, value)``) if they changed and it is time."""
        call_id = timeline.call_id
        if call_id is None or now - self.kept_at < KEEP_EVERY_MS:
            return
        rows = shown(view, timeline)
        text = json.dumps({"call_id": call_id, **rows}, ensure_ascii=False)
        if text != self.kept:
            self.kept, self.kept_at = text, now
            keep(SHOWN_PREFIX + call_id, text)
