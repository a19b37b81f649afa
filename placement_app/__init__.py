"""Call Timeline: a Bitrix24 call-card tab that shows the call as a timeline.

Packaged by audience, layered inside (each subpackage's docstring says what
it may import; ``tests/unit/test_layers.py`` holds them to it):

- ``core``: the model, pure Python, knowing nothing of pages;
- ``portal``: the one client of the portal's REST API;
- ``browser``: the only seam to the browser (``js``, ``pyodide.ffi``);
- ``card``: the call card the operator sees;
- ``admin``: the settings and install pages.

The public API is the model's:
"""

from .core.codes import CodeInfo, describe
from .core.events import (
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
from .core.timeline import Outcome, Timeline, apply, replay

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
