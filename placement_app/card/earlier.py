"""The card's "Earlier" line: this client's number's recent calls, from the portal's call statistics.

An operator calling a client back needs to know what happened before: the
third busy signal today, a number that never answers.  The portal keeps
every call's record (``voximplant.statistic.get``); this module asks for the
calls of the number the card shows (once per number), reads the reply with
distrust, and says them in one compact line in the card's words.  It is a
conversation of its own (one request per number, in the background, never on
the start-up path) and leaves the
timeline alone: whatever it learns or fails to learn, nothing else on the
card changes.

How the portal stores the number, and so how it is asked for: a record's
``PHONE_NUMBER`` is the number as the telephony handed it to the history
(``CVoxImplantHistory::Add`` in ``vi_history.php`` copies it unchanged), and
the two sources differ: the method's page in Bitrix24's REST docs shows
``+79638835976`` for a call through Bitrix24's own telephony and
``79062195047`` for one a PBX registered, while the portal's
``CVoxImplantPhone::Normalize`` (``vi_phone.php``) strips the ``+`` where it
is applied.  A ``FILTER`` key without an operator is an exact match
(``checkStatisticFilter`` in ``classes/general/vi_rest.php`` makes it
``=``), so one spelling would miss the other's records.  The card asks with
``%`` (the ORM's substring match, which that method allows) on the number's
digits, and keeps only records whose digits are exactly the number's: both
spellings, one request.  ``start=-1`` asks for the first 50 without the
portal counting every match (``getNavData`` in the ``rest`` module's
``IRestService``).

The portal silently limits some users to their own calls (the same
method adds ``PORTAL_USER_ID`` to the filter for them), so the line speaks
of "calls you can see", never of all calls.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from ..core import codes, i18n
from ..core.events import LookupFailure, normalise_failed_code
from ..core.settings import Settings
from ..core.timeline import SUCCESS_CODES, LookupState, Timeline, needs_lookup
from ..core.untrusted import describe_error
from ..portal import client
from ..portal.client import Failed, FailureKind, Ok
from . import statistics
from .lookup import Turns
from .page import Page

METHOD = statistics.METHOD
#: The end-of-call lookup's states that the line lets go first (both count against one limit).
WAITING_FOR = (LookupState.PENDING, LookupState.PROBE)
DAY_MS = 86_400_000
#: The fewest digits a number needs for the line: a substring match on fewer would match
#: too many other numbers to leave this one's calls among the 50 answered.
MIN_DIGITS = 3
#: Records read from the one reply (a page of ``voximplant.statistic.get``).
MAX_RECORDS = 50
#: Outcome groups the line names (over all days) before it counts the rest (``earlier.more``).
MAX_GROUPS = 4
#: Times listed for one group of today's calls (``10:02, 10:15``) before an ellipsis.
MAX_TIMES = 3
#: The longest call duration a record may give (s): more is not a call's.
MAX_DURATION_S = 7 * 86_400
#: A record's start may be this far ahead of the card's clock (clocks differ) and still count.
CLOCK_SLACK_MS = 5 * 60_000


def digits(number: str | None) -> str | None:
    """The number's digits, as a record's are compared; ``None`` when the card does not know it.

    The portal says ``hidden`` for a number it hides from this user and
    leaves the field out when it is unknown (``unknown`` is seen too).
    """
    if number is None or number.strip().lower() in ("", "hidden", "unknown"):
        return None
    found = "".join(char for char in number if char.isascii() and char.isdigit())
    return found if len(found) >= MIN_DIGITS else None


def params(number_digits: str, own_call_id: str, since_ms: float) -> dict[str, object]:
    """One request: the number's calls since ``since_ms``, newest first, without the card's own."""
    since = datetime.fromtimestamp(since_ms / 1000, tz=UTC).isoformat(timespec="seconds")
    return {
        "FILTER": {"%PHONE_NUMBER": number_digits, ">=CALL_START_DATE": since, "!CALL_ID": own_call_id},
        "SORT": "CALL_START_DATE",
        "ORDER": "DESC",
        "start": -1,
    }


@dataclass(frozen=True)
class EarlierCall:
    """One earlier call, as the line needs it: taken at the edge from a record."""

    call_id: str
    started_at: float  #: ms since the epoch
    duration_s: int
    code: str
    #: The record's ``ID``: the portal numbers records as it writes them, so among calls begun in
    #: the same second (the start is given to the second) the larger is the later.
    record_id: int = 0


class Status(StrEnum):
    """Where the line stands (the values name its words, ``earlier.<status>``)."""

    LOADING = "loading"  # due: its space is drawn, the answer is awaited
    SHOWN = "shown"  # the calls (perhaps none)
    DENIED = "denied"  # the user lacks the "Call statistics: view" permission
    FAILED = "failed"  # anything else: said once, quietly


#: What the line says, without asking, when the end-of-call lookup was refused for a reason that
#: refuses the line's question too (the same method, user and token).
ANSWERED_BY_THE_LOOKUP = {LookupFailure.NO_PERMISSION: Status.DENIED, LookupFailure.NO_SCOPE: Status.FAILED,
                          LookupFailure.AUTH: Status.FAILED}


@dataclass(frozen=True)
class Earlier:
    status: Status
    calls: tuple[EarlierCall, ...] = ()
    #: The days the line looked back, for "none in the last N days".
    days: int = 30
    #: The card's clock when the answer came: "today" is counted from it.
    at: float = 0.0


def _started(value: object) -> float | None:
    """``CALL_START_DATE`` (ISO 8601 with its offset, as the portal converts it) in ms, else ``None``."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return None if moment.tzinfo is None else moment.timestamp() * 1000


