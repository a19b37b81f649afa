"""Call Timeline: a Bitrix24 call-card tab that shows the call as a timeline.

The model (events, timeline, codes, i18n) is pure Python and runs anywhere;
the view draws it with text nodes; the bridge is the only part that needs a
browser.  Public API:
"""

from .codes import CodeInfo, describe
from .events import (
    BeforeClose,
    CallState,
    CallStateChanged,
    CardOpened,
    EntityChanged,
    Event,
    Unrecognised,
    parse_event,
    parse_wire,
)
from .timeline import Outcome, Timeline, apply, replay

__version__ = "0.1.0"

__all__ = [
    "BeforeClose",
    "CallState",
    "CallStateChanged",
    "CardOpened",
    "CodeInfo",
    "EntityChanged",
    "Event",
    "Outcome",
    "Timeline",
    "Unrecognised",
    "apply",
    "describe",
    "parse_event",
    "parse_wire",
    "replay",
]
