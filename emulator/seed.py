"""A busy portal's call statistics, made up deterministically: ``generate(calls, days, now=...)``.

The records are those ``voximplant.statistic.get`` lists (see :mod:`emulator.statistics` for the
fields and where each fact comes from); the proportions below are the emulator's picture of a
sales and support team on a handful of lines, not Bitrix24 figures (none are published), so
every share here is a guess chosen to look like a working portal:

- a few lines (``PORTAL_NUMBER``) with unequal load: three SIP registrations through Bitrix24's
  telephony (``reg…``, as the docs' first example record) and two lines of an office PBX connected
  by ``telephony.externalCall.register`` (``LINE_NUMBER`` ``3`` in that method's example);
- the operators of :data:`USERS`, each taking a different share of the calls;
- clients whose numbers repeat, a few of them called several times a day;
- codes mostly ``200``, the failures in the shares of :data:`CODES_IN` and :data:`CODES_OUT`,
  and a burst of ``503`` on one line from 14:00 on one day (:data:`BURST_LINE`, :func:`burst_day`);
- the busy hours of a working day, and quieter weekends.

A record is written when its call ends, so ``ID`` rises with the call's end, not its start: a long
call that started early gets a later ``ID`` than short calls that started after it.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import time
from datetime import date, datetime, timedelta, timezone
from typing import Any

from .statistics import REASONS, voximplant_phone

#: The portal's time zone when ``now`` carries none (the docs' examples are in +03:00).
PORTAL_OFFSET = timezone(timedelta(hours=3))

ISO = "%Y-%m-%dT%H:%M:%S"
#: The seeded operators: ``PORTAL_USER_ID`` -> (``NAME``, ``LAST_NAME``), as ``user.get`` gives them.
#: User 1 is the portal's admin, who takes a few calls (the emulator's played calls are theirs).
USERS: dict[str, tuple[str, str]] = {
    "1": ("Alexandra", "Petrova"), "12": ("Ivan", "Sokolov"), "14": ("Maria", "Kuznetsova"),
    "15": ("Dmitry", "Volkov"), "17": ("Olga", "Morozova"), "18": ("Sergey", "Lebedev"),
    "21": ("Anna", "Novikova"), "22": ("Pavel", "Fedorov"), "23": ("Elena", "Popova"),
    "26": ("Nikolai", "Orlov"), "27": ("Tatiana", "Vasilieva"), "29": ("Alexei", "Zaitsev"),
    "31": ("Jürgen", "Weiß"), "32": ("Irina", "Pavlova"), "34": ("Mikhail", "Semenov"),
    "35": ("Svetlana", "Golubeva"), "37": ("Andrei", "Vinogradov"), "38": ("Yulia", "Bogdanova"),
    "40": ("Roman", "Vorobiev"), "41": ("Natalia", "Egorova"), "43": ("Kirill", "Kozlov"),
    "44": ("Ekaterina", "Nikolaeva"), "46": ("Artem", "Mikhailov"), "47": ("Ксения", "Белова"),
    "49": ("Maxim", "Tarasov"), "50": ("Daria", "Komarova"), "52": ("Denis", "Kiselev"),
    "53": ("Lucía", "García"),
}

#: The lines and their shares of the calls; ``external`` lines belong to the office PBX.
LINES: tuple[tuple[str, float, bool], ...] = (
    ("reg133788", 0.34, False), ("reg140211", 0.24, False), ("reg152907", 0.12, False),
    ("3", 0.20, True), ("7", 0.10, True),
)
#: The line whose calls fail with 503 from 14:00 to 17:00 on :func:`burst_day`.
BURST_LINE = "reg140211"
BURST_HOURS = (14, 17)
#: The share of that line's calls in those hours that fail with 503.
BURST_SHARE = 0.85

#: ``CALL_TYPE`` (voximplant-statistic-get.md: 1 outgoing, 2 incoming, 3 incoming redirected,
#: 4 callback) and its share of the calls.
CALL_TYPES = (("1", 0.40), ("2", 0.53), ("3", 0.04), ("4", 0.03))
#: The codes of incoming calls (types 2, 3) and their shares; a missed call is 304.
CODES_IN = (("200", 0.80), ("304", 0.14), ("487", 0.02), ("480", 0.015), ("503", 0.01),
            ("OTHER", 0.015))
#: The codes of outgoing calls (types 1, 4): busy, declined, unreachable, wrong numbers,
#: cancelled by the operator (603-S), out of money.
CODES_OUT = (("200", 0.645), ("486", 0.10), ("603", 0.06), ("480", 0.06), ("603-S", 0.05),
             ("404", 0.03), ("487", 0.02), ("503", 0.02), ("402", 0.005), ("OTHER", 0.01))
#: Calls an hour of the day gets, relative to the others (local time); the night is near empty.
HOURS = (0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 5, 9, 11, 11, 8, 9, 11, 10, 9, 7, 4, 2, 1, 0.6, 0.4,
         0.3)
#: Calls a weekday gets, relative to the others (Monday first).
WEEKDAYS = (1.0, 1.05, 1.0, 0.95, 0.9, 0.3, 0.15)
#: CRM entity types of the clients and their shares (voximplant-statistic-get.md lists these three).
CRM_TYPES = (("CONTACT", 0.6), ("COMPANY", 0.15), ("LEAD", 0.25))


def burst_day(days: int, today: date) -> date:
    """The day of the 503 burst: two days before ``today`` (inside a 7-day report), or the first."""
    return today - timedelta(days=min(2, days - 1))


def _chooser(rng: random.Random, weighted: tuple[tuple[Any, float], ...] | list[tuple[Any, float]]) -> Any:
    """A function drawing one item by weight (cumulative weights and bisect: fast, deterministic)."""
    items = [item for item, _ in weighted]
    cumulative = list(itertools.accumulate(weight for _, weight in weighted))
    total = cumulative[-1]
    return lambda: items[bisect.bisect_right(cumulative, rng.random() * total)]


def _clients(rng: random.Random, count: int) -> list[tuple[str, str, str]]:
    """``count`` clients: (digits of the number, CRM entity type, CRM entity id)."""
    crm = _chooser(rng, CRM_TYPES)
    clients: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    while len(clients) < count:
        kind = rng.random()
        if kind < 0.7:  # mostly Russian mobiles, then Moscow numbers, some German ones
            digits = "79" + "".join(rng.choices("0123456789", k=9))
        elif kind < 0.9:
            digits = "7495" + "".join(rng.choices("0123456789", k=7))
        else:
            digits = "49" + rng.choice(("151", "160", "170", "30", "89")) + "".join(
                rng.choices("0123456789", k=7))
        if digits in seen:
            continue
        seen.add(digits)
        clients.append((digits, crm(), str(rng.randint(100, 99_999))))
    return clients


def generate(calls: int, days: int, *, seed: int = 1, now: datetime) -> list[dict[str, str]]:
    """``calls`` records of calls over the ``days`` local dates ending ``now``'s, ``ID`` ascending.

    Deterministic for the same arguments.  Every call ended, and its record was written, by
    ``now``; ``now`` without a time zone is the portal's local time in :data:`PORTAL_OFFSET`.
    """
    if calls <= 0 or days <= 0:
        return []
    if now.tzinfo is None:
        now = now.replace(tzinfo=PORTAL_OFFSET)
    # One offset for the whole period (the portal's at ``now``; a zone's clock change is not kept).
    offset = int((now.utcoffset() or timedelta()).total_seconds())
    sign, minutes = ("+" if offset >= 0 else "-"), abs(offset) // 60
    suffix = f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    zone = timezone(timedelta(seconds=offset))
    rng = random.Random(seed)
    today = now.date()
    first = today - timedelta(days=days - 1)
    midnight = datetime(first.year, first.month, first.day, tzinfo=zone)
    # Today has only the hours that have passed.
    passed = now.hour + now.minute / 60 + now.second / 3600
    today_share = sum(HOURS[hour] * min(1.0, max(0.0, passed - hour)) for hour in range(24)) / sum(HOURS)
    day_weights = [WEEKDAYS[(first + timedelta(days=n)).weekday()] * (today_share if n == days - 1 else 1)
                   for n in range(days)]
    if not sum(day_weights):
        day_weights[-1] = 1.0
    pick_day = _chooser(rng, list(enumerate(day_weights)))
    pick_hour = _chooser(rng, list(enumerate(HOURS)))
    pick_line = _chooser(rng, [((name, external), share) for name, share, external in LINES])
    users = list(USERS)
    # Unequal load: the n-th operator takes about 1/n^0.8 of the first one's calls; the admin few.
    pick_user = _chooser(rng, [(user, 0.15 if user == "1" else 1 / (rank ** 0.8))
                               for rank, user in enumerate(users, start=1)])
    pick_type = _chooser(rng, CALL_TYPES)
    pick_in, pick_out = _chooser(rng, CODES_IN), _chooser(rng, CODES_OUT)
    clients = _clients(rng, max(20, calls // 5))
    # Regulars: a twentieth of the clients make a third of the calls, a few several a day.
    regulars = max(1, len(clients) // 20)
    burst_days = (burst_day(days, today) - date(1970, 1, 1)).days  # local days since the epoch
    end_of_data = now.timestamp()
    calls_made: list[tuple[float, float, dict[str, str]]] = []
    for _ in range(calls):
        day = pick_day()
        started = midnight.timestamp() + day * 86_400 + pick_hour() * 3600 + rng.random() * 3600
        line, external = pick_line()
        call_type = pick_type()
        outgoing = call_type in ("1", "4")
        local = started + offset
        if (line == BURST_LINE and int(local // 86_400) == burst_days
                and BURST_HOURS[0] <= local % 86_400 // 3600 < BURST_HOURS[1] and rng.random() < BURST_SHARE):
            code = "503"
        else:
            code = pick_out() if outgoing else pick_in()
        # Answered calls: a log-normal talk time (median about 2 minutes), a few long ones.
        duration = min(10_800, int(math.exp(rng.gauss(4.8, 1.0)))) if code == "200" else 0
        written = started + duration + rng.uniform(1, 8)  # the record is written after the end
        if written > end_of_data:  # still going on, or not written yet: it happened earlier
            shift = written - end_of_data + rng.uniform(1, 600)
            started, written = started - shift, written - shift
        client = clients[rng.randrange(regulars)] if rng.random() < 0.33 else rng.choice(clients)
        digits, crm_type, crm_id = client
        user = pick_user()
        row = {
            "PORTAL_USER_ID": user, "PORTAL_NUMBER": line,
            # How the number is kept: see the statistics module's docstring.
            "PHONE_NUMBER": digits if external else voximplant_phone(digits),
            "CALL_ID": (f"externalCall.{rng.getrandbits(128):032x}.{int(started)}" if external else
                        f"{rng.getrandbits(64):016X}.{int(started)}.{rng.randint(10_000_000, 99_999_999)}"),
            "EXTERNAL_CALL_ID": "", "CALL_CATEGORY": "external", "CALL_LOG": "",
            "CALL_DURATION": str(duration),
            "CALL_START_DATE": time.strftime(ISO, time.gmtime(int(started) + offset)) + suffix,
            "CALL_RECORD_URL": "", "CALL_VOTE": "0",
            "COST": f"{(duration / 60 * 1.2 if outgoing and not external else 0):.4f}",
            "COST_CURRENCY": "" if external else "RUR",
            "CALL_FAILED_CODE": code,
            "CALL_FAILED_REASON": "" if external and code == "200" else REASONS[code],
            "CRM_ENTITY_TYPE": crm_type, "CRM_ENTITY_ID": crm_id, "CRM_ACTIVITY_ID": "0",
            "REST_APP_ID": "3" if external else "", "REST_APP_NAME": "Office PBX" if external else "",
            "TRANSCRIPT_ID": "", "TRANSCRIPT_PENDING": "N",
            "SESSION_ID": "" if external else str(rng.randint(1_000_000_000, 4_000_000_000)),
            "REDIAL_ATTEMPT": "", "COMMENT": "", "RECORD_DURATION": "", "RECORD_FILE_ID": "",
            "CALL_TYPE": call_type,
        }
        calls_made.append((written, started, row))
    calls_made.sort(key=lambda made: (made[0], made[1]))
    records = []
    for number, (_, _, row) in enumerate(calls_made, start=1):
        record = {"ID": str(number), **row}
        record["CRM_ACTIVITY_ID"] = str(5000 + number)  # each call's activity, in the order written
        records.append(record)
    return records
