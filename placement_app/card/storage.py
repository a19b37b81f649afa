"""The call's timeline kept across reloads of the tab, per ``CALL_ID``.

Only the timeline is stored (states, times, codes, notices): never the init
data, so never an auth token.  What is read back is untrusted (another
version of the app, a full disk, a curious user): it is validated field by
field and anything odd means "start fresh", never a crash.  The storage
itself may be missing, disabled or full; every failure is absorbed here.

Beside the saved copies are the pages' journals (:class:`Journal`): the
events a page had not seen saved when it was hidden or went, which the next
card of the call replays over the saved copy.  The page writes them, with
every secret hidden; they are read with the same distrust.
"""

from __future__ import annotations

import errno
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from ..core.events import (
    BEFORE_CLOSE,
    CALL_STATE_CHANGED,
    CARD_OPENED,
    DONE_PRESSED,
    ENTITY_CHANGED,
    CallState,
    LookupFailure,
)
from ..core.timeline import (
    MAX_ENTRIES,
    Client,
    Entry,
    Lookup,
    LookupState,
    Notice,
    NoticeKind,
    StateSpan,
    Timeline,
)
from ..core.untrusted import MAX_TEXT, clip, describe_error
from .keep_open import KeepOpen

VERSION = 1
PREFIX = f"call-timeline:v{VERSION}:"
INDEX_KEY = PREFIX + "calls"
#: How many calls are kept; the oldest is forgotten first.
MAX_CALLS = 20
#: Where a page keeps the events not yet saved when it is hidden or goes (see :class:`Journal`).
JOURNAL_PREFIX = PREFIX + "journal:"
#: A call's saved copy, by its call id (also read by the quick view: its ``shown`` rows).
CALL_PREFIX = PREFIX + "call:"
#: The quick view's table of words for a portal ``LANG`` (:func:`.quick.words_key`).
WORDS_PREFIX = PREFIX + "words:"
#: What a journal may hold: the page's bound, its own size limit per event, and only these kinds
#: (the init data among them, its token hidden by the page: a replay needs none).
MAX_JOURNAL_EVENTS = 2000
MAX_JOURNAL_PAYLOAD = 65536
JOURNAL_KINDS = frozenset({CALL_STATE_CHANGED, ENTITY_CHANGED, BEFORE_CLOSE, DONE_PRESSED, CARD_OPENED})
#: A journal older than this is forgotten unread: its card is long gone.
MAX_JOURNAL_AGE_MS = 24 * 3600 * 1000


class Backend(Protocol):
    """What a Web Storage object offers (``localStorage`` in the browser).

    A write that does not fit raises an :class:`OSError` whose ``errno`` is
    ``ENOSPC``, as the worker's copy of the page's storage does
    (``browser.mirror.StorageFull``): then, and only then, :meth:`Store.save`
    makes room by forgetting older calls.
    """

    def getItem(self, key: str) -> str | None: ...
    def setItem(self, key: str, value: str) -> None: ...
    def removeItem(self, key: str) -> None: ...


@runtime_checkable
class Listing(Protocol):
    """A backend that can list its keys (the worker's copy of the page's storage can)."""

    def keys(self) -> Iterable[str]: ...


class Invalid(ValueError):
    """A stored value that is not a timeline this version can trust."""


@dataclass(frozen=True)
class Journal:
    """Events a page of this call forwarded but did not see saved before it was hidden or went.

    The page writes it at once, itself (``static/shim.js``), under
    ``JOURNAL_PREFIX + page``: ``{"version", "call_id", "page", "written",
    "events": [[kind, payload, at], ...]}``, the payload being the JSON text
    of the event's arguments, its secrets already hidden.
    """

    key: str
    page: str
    written: float
    events: tuple[tuple[str, str, float], ...]


