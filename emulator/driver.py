"""Drives the emulated Bitrix24 call card and reads the card in it, as an operator would."""

from __future__ import annotations

ALL_EVENTS = ("CallCard::CallStateChanged", "CallCard::EntityChanged", "CallCard::BeforeClose")
APP_WHEEL = "**/wheels/placement_app-*.whl"


class CallCard:
    """Plays a call in the emulator and reads the card, as an operator would."""

    def __init__(self, page, servers):
        self.page = page
        self.servers = servers
        page.goto(servers.emulator_url + "?autostart=0&autoclose=0")
        self.card = page.frame_locator("#frame-slot iframe")

    def open(self, state: str = "idle", lang: str = "en", url: str | None = None,
             events: tuple[str, ...] = ALL_EVENTS) -> None:
        """Open a new call card and wait until the tab has bound ``events``."""
        options = {"state": state, "lang": lang, **({"url": url} if url else {})}
        self.page.evaluate("options => emulator.openCard(options)", options)
        self.page.wait_for_function("names => names.every(name => emulator.bound(name) === 1)",
                                    arg=list(events))

    def hold_python(self):
        """Keep the app's wheel from arriving (a slow network) until release() is called."""
        held = []
        self.page.context.route(APP_WHEEL, lambda route: held.append(route))

        def release() -> None:
            self.page.context.unroute(APP_WHEEL)
            for route in held:
                route.continue_()

        return release

    @property
    def frame(self):
        return self.page.locator("#frame-slot iframe").element_handle().content_frame()

    def engine(self) -> str:
        return self.frame.evaluate("document.documentElement.dataset.engine")

    def wait_for_python(self) -> None:
        self.card.locator("html[data-engine=python]").wait_for(timeout=60_000)

    def state(self, state: str, code: str = "", wire: str = "state") -> None:
        assert self.page.evaluate("([s, c, w]) => emulator.setCallState(s, c, w)", [state, code, wire])

    def fire(self, event: str, *value) -> None:
        self.page.evaluate("([e, ...v]) => emulator.fire(e, ...v)", [event, *value])

    def text(self) -> str:
        return self.card.locator("#timeline").inner_text()

    def rows(self) -> list[str]:
        return self.card.locator(".entries .entry .what").all_inner_texts()

    def read(self, selector: str) -> str:
        return self.card.locator(f"#timeline {selector}").inner_text()
