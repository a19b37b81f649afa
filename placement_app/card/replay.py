"""A call rebuilt after a reload, from its event log.

The timeline is a pure reducer over events, so the one record a call keeps across reloads is its
events: the page writes each one to the call's log the moment it arrives, synchronously
(``static/call-log.js``), and the next card of the call replays the log here.  No copy of the
timeline is saved, so there is no second writer to keep in step and nothing to confirm.  What
the card learns on its own (the call statistics' answer) goes into the same log, through the page
(:func:`learned`), so that the log alone rebuilds the card.

Beside the logs the page keeps one thing more, which no replay could give it: the rows as
Python's view drew them, for the quick view of the next page to show at once (``card.quick``).
Python never reads them back.

A log is read with distrust (another version of the app, a full disk, a curious user): an entry
that cannot be read is skipped, a log that cannot be read is no log.  Entries are
``[kind, payload, at, page]``: the event's name, its arguments as JSON with every secret hidden
(the init data's token too: a replay needs none), when it arrived, and the page that wrote it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass

from ..core.events import (
    CARD_OPENED,
    CardOpened,
    Event,
    EventsDropped,
    LookupFailure,
    StatisticsFound,
    StatisticsRequested,
    StatisticsUnavailable,
    call_id_of,
    parse_wire,
)
from ..core.settings import Settings
from ..core.timeline import Timeline, apply, resume
from ..core.untrusted import MAX_TEXT, clip
from . import keep_open
from .keep_open import KeepOpen

VERSION = 1
#: Every key the app keeps in the page's storage begins so (the logs, and what ``card.quick`` keeps).
PREFIX = f"call-timeline:v{VERSION}:"
#: Where the page keeps each call's log, by call id.
LOG_PREFIX = PREFIX + "log:"
#: The most entries a log keeps, and the most characters they hold (the oldest go first, never the
#: init data: :data:`KEEP`): a flood of large payloads must not cost every event a long write.
MAX_EVENTS = 2000
MAX_CHARS = 200_000
#: The longest payload an entry may have (the page's bound on what it forwards).
MAX_PAYLOAD = 65536
#: How many calls' logs the page keeps; the oldest written goes first.
MAX_CALLS = 20
#: Event kinds a log never drops.
KEEP = (CARD_OPENED,)
#: The longest portal's reason for a failure a log gives back.
MAX_REASON = 500
#: The kinds under which the card's own findings are logged (:func:`learned`).
REQUESTED = "card:statistics-requested"
FOUND = "card:statistics-found"
UNAVAILABLE = "card:statistics-unavailable"


@dataclass(frozen=True)
class Entry:
    kind: str
    payload: str
    at: float
    page: str


@dataclass(frozen=True)
class Log:
    call_id: str
    entries: tuple[Entry, ...]
    #: Entries the page dropped to keep the log within :data:`MAX_EVENTS`.
    dropped: int = 0


def read(text: object, call_id: str) -> Log | None:
    """The log of ``call_id`` from what the page kept, or ``None`` when there is none to trust."""
    try:
        data = json.loads(text) if isinstance(text, str) else None
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return None
    if call_id_of(data.get("call_id")) != call_id:
        return None
    items, dropped = data.get("events"), data.get("dropped", 0)
    if not isinstance(items, list) or type(dropped) is not int or dropped < 0:
        return None
    entries = [entry for entry in map(_entry, items[-MAX_EVENTS:]) if entry is not None]
    return Log(call_id, tuple(entries), dropped + max(0, len(items) - MAX_EVENTS))


def _entry(item: object) -> Entry | None:
    if not isinstance(item, list) or len(item) != 4:
        return None
    kind, payload, at, page = item
    if (not isinstance(kind, str) or not isinstance(payload, str) or len(payload) > MAX_PAYLOAD
            or not isinstance(page, str) or isinstance(at, bool) or not isinstance(at, int | float)
            or not math.isfinite(at) or at < 0):
        return None
    return Entry(clip(kind, MAX_TEXT), payload, float(at), clip(page, MAX_TEXT))


def learned(event: Event) -> tuple[str, str] | None:
    """How the log keeps an event the card made itself: its kind and payload, or ``None`` for an
    event of the portal's (the page logged it).  A lookup asked for but not answered before a
    reload is asked again by the next card."""
    if isinstance(event, StatisticsRequested):
        return REQUESTED, json.dumps([{"probe": event.probe}])
    if isinstance(event, StatisticsFound):
        found = {"failed_code": event.failed_code, "reason": event.reason}
        return FOUND, json.dumps([found], ensure_ascii=False)
    if isinstance(event, StatisticsUnavailable):
        return UNAVAILABLE, json.dumps([{"why": str(event.why)}])
    return None


def parse(entry: Entry) -> Event:
    """The event an entry holds: one of the card's own findings, or the portal's as the page forwarded it."""
    args = _args(entry.payload) if entry.kind in (REQUESTED, FOUND, UNAVAILABLE) else None
    if entry.kind == REQUESTED and args is not None:
        return StatisticsRequested(entry.at, probe=args.get("probe") is True)
    if entry.kind == FOUND and args is not None:
        code, reason = args.get("failed_code"), args.get("reason")
        if isinstance(code, str) and code and (reason is None or isinstance(reason, str)):
            said = None if reason is None else clip(reason, MAX_REASON)
            return StatisticsFound(entry.at, clip(code, MAX_TEXT), said)
    why = args.get("why") if entry.kind == UNAVAILABLE and args is not None else None
    if why in {failure.value for failure in LookupFailure}:
        return StatisticsUnavailable(entry.at, LookupFailure(why))
    return parse_wire(entry.kind, entry.payload, entry.at, now=entry.at)


def _args(payload: str) -> Mapping[str, object] | None:
    try:
        value = json.loads(payload)
    except (ValueError, RecursionError):
        return None
    first = value[0] if isinstance(value, list) and value else None
    return first if isinstance(first, dict) else None


def pages(log: Log, page: str) -> list[list[Event]]:
    """The events of every other page of the call, page by page in the order they began."""
    order: dict[str, list[Event]] = {}
    for entry in log.entries:
        if entry.page != page:
            order.setdefault(entry.page, []).append(parse(entry))
    return list(order.values())


def rebuild(log: Log, page: str, settings: Settings,
            can_look_up: bool) -> tuple[Timeline, KeepOpen] | None:
    """The call and the card's hold as the other pages of it left them, or ``None`` when no other
    page logged anything.

    Each event is taken as the card took it live (a close attempt while held is marked so,
    ``keep_open.marked``), and the hold steps at the event's own moment, so that the admin's time
    limit runs on from the end, not from the reload.  Each page after the first took the call up
    where the one before left it (``resume``: its own events from before the init data, then the
    state it reopened in if none said it).  The entries the log dropped are shown as dropped.
    """
    segments = pages(log, page)
    if not segments:
        return None
    timeline, keep = Timeline(call_id=log.call_id), KeepOpen()
    for index, events in enumerate(segments):
        opening = next((n for n, event in enumerate(events)
                        if isinstance(event, CardOpened) and event.call_id), None)
        if index and opening is not None:
            opened = events[opening]
            assert isinstance(opened, CardOpened)
            timeline = resume(timeline, opened, events[:opening])
            events = events[opening + 1:]
        for event in events:
            event = keep_open.marked(event, keep)
            timeline = apply(timeline, event)
            keep = keep_open.step(keep, settings, timeline, event.at, event, can_look_up)[0]
    if log.dropped:
        timeline = apply(timeline, EventsDropped(min(entry.at for entry in log.entries), log.dropped))
    return timeline, keep


def export() -> dict[str, object]:
    """What the page needs to write the logs as this module reads them."""
    return {"prefix": LOG_PREFIX, "maxEvents": MAX_EVENTS, "maxChars": MAX_CHARS, "maxCalls": MAX_CALLS,
            "keep": list(KEEP),
            "maxPayload": MAX_PAYLOAD, "version": VERSION, "storagePrefix": PREFIX}


def logs(boot: Mapping[str, object]) -> dict[str, str]:
    """The logs the page handed the worker at start (``logs`` in its boot data), by call id as the
    card keeps it (the page names a log by the portal's value as it came: ``events.call_id_of``)."""
    found = boot.get("logs")
    if not isinstance(found, dict):
        return {}
    kept: dict[str, str] = {}
    for key, value in found.items():
        call_id = call_id_of(key)
        if call_id is not None and isinstance(value, str):
            kept[call_id] = value
    return kept
