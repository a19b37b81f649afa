"""Finding a lost failure code in the portal's call statistics.

A portal forwards only the state on the wire (the reply function of its
``placementBindEvent`` takes one argument), so a failed call reaches the card
as ``idle`` with no code, or, when it failed before it rang, as a close
alone.  The portal still knows the code: the REST
method ``voximplant.statistic.get`` returns the call's record once the call
is finished, a few seconds after it ended.  This module is the pure part of
that lookup: what to ask, the schedule of retries, and what every reply
means for the card (the portal client has already read it).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.events import LookupFailure, normalise_failed_code
from ..core.untrusted import clip
from ..portal.client import Failed, FailureKind, Ok

METHOD = "voximplant.statistic.get"
#: Waits before each try (ms): the first at once (an external call's record is
#: written with its end), then about 13 s in all, since a telephony call's
#: record appears only a few seconds after the call ends.
DELAYS_MS = (0, 1000, 1500, 2250, 3400, 5000)


@dataclass(frozen=True)
class Found:
    failed_code: str
    reason: str | None


@dataclass(frozen=True)
class NotYet:
    """No record (yet), or a passing failure: try again later.

    ``why`` is what to say if no later try does better.
    """

    why: LookupFailure = LookupFailure.NO_RECORD


@dataclass(frozen=True)
class GaveUp:
    why: LookupFailure


Reply = Found | NotYet | GaveUp

#: What an admin needs to know when the lookup gives up (the console's words; the
#: operator is only told to ask their admin, see ``lookup.*`` in i18n).
ADMIN_DETAILS = {
    LookupFailure.NO_SCOPE: "the app has no telephony scope. In Bitrix24, add the scope telephony to the app"
                            " and install it again.",
    LookupFailure.NO_PERMISSION: "this user may not view call statistics (HTTP 403 ACCESS_DENIED). In"
                                 " Bitrix24, Telephony > Access permissions: give the operators' role the"
                                 " permission \"Call statistics: view\" (their own calls are enough for the"
                                 " card).",
    LookupFailure.AUTH: "the portal did not accept the app's authorisation (its token was refused even"
                        " after a refresh).",
    LookupFailure.REFUSED: "the portal's answer was unreadable (not a list of call records).",
}


def admin_detail(why: LookupFailure) -> str:
    """The admin's explanation of why the lookup gave up (``why`` as in :class:`GaveUp`)."""
    return ADMIN_DETAILS.get(why, why)


#: Refusals that no later try can cure, and what the card says of each.
GIVE_UP = {
    FailureKind.NO_SCOPE: LookupFailure.NO_SCOPE,
    FailureKind.NO_PERMISSION: LookupFailure.NO_PERMISSION,
    FailureKind.AUTH: LookupFailure.AUTH,
}


def params(call_id: str) -> dict[str, object]:
    """The parameters that ask for the record of ``call_id``."""
    return {"FILTER": {"CALL_ID": call_id}}


def read_reply(reply: Ok | Failed, call_id: str) -> Reply:
    """What a reply of ``voximplant.statistic.get`` means for the card."""
    if isinstance(reply, Failed):
        kind = reply.kind
        if kind in GIVE_UP:
            return GaveUp(GIVE_UP[kind])
        if kind is FailureKind.UNREACHABLE:
            return NotYet(LookupFailure.UNREACHABLE)
        if kind in (FailureKind.TRANSIENT, FailureKind.QUERY_LIMIT):
            return NotYet()
        return GaveUp(LookupFailure.REFUSED)
    records = reply.result
    if not isinstance(records, list):
        return GaveUp(LookupFailure.REFUSED)
    for record in records:
        if isinstance(record, dict) and record.get("CALL_ID") == call_id:
            code = normalise_failed_code(record.get("CALL_FAILED_CODE"))
            if code is None:
                return NotYet()
            reason = record.get("CALL_FAILED_REASON")
            text_reason = clip(reason.strip(), 120) if isinstance(reason, str) and reason.strip() else None
            return Found(code, text_reason)
    return NotYet()
