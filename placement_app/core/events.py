"""Typed call-card events, parsed once from whatever the frame delivered.

Bitrix24 puts one value on the wire per event, but what reaches the app's
callback differs between portals and frame libraries (the README's "On a
real portal"): a bare state string, one ``[state, params]`` array, or two
arguments.  Everything is normalised here so that the layers above see only
these frozen dataclasses.  Nothing in this module raises on bad input: a
payload that cannot be understood becomes an :class:`Unrecognised` event,
which the timeline shows as a harmless entry.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from .untrusted import MAX_PREVIEW, MAX_TEXT, clip, preview, rest_base, valid_token

CALL_STATE_CHANGED = "CallCard::CallStateChanged"
ENTITY_CHANGED = "CallCard::EntityChanged"
BEFORE_CLOSE = "CallCard::BeforeClose"
CALL_CARD_EVENTS = frozenset({CALL_STATE_CHANGED, ENTITY_CHANGED, BEFORE_CLOSE})
#: Not a Bitrix24 event: the shim's name for the placement data of the
#: ``getInitData`` reply (and of ``getStatus``), so that it travels in order
#: with the real events.
CARD_OPENED = "app:opened"
#: The shim's name for a press of the card's "Done" button.
DONE_PRESSED = "app:done"
#: The engine's name for the news that it dropped the oldest events it held
#: while Python started (its queue is bounded; see ``static/engine.js``).
EVENTS_DROPPED = "app:dropped"
#: The admin's pages' name for their init data (``static/page.js``, ``admin.page``).
PAGE_OPENED = "page:opened"

CRM_ENTITY_TYPES = frozenset({"LEAD", "DEAL", "CONTACT", "COMPANY"})


class CallState(StrEnum):
    """The three states Bitrix24 reports for a call."""

    IDLE = "idle"
    CONNECTING = "connecting"
    CONNECTED = "connected"


@dataclass(frozen=True)
class CallStateChanged:
    """The call moved to ``call_state`` at ``at`` (ms since the epoch).

    ``failed_code`` is the SIP or Bitrix24 code as text (``"486"``,
    ``"603-S"``), ``None`` when the portal did not send one.  It is never
    trusted: anything that is not a plausible code is kept as a short text so
    that the operator can still see what arrived.
    """

    at: float
    call_state: CallState
    failed_code: str | None = None


@dataclass(frozen=True)
class EntityChanged:
    """The card loaded or changed the client it shows."""

    at: float
    phone_number: str | None
    crm_entity_type: str | None
    crm_entity_id: int | None


@dataclass(frozen=True)
class BeforeClose:
    """Bitrix24 is trying to close the card (it may fire more than once).

    ``held`` is set by the card, not the portal: the card was holding itself
    open (see ``card.keep_open``), so this attempt did not close it.
    """

    at: float
    held: bool = False


@dataclass(frozen=True)
class CardOpened:
    """The placement data the card was opened with.

    ``call_state`` is the state at the moment the tab opened, which may be
    mid-call; ``None`` when the portal did not say or said something unknown.
    """

    at: float
    call_id: str | None
    call_state: CallState | None
    lang: str | None
    direction: str | None
    phone_number: str | None
    #: Where the portal's REST API answers and the token for it (init data
    #: only).  Kept out of equality and repr so they never end up in logs.
    rest_url: str | None = field(default=None, compare=False, repr=False)
    auth: str | None = field(default=None, compare=False, repr=False)
    #: The app options (``APP_OPTIONS``) as the portal sent them, for the
    #: settings model to read (init data only; ``None`` in a ``getStatus``
    #: reply, which does not carry them).  Untrusted, so never compared or shown.
    app_options: Mapping[str, object] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class StatisticsRequested:
    """The card started looking the call up in the portal's call statistics.

    ``probe``: the card opened ``idle`` and asks once whether its call has
    ended already (a tab shown only after the call); no record means the
    call has not begun, and the card waits for it.
    """

    at: float
    probe: bool = False


@dataclass(frozen=True)
class StatisticsFound:
    """The portal's call statistics know how the call ended.

    ``reason`` is the portal's own text (``CALL_FAILED_REASON``), shown as is.
    """

    at: float
    failed_code: str
    reason: str | None


class LookupFailure(StrEnum):
    """Why a statistics lookup gave up; each has words in i18n (``lookup.<value>``).

    The values are what the saved timeline holds (``storage``), so they never change.
    """

    NO_RECORD = "no_record"  # no record of the call with a code came in time
    NO_SCOPE = "no_scope"  # the app lacks the ``telephony`` scope
    NO_PERMISSION = "no_permission"  # the user may not view call statistics
    AUTH = "auth"  # the token was refused, even after a refresh
    UNREACHABLE = "unreachable"  # the portal did not answer
    REFUSED = "refused"  # the answer was not a list of call records


@dataclass(frozen=True)
class StatisticsUnavailable:
    """The call statistics could not say, and :class:`LookupFailure` says why."""

    at: float
    why: LookupFailure


#: The prefix of the CALL_ID of a call a PBX registered (``telephony.externalCall.register``):
#: its card opens ``connected`` and no state ever follows (the README's "On a real portal").
EXTERNAL_CALL_PREFIX = "externalCall."


@dataclass(frozen=True)
class Unrecognised:
    """Something arrived that is not a valid event; shown, never acted on."""

    at: float
    kind: str
    reason: str
    preview: str


@dataclass(frozen=True)
class DonePressed:
    """The operator pressed "Done" on a card kept open after a failed call."""

    at: float


@dataclass(frozen=True)
class EventsDropped:
    """``count`` events that came while Python started were dropped, the oldest first.

    The page's worker holds a bounded number of events until Python is up;
    beyond that the oldest go, and this says how many, so that the operator
    is told instead of being shown a timeline with a silent hole in it.
    """

    at: float
    count: int


Event = (CallStateChanged | EntityChanged | BeforeClose | CardOpened | Unrecognised
         | StatisticsRequested | StatisticsFound | StatisticsUnavailable | DonePressed
         | EventsDropped)


def normalise_failed_code(value: object) -> str | None:
    """The code as text, or ``None`` when nothing meaningful was sent.

    Portals send a string, but numbers are seen too; an empty value means
    "no code".  Anything else is kept as a preview so it can be shown.  A
    long text (an external telephony's reason line) is kept whole up to
    :data:`MAX_PREVIEW`: a code cut short is a code lost, and the card wraps it.
    """
    if value is None or isinstance(value, bool):
        return None if value is None else preview(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value):
            return str(int(value))
        return preview(value)
    if isinstance(value, str):
        text = value.strip()
        return clip(text, MAX_PREVIEW) if text else None
    return preview(value)


def call_id_of(value: object) -> str | None:
    """A ``CALL_ID`` as the card keeps it (the page names the call's log by the portal's value as
    it came; a reloaded card finds the log by this, see ``card.replay``)."""
    return _text_field(value)


def _text_field(value: object) -> str | None:
    if isinstance(value, str):
        text = value.strip()
        return clip(text) if text else None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _entity_type(value: object) -> str | None:
    if isinstance(value, str) and value.upper() in CRM_ENTITY_TYPES:
        return value.upper()
    return None


def _entity_id(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    else:
        return None
    return number if 0 < number < 2**53 else None


def _call_state(value: object) -> CallState | None:
    if isinstance(value, str):
        try:
            return CallState(value)
        except ValueError:
            return None
    return None


def _state_and_params(args: Sequence[object]) -> tuple[object, object]:
    """Split the delivered arguments into (state, params), whatever the form."""
    first = args[0]
    if isinstance(first, list):
        return (first[0] if first else None), (first[1] if len(first) > 1 else None)
    return first, (args[1] if len(args) > 1 else None)


def parse_call_state_changed(args: Sequence[object], at: float) -> Event:
    """Read ``CallCard::CallStateChanged`` in any of its wire forms."""
    if not args:
        return Unrecognised(at, CALL_STATE_CHANGED, "no call state", "")
    raw_state, params = _state_and_params(args)
    call_state = _call_state(raw_state)
    if call_state is None:
        return Unrecognised(at, CALL_STATE_CHANGED, "unknown call state", preview(raw_state))
    failed_code = None
    if isinstance(params, Mapping):
        failed_code = normalise_failed_code(params.get("failedCode"))
    return CallStateChanged(at, call_state, failed_code)


def parse_entity_changed(args: Sequence[object], at: float) -> Event:
    """Read ``CallCard::EntityChanged``; every field is optional."""
    data = args[0] if args else None
    if not isinstance(data, Mapping):
        return Unrecognised(at, ENTITY_CHANGED, "client data is not an object", preview(data))
    return EntityChanged(
        at,
        phone_number=_text_field(data.get("PHONE_NUMBER")),
        crm_entity_type=_entity_type(data.get("CRM_ENTITY_TYPE")),
        crm_entity_id=_entity_id(data.get("CRM_ENTITY_ID")),
    )


def _app_options(data: Mapping[str, object]) -> Mapping[str, object] | None:
    """``APP_OPTIONS`` when the init data has it (anything but an object reads as empty)."""
    if "APP_OPTIONS" not in data:
        return None
    options = data["APP_OPTIONS"]
    return options if isinstance(options, Mapping) else {}


def parse_card_opened(args: Sequence[object], at: float) -> Event:
    """Read the init data: ``LANG`` and the ``PLACEMENT_OPTIONS`` of CALL_CARD.

    ``PLACEMENT_OPTIONS`` is an object in ``getInitData`` but a JSON string
    when posted to the handler; both are accepted.  A ``getStatus`` reply has
    the same fields at the top level.
    """
    data = args[0] if args else None
    if not isinstance(data, Mapping):
        return Unrecognised(at, CARD_OPENED, "init data is not an object", preview(data))
    options: object = data.get("PLACEMENT_OPTIONS", data)
    if isinstance(options, str):
        try:
            options = json.loads(options)
        except ValueError:
            options = None
    if not isinstance(options, Mapping):
        return Unrecognised(at, CARD_OPENED, "placement options are unreadable", preview(options))
    direction = _text_field(options.get("CALL_DIRECTION"))
    auth = data.get("AUTH_ID")
    return CardOpened(
        at,
        call_id=_text_field(options.get("CALL_ID")),
        call_state=_call_state(options.get("CALL_STATE")),
        lang=_text_field(data.get("LANG")),
        direction=direction.lower() if direction else None,
        phone_number=_text_field(options.get("PHONE_NUMBER")),
        rest_url=rest_base(data.get("DOMAIN"), data.get("PROTOCOL")),
        auth=valid_token(auth),
        app_options=_app_options(data),
    )


def parse_events_dropped(args: Sequence[object], at: float) -> Event:
    """Read the engine's count of dropped events: one whole number above zero."""
    count = args[0] if args else None
    if isinstance(count, bool) or not isinstance(count, int) or not 0 < count < 2**53:
        return Unrecognised(at, EVENTS_DROPPED, "not a count", preview(count))
    return EventsDropped(at, count)


_PARSERS: dict[str, Callable[[Sequence[object], float], Event]] = {
    CALL_STATE_CHANGED: parse_call_state_changed,
    ENTITY_CHANGED: parse_entity_changed,
    BEFORE_CLOSE: lambda args, at: BeforeClose(at),
    CARD_OPENED: parse_card_opened,
    DONE_PRESSED: lambda args, at: DonePressed(at),  # no data: the press is the event
    EVENTS_DROPPED: parse_events_dropped,
}


def parse_event(kind: str, args: Sequence[object], at: float) -> Event:
    """Turn what the shim forwarded into one typed event, never raising."""
    parser = _PARSERS.get(kind)
    if parser is None:
        return Unrecognised(at, preview(kind, MAX_TEXT), "unknown event", preview(list(args)))
    try:
        return parser(args, at)
    except Exception as error:  # a parser bug must not cost the card the event
        reason = f"unreadable payload ({type(error).__name__})"
        return Unrecognised(at, kind, reason, preview(list(args)))


#: The last moment a JavaScript ``Date`` can hold (ECMAScript's time values end there): the page's
#: clock, which stamps every event, can say nothing later, and no formatter can write it.
MAX_INSTANT = 8.64e15


def arrival(at: object, now: float) -> float:
    """When an event arrived: the page's stamp ``at`` if it is a moment, else ``now``.

    A moment is a number of milliseconds since the epoch, from 0 to
    :data:`MAX_INSTANT`.  Anything else (a text, a bool, NaN, a negative
    number, one beyond any date) is no time at all, and read as 0 it would
    show a 1970 clock; ``now``, the card's own clock as it handles the event,
    is the same wall clock the page stamps with, late by the event's wait.
    """
    if isinstance(at, bool) or not isinstance(at, int | float) or not 0 <= at <= MAX_INSTANT:
        return now
    return float(at)


def parse_wire(kind: object, payload_json: object, at: object, *, now: float) -> Event:
    """Parse the shim's hand-over: the arguments as one JSON text, stamped ``at`` (see :func:`arrival`).

    The shim serialises the callback's arguments once, so this is the only
    place that meets raw data from the frame.
    """
    moment = arrival(at, now)
    name = kind if isinstance(kind, str) else preview(kind)
    if not isinstance(payload_json, str):
        return Unrecognised(moment, name, "payload is not text", preview(payload_json))
    try:
        args = json.loads(payload_json)
    except (ValueError, RecursionError):
        return Unrecognised(moment, name, "payload is not JSON", preview(payload_json))
    if not isinstance(args, list):
        args = [args]
    return parse_event(name, args, moment)