def _duration(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and 0 <= value <= MAX_DURATION_S else None


def take(record: object, number_digits: str, own_call_id: str, since_ms: float,
         now: float) -> EarlierCall | None:
    """One record, validated: this number's, not the card's own call, within the period; else ``None``."""
    if not isinstance(record, dict):
        return None
    call_id, number = record.get("CALL_ID"), record.get("PHONE_NUMBER")
    if not isinstance(call_id, str) or not call_id or call_id == own_call_id or len(call_id) > 200:
        return None
    if not isinstance(number, str) or digits(number) != number_digits:
        return None  # the substring match also finds longer numbers that hold these digits
    started, duration = _started(record.get("CALL_START_DATE")), _duration(record.get("CALL_DURATION"))
    code = normalise_failed_code(record.get("CALL_FAILED_CODE"))
    if started is None or duration is None or code is None or not codes.is_plausible(code):
        return None
    if not since_ms <= started <= now + CLOCK_SLACK_MS:
        return None
    record_id = record.get("ID")
    order = int(record_id) if isinstance(record_id, str) and record_id.isascii() and record_id.isdigit() \
        and len(record_id) < 16 else 0
    return EarlierCall(call_id, started, duration, code, order)


def read_reply(reply: Ok | Failed, number_digits: str, own_call_id: str, since_ms: float,
               now: float, days: int) -> Earlier:
    """What the portal's answer means for the line; a record that cannot be read is left out."""
    if isinstance(reply, Failed):
        return Earlier(Status.DENIED if reply.kind is FailureKind.NO_PERMISSION else Status.FAILED, days=days,
                       at=now)
    if not isinstance(reply.result, list):
        return Earlier(Status.FAILED, days=days, at=now)
    taken = (take(record, number_digits, own_call_id, since_ms, now) for record in reply.result[:MAX_RECORDS])
    calls: dict[str, EarlierCall] = {}
    for call in taken:
        if call is not None:
            calls.setdefault(call.call_id, call)  # a call listed twice counts once
    newest_first = sorted(calls.values(), key=lambda call: (call.started_at, call.record_id), reverse=True)
    return Earlier(Status.SHOWN, tuple(newest_first), days, now)


# ---------------------------------------------------------------------------------------------
# The line's words


@dataclass(frozen=True)
class Formats:
    """How the view writes days and times: its ``day`` (the local date) and ``short`` formats."""

    day: i18n.DayFormat
    short: i18n.ShortFormat
    tag: str
    hour12: bool | None


def _local_date(moment: float, formats: Formats) -> date | None:
    written = formats.day(moment)[:10]
    try:
        return date.fromisoformat(written)
    except ValueError:
        return None


def _day_words(moment: float, today: date | None, formats: Formats, lang: str | None) -> str:
    local = _local_date(moment, formats)
    if local is not None and today is not None:
        if local == today:
            return i18n.text("earlier.today", lang)
        if local == today - timedelta(days=1):
            return i18n.text("earlier.yesterday", lang)
    return formats.short(moment, formats.tag, formats.hour12, "date")


#: A failure code's label in the card's words, the admin's own included (``view.code_line``).
Label = Callable[[str], str]


def _kind(call: EarlierCall) -> str:
    """What groups a call with the day's others: its outcome (every answered call is one outcome)."""
    return "answered" if call.code in SUCCESS_CODES else f"code {call.code}"


def _outcome(calls: list[EarlierCall], lang: str | None, label: Label) -> str:
    """A group's outcome in the card's words: ``Busy x3``.  Only a lone answered call names its talk
    time (``Answered 4:12``): for several, one length would be read as every call's, and all of them
    would not leave the line short."""
    first = calls[0]
    if first.code in SUCCESS_CODES:
        if len(calls) == 1 and first.duration_s:
            talk = i18n.format_duration(first.duration_s * 1000)
            return i18n.text("earlier.answered_for", lang, duration=talk)
        what = i18n.text("earlier.answered", lang)
    else:
        what = label(first.code)
    return i18n.text("earlier.repeated", lang, outcome=what, count=len(calls)) if len(calls) > 1 else what


def line(earlier: Earlier, lang: str | None, label: Label, formats: Formats) -> str:
    """The line as the card shows it, e.g. ``Earlier calls you can see: Today: Busy x3 (10:15,
    10:02, 9:40), Answered x2 · 3 Dec: Answered 4:12``.

    Each day is named once, newest first; within it the calls are grouped by
    outcome, a group where its newest call falls, so the day reads newest
    first as the times do.  Today's groups list their times (the operator
    asks "when did they try?" of today only).  Past :data:`MAX_GROUPS`
    groups the rest are counted.
    """
    if earlier.status is not Status.SHOWN:
        return i18n.text(f"earlier.{earlier.status.value}", lang)
    if not earlier.calls:
        return i18n.plural("earlier.none", earlier.days, lang)
    today = _local_date(earlier.at, formats)
    # Day words -> (is today, outcome -> its calls); dicts keep the order met, and calls come newest first.
    days: dict[str, tuple[bool, dict[str, list[EarlierCall]]]] = {}
    for call in earlier.calls:
        day = _day_words(call.started_at, today, formats, lang)
        is_today = today is not None and _local_date(call.started_at, formats) == today
        days.setdefault(day, (is_today, {}))[1].setdefault(_kind(call), []).append(call)
    items, named, rest = [], 0, 0
    for day, (is_today, groups) in days.items():
        whats = []
        for calls in groups.values():
            if named >= MAX_GROUPS:
                rest += len(calls)
                continue
            named += 1
            what = _outcome(calls, lang, label)
            if is_today:
                times = [formats.short(call.started_at, formats.tag, formats.hour12, "time")
                         for call in calls]
                shown = ", ".join(times[:MAX_TIMES]) + (", …" if len(times) > MAX_TIMES else "")
                what = i18n.text("earlier.times", lang, outcome=what, times=shown)
            whats.append(what)
        if whats:
            items.append(i18n.text("earlier.item", lang, day=day, outcome=", ".join(whats)))
    if rest:
        items.append(i18n.plural("earlier.more", rest, lang))
    return i18n.text("earlier.line", lang, calls=" · ".join(items))


# ---------------------------------------------------------------------------------------------
# The conversation


class Owner(Protocol):
    """The card, as the line needs it."""

    @property
    def page(self) -> Page: ...

    @property
    def timeline(self) -> Timeline: ...

    @property
    def settings(self) -> Settings: ...

    def redraw(self) -> None: ...


class EarlierCalls:
    """Asks once per number for its earlier calls, when nothing more urgent shares the portal.

    The card calls :meth:`start_if_due` from its tick, never from an event:
    the first tick comes after Python is live, so the request is never on
    the start-up path.  It is not sent while the end-of-call lookup is due or
    running, so that lookup goes first when both are due; and the two take
    turns (:class:`.lookup.Turns`), so they are never sent at once: they
    count against the same request limit of the portal.  Once the line is
    due its space is drawn (``loading``), so that the card does not jump when
    the answer comes.

    The line is about the number the card shows now: when a client change
    (``CallCard::EntityChanged``) brings another number, the old calls go at
    once (``loading`` in their space) and the new number is asked for on a
    later tick, in turn like the first question; without a number the line
    is hidden.  A reply about a number no longer shown is dropped.
    """

    def __init__(self, spawn: Callable[[Coroutine[Any, Any, Any]], object] | None, owner: Owner,
                 turns: Turns, busy: Callable[[], bool] = lambda: False):
        self.spawn = spawn
        self.owner = owner
        self.turns = turns
        #: Whether the end-of-call lookup is running (``StatisticsLookup.running``).
        self.busy = busy
        self.number: str | None = None
        self.state: Earlier | None = None
        self.asked = False

    def know_number(self, number: str | None) -> None:
        """The client's number in the init data: the card shows it until a client change."""
        if self.number is None:
            self.number = digits(number)

    def client_changed(self, number: str | None) -> None:
        """The number the card shows now (``None``: hidden, unknown or absent, and the line with it)."""
        now = digits(number)
        if now == self.number:
            return
        self.number = now
        self.asked = False
        if self.state is not None:  # drawn: keep its space, without the other number's calls
            self.state = Earlier(Status.LOADING, days=self.owner.settings.earlier_days) if now else None

    def reserve(self, session: client.Session | None) -> bool:
        """Keep the line's space from the moment it is due (the card knows the number, the portal and
        the call, and the admin wants the line): at the card's first drawing when the init data says
        it all, so that the frame is sized once at start-up and never jumps for the line."""
        settings, timeline = self.owner.settings, self.owner.timeline
        if self.spawn is None or session is None or not settings.earlier_calls \
                or self.number is None or timeline.call_id is None:
            return False
        if self.state is None:
            self.state = Earlier(Status.LOADING, days=settings.earlier_days)
        return True

    def start_if_due(self, session: client.Session | None) -> None:
        """Ask for the number shown, once the line is due and the portal is free of the end-of-call lookup."""
        if self.asked:
            return
        reserved = self.state is not None
        if not self.reserve(session) or session is None:
            return
        if not reserved:
            self.owner.redraw()  # due only now (a number from a client change): its space first
        settings, timeline = self.owner.settings, self.owner.timeline
        if self.busy() or needs_lookup(timeline) or timeline.lookup in WAITING_FOR:
            return
        self.asked = True
        refused = timeline.lookup
        known = ANSWERED_BY_THE_LOOKUP.get(refused) if isinstance(refused, LookupFailure) else None
        if known is not None:
            self.state = Earlier(known, days=settings.earlier_days)
            self.owner.redraw()
            return
        # The token as it stands, never a new one asked for through the frame: the line is not
        # worth a refreshAuth of its own (the lookup's refresh, if any, has renewed it already).
        quiet = client.Session(session.http, session.rest_url, session.auth)
        if self.spawn is not None and self.number is not None and timeline.call_id is not None:
            self.spawn(self._ask(quiet, self.number, timeline.call_id, settings.earlier_days))

    async def _ask(self, session: client.Session, number: str, own_call_id: str, days: int) -> None:
        owner = self.owner
        try:
            async with self.turns:
                now = owner.page.now()
                since = now - days * DAY_MS
                if number != self.number:
                    return  # the card shows another number (or none) since this was asked
                reply = await session.call(METHOD, params(number, own_call_id, since))
            if number != self.number:
                return
            self.state = read_reply(reply, number, own_call_id, since, owner.page.now(), days)
            if isinstance(reply, Failed):
                why = statistics.GIVE_UP.get(reply.kind)
                detail = statistics.admin_detail(why) if why else reply.error or reply.description
                owner.page.warn(f"Call Timeline: earlier calls: {METHOD} refused: {detail}")
        except Exception as error:  # nothing the line meets may reach the rest of the card
            if number != self.number:
                return
            self.state = Earlier(Status.FAILED, days=days)
            owner.page.warn(f"Call Timeline: earlier calls failed: {describe_error(error)}")
        owner.redraw()