def loads_journal(key: str, text: str) -> tuple[str, Journal]:
    """The call id and the journal stored under ``key``; :class:`Invalid` if it is not one."""
    data = _stored_object(text)
    call_id, page, events = data.get("call_id"), data.get("page"), data.get("events")
    if not isinstance(call_id, str) or not call_id or not isinstance(page, str) \
            or key != JOURNAL_PREFIX + page:
        raise Invalid("call or page")
    if not isinstance(events, list) or len(events) > MAX_JOURNAL_EVENTS:
        raise Invalid("events")
    kept = []
    for event in events:
        if not isinstance(event, list) or len(event) != 3:
            raise Invalid("event")
        kind, payload, at = event
        if kind not in JOURNAL_KINDS or not isinstance(payload, str) or len(payload) > MAX_JOURNAL_PAYLOAD:
            raise Invalid("event kind or payload")
        kept.append((str(kind), payload, _number(at)))
    return call_id, Journal(key, page, _number(data.get("written")), tuple(kept))


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Invalid("not a finite number")
    return float(value)


def _optional_number(value: Any) -> float | None:
    return None if value is None else _number(value)


def _text(value: Any, limit: int = 2 * MAX_TEXT + 40) -> str:
    if not isinstance(value, str):
        raise Invalid("not text")
    return clip(value, limit)


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


#: The lookup's states by the text a saved copy holds for each: the enums' values.
_LOOKUPS: dict[str, LookupState | LookupFailure] = {member.value: member
                                                     for member in (*LookupState, *LookupFailure)}


def _lookup(value: Any) -> Lookup:
    if value is None or value == LookupState.PROBE:
        return None  # a probe that a reload cut short: the reloaded card asks again
    if isinstance(value, str) and value in _LOOKUPS:
        return _LOOKUPS[value]
    raise Invalid("lookup")


def _entry_to_dict(entry: Entry) -> dict[str, Any]:
    if isinstance(entry, StateSpan):
        return {"span": entry.call_state.value, "start": entry.started_at, "end": entry.ended_at,
                "code": entry.failed_code, "open": entry.since_open,
                "statistics": entry.code_from_statistics, **({"ends_call": True} if entry.ends_call else {})}
    return {"notice": entry.kind.value, "at": entry.at, "detail": entry.detail,
            **({"client": list(entry.client)} if entry.client is not None else {})}


def _entry_from_dict(data: Any) -> Entry:
    if not isinstance(data, dict):
        raise Invalid("entry is not an object")
    if "span" in data:
        return StateSpan(CallState(data["span"]), _number(data["start"]),
                         _optional_number(data["end"]), _optional_text(data["code"]),
                         data["open"] is True, data.get("statistics") is True, data.get("ends_call") is True)
    client = data.get("client")
    return Notice(_number(data["at"]), NoticeKind(data["notice"]), _text(data["detail"]),
                  None if client is None else _client(client))


def _client(client: Any) -> Client:
    """A stored client (number, CRM type, CRM id); :class:`Invalid` if it is anything else."""
    if not isinstance(client, list) or len(client) != 3:
        raise Invalid("client")
    entity_id = client[2]
    if entity_id is not None and (isinstance(entity_id, bool) or not isinstance(entity_id, int)):
        raise Invalid("client id")
    return (_optional_text(client[0]), _optional_text(client[1]), entity_id)


def dumps(timeline: Timeline, hold: KeepOpen | None = None, replayed: Sequence[str] = (),
          shown: Mapping[str, object] | None = None) -> str:
    """The timeline as versioned JSON, with the card's hold (see :mod:`.keep_open`) if given,
    the pages whose journals it holds (so that none is replayed twice), and the rows as the view
    drew them (``shown``, see :func:`.quick.shown`: what a reloaded tab's quick view shows at once;
    never read back here)."""
    client = list(timeline.client) if timeline.client else None
    held = None if hold is None else {"since": hold.since, "renewed_at": hold.renewed_at,
                                      "released": hold.released}
    return json.dumps({
        "version": VERSION,
        "call_id": timeline.call_id,
        "entries": [_entry_to_dict(entry) for entry in timeline.entries],
        "dropped": timeline.dropped,
        "lang": timeline.lang,
        "ringing_at": timeline.ringing_at,
        "connected_at": timeline.connected_at,
        "ended_at": timeline.ended_at,
        "failed_code": timeline.failed_code,
        "joined_late": timeline.joined_late,
        "client": client,
        "closing": timeline.closing,
        "call_state": timeline.call_state.value if timeline.call_state else None,
        "state_since": timeline.state_since,
        "failure_reason": timeline.failure_reason,
        "code_from_statistics": timeline.code_from_statistics,
        "lookup": timeline.lookup,
        "lost": timeline.lost,
        "external": timeline.external,
        "hold": held,
        **({"replayed": list(replayed)} if replayed else {}),
        **({"shown": shown} if shown is not None else {}),
    }, ensure_ascii=False, separators=(",", ":"))


