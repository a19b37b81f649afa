"""The card on a real portal's terms (../shared/bitrix24-call-card.md, section 5), in Chromium.

The emulated portal ends calls as the portal's own code does: only the state
crosses the frame; a failed call's card is destroyed in the same task as its
``idle`` unless the app held auto-close before; a held card closes 65 s after
the portal's auto-close unless renewed, and at once on ``enableAutoClose``;
external calls send no state at all; a tab can open after its call ended.
Every test here runs on those defaults.  The portal's timers run on
Playwright's clock where a test moves time; the card's Python, in a worker
that clock does not reach, on a :class:`WorkerClock`.
"""

from __future__ import annotations

from emulator.driver import CallCard, WorkerClock
from placement_app.card.hold_times import FAILED_SHOW_MS, SAFETY_MS  # noqa: F401  (see below)
