"""``python -m emulator``: build the site, then serve it beside the emulated Bitrix24 portal."""

from __future__ import annotations

import argparse
import threading
from pathlib import Path

import build
import serving

from .server import Servers, StaticHandler

STATE = Path(__file__).resolve().parent / "portal-state.json"
#: Calls the served portal holds unless told otherwise: a month of a small team's calls, so that
#: the failure report shows something at once; seeding them takes a fraction of a second.
DEMO_CALLS = 3000


def counted(text: str) -> int:
    """A count of calls: a whole number, 0 or more (argparse says why when it is not)."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number of calls, 0 or more, not {text!r}")
    return int(text)


def positive(text: str) -> int:
    """A number of days: 1 or more."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of days, 1 or more, not {text!r}")
    return int(text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m emulator",
        description="Build the site, then serve it beside the emulated Bitrix24 portal.")
    parser.add_argument("--port", type=int, default=8000, help="the card's port (default 8000)")
    parser.add_argument("--emulator-port", type=int, default=8001,
                        help="the emulated portal's port (default 8001)")
    parser.add_argument("--portal", action="append", default=[], metavar="ORIGIN",
                        help="a Bitrix24 portal allowed to frame the card and to answer its REST "
                             "calls, e.g. https://company.bitrix24.com (repeatable)")
    parser.add_argument("--emulator-state", type=Path, default=STATE, metavar="FILE",
                        help="where the emulated portal keeps the app's installation and options "
                             "(default emulator/portal-state.json)")
    parser.add_argument("--calls", type=counted, default=DEMO_CALLS, metavar="N",
                        help=f"seed the portal's call statistics with N calls, 0 for none "
                             f"(default {DEMO_CALLS}: the failure report has something to show)")
    parser.add_argument("--days", type=positive, default=30, metavar="D",
                        help="spread the seeded calls over the D days ending now (default 30)")
    parser.add_argument("--seed", type=int, default=1, help="the seed's random seed (default 1)")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    portals = tuple(serving.portal_origin(p) for p in args.portal)
    site = build.build()
    StaticHandler.quiet = not args.verbose
    try:
        servers = Servers(site, args.port, args.emulator_port, portals=portals,
                          state_path=args.emulator_state, calls=args.calls, days=args.days,
                          seed=args.seed).start()
    except OSError as error:
        raise SystemExit(f"cannot listen ({error}); choose other ports with "
                         "--port and --emulator-port") from error
    print(f"\nCall Timeline card:   {servers.app_url}  (answers POST like GET)")
    print(f"Emulated call card:   {servers.emulator_url}  <- open this and play a call")
    if args.calls:
        print(f"Call statistics:      {servers.portal.statistics.count()} records over {args.days} days")
    print("Press Ctrl+C to stop.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        servers.stop()


if __name__ == "__main__":
    main()