def loads_hold(text: str) -> KeepOpen:
    """The hold kept with a timeline; no hold when there is none or it is not trusted.

    The time of the last renewal is not restored: a reloaded card is a new
    frame, so it renews the hold at once rather than trusting the old one.
    """
    try:
        data = json.loads(text)
        held = data["hold"] if isinstance(data, dict) else None
        if not isinstance(held, dict):
            return KeepOpen()
        return KeepOpen(since=_optional_number(held.get("since")), released=held.get("released") is True)
    except (ValueError, RecursionError, KeyError, Invalid):
        return KeepOpen()


def _stored_object(text: str) -> dict[str, Any]:
    """What this app stored, as a JSON object of this version; :class:`Invalid` otherwise."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise Invalid("not JSON") from error
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise Invalid("another version")
    return data


def loads(text: str, call_id: str) -> Timeline:
    """The timeline stored for ``call_id``; :class:`Invalid` if it is anything else."""
    data = _stored_object(text)
    if data.get("call_id") != call_id:
        raise Invalid("another call")
    entries = data.get("entries")
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        raise Invalid("entries")
    client = data.get("client")
    if client is not None:
        client = _client(client)
    dropped = data.get("dropped")
    if isinstance(dropped, bool) or not isinstance(dropped, int) or dropped < 0:
        raise Invalid("dropped")
    lost = data.get("lost", 0)  # not in copies saved before events could be dropped
    if isinstance(lost, bool) or not isinstance(lost, int) or lost < 0:
        raise Invalid("lost")
    try:
        return Timeline(
            entries=tuple(_entry_from_dict(entry) for entry in entries),
            dropped=dropped,
            call_id=call_id,
            lang=_optional_text(data.get("lang")),
            ringing_at=_optional_number(data.get("ringing_at")),
            connected_at=_optional_number(data.get("connected_at")),
            ended_at=_optional_number(data.get("ended_at")),
            failed_code=_optional_text(data.get("failed_code")),
            joined_late=data.get("joined_late") is True,
            client=client,
            closing=data.get("closing") is True,
            call_state=None if data.get("call_state") is None else CallState(data["call_state"]),
            state_since=_optional_number(data.get("state_since")),
            failure_reason=_optional_text(data.get("failure_reason")),
            code_from_statistics=data.get("code_from_statistics") is True,
            lookup=_lookup(data.get("lookup")),
            lost=lost,
            external=data.get("external") is True,
        )
    except (KeyError, TypeError) as error:
        raise Invalid(type(error).__name__) from error
    except ValueError as error:  # an unknown enum value
        raise Invalid(str(error)) from error


class Store:
    """Saves and restores timelines; a broken backend just means no memory."""

    def __init__(self, backend: Backend | None, warn: Callable[[str], None] = lambda message: None):
        self.backend = backend
        self.warn = warn

    def _index(self) -> list[str]:
        try:
            calls = json.loads(self.backend.getItem(INDEX_KEY) or "[]") if self.backend else []
        except Exception:
            return []
        return [call for call in calls if isinstance(call, str)] if isinstance(calls, list) else []

    def load(self, call_id: str) -> Timeline | None:
        """The stored timeline of ``call_id``, or ``None`` (nothing stored, or not trusted)."""
        if self.backend is None:
            return None
        try:
            text = self.backend.getItem(CALL_PREFIX + call_id)
        except Exception as error:
            self.warn(f"Call Timeline: cannot read the saved timeline ({describe_error(error)})")
            return None
        if text is None:
            return None
        try:
            return loads(str(text), call_id)
        except Invalid as error:
            self.warn(f"Call Timeline: the saved timeline was not used ({error})")
            return None

    def load_hold(self, call_id: str) -> KeepOpen:
        """The hold kept with the timeline of ``call_id`` (see :func:`loads_hold`)."""
        try:
            text = self.backend.getItem(CALL_PREFIX + call_id) if self.backend else None
        except Exception:
            return KeepOpen()
        return loads_hold(str(text)) if text is not None else KeepOpen()

    def load_replayed(self, call_id: str) -> tuple[str, ...]:
        """The pages whose journals the saved copy of ``call_id`` already holds."""
        try:
            text = self.backend.getItem(CALL_PREFIX + call_id) if self.backend else None
            data = json.loads(str(text)) if text is not None else None
        except Exception:
            return ()
        pages = data.get("replayed") if isinstance(data, dict) else None
        return tuple(page for page in pages if isinstance(page, str)) if isinstance(pages, list) else ()

    def journals(self, call_id: str, now: float, skip: Sequence[str] = ()) -> list[Journal]:
        """The journals of ``call_id`` not yet replayed, oldest first.

        Unreadable journals, and any older than :data:`MAX_JOURNAL_AGE_MS`,
        are forgotten on the way; those already replayed (``skip``) too.
        """
        if not isinstance(self.backend, Listing):
            return []
        found: list[Journal] = []
        stale: list[str] = []
        for key in [key for key in self.backend.keys() if key.startswith(JOURNAL_PREFIX)]:
            try:
                owner, journal = loads_journal(key, str(self.backend.getItem(key)))
            except Invalid as error:
                self.warn(f"Call Timeline: a journal of unsaved events was not used ({error})")
                stale.append(key)
                continue
            if journal.page in skip or now - journal.written > MAX_JOURNAL_AGE_MS:
                stale.append(key)
            elif clip(owner.strip()) == call_id:  # the call id as the card reads it (events.py)
                found.append(journal)
        self.forget(stale)
        return sorted(found, key=lambda journal: journal.events[0][2] if journal.events else journal.written)

    def keep_words(self, key: str, table: Mapping[str, object]) -> None:
        """Keep the quick view's table under ``key`` (:func:`.quick.words_key`) if it changed.

        Python never reads it back, so a refusal (storage full or disabled) only means that the
        next card's quick view speaks with the built-in words until Python is live.
        """
        if self.backend is None:
            return
        text = json.dumps(table, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        try:
            if self.backend.getItem(key) != text:
                self.backend.setItem(key, text)
        except Exception as error:
            self.warn(f"Call Timeline: cannot keep the quick view's words ({describe_error(error)})")

    def forget(self, keys: Iterable[str]) -> None:
        """Remove ``keys`` (journals replayed or stale); a refusal only leaves them for later."""
        for key in keys:
            try:
                if self.backend is not None:
                    self.backend.removeItem(key)
            except Exception as error:
                self.warn(f"Call Timeline: cannot remove {key!r} ({describe_error(error)})")

    def save(self, timeline: Timeline, hold: KeepOpen | None = None, replayed: Sequence[str] = (),
             shown: Mapping[str, object] | None = None) -> bool:
        """Keep ``timeline`` and the card's hold under its call id (with the rows as the view drew
        them, for the quick view); forget the oldest calls if need be.

        ``False`` when it is not kept (the storage is full even of this call
        alone, or refuses writes): the card goes on without a saved copy.
        """
        if self.backend is None or not timeline.call_id:
            return False
        calls = [call for call in self._index() if call != timeline.call_id] + [timeline.call_id]
        forgotten, calls = calls[:-MAX_CALLS], calls[-MAX_CALLS:]
        text = dumps(timeline, hold, replayed, shown)
        while True:
            try:
                for call in forgotten:
                    self.backend.removeItem(CALL_PREFIX + call)
                forgotten = []
                self.backend.setItem(CALL_PREFIX + timeline.call_id, text)
                self.backend.setItem(INDEX_KEY, json.dumps(calls))
                return True
            except Exception as error:
                full = isinstance(error, OSError) and error.errno == errno.ENOSPC
                others = calls[:-1]
                if not full or not others:
                    why = "the storage is full" if full else "the storage refused it"
                    self.warn(f"Call Timeline: cannot save the timeline: {why} ({describe_error(error)})")
                    return False
                # Forget the older half of the other calls and try again.
                forgotten = others[: max(1, len(others) // 2)]
                calls = calls[len(forgotten):]
