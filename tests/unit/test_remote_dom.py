"""The view drawn in the worker: recorded operations rebuild exactly what direct drawing gives."""

import json

from fakedom import FakeDocument, FakeElement
from fakepage import FakePage

from placement_app.browser.remote_dom import RemoteDocument
from placement_app.card.app import Card
from placement_app.card.view import CardView

CALL = [
    ("app:opened", [{"LANG": "en", "PLACEMENT_OPTIONS": {"CALL_ID": "c", "CALL_STATE": "idle"}}], 0),
    ("CallCard::CallStateChanged", ["connecting"], 1_000),
    ("CallCard::EntityChanged", [{"PHONE_NUMBER": "+7495"}], 2_000),
    ("CallCard::CallStateChanged", [["idle", {"failedCode": "<b>486</b>"}]], 7_000),
]


class Applier:
    """What static/dom-ops.js does, in Python: the protocol's meaning."""

    def __init__(self, document: FakeDocument, root: FakeElement) -> None:
        self.document = document
        self.nodes = {0: root}

    def __call__(self, operations: object) -> None:
        assert isinstance(operations, list)
        for operation in operations:
            assert isinstance(operation, list)
            self.one(operation)

    def one(self, operation: list[object]) -> None:
        nodes = self.nodes
        match operation:
            case ["c", int(element), str(tag)]:
                nodes[element] = self.document.createElement(tag)
            case ["a", int(element), int(child)]:
                nodes[element].appendChild(nodes[child])
            case ["r", int(element)]:
                nodes[element].remove()
            case ["t", int(element), str(text)]:
                nodes[element].textContent = text
            case ["k", int(element), str(class_name)]:
                nodes[element].className = class_name
            case ["h", int(element), bool(hidden)]:
                nodes[element].hidden = hidden
            case ["s", int(element), str(name), str(value)]:
                nodes[element].setAttribute(name, value)
            case _:
                raise AssertionError(f"not an operation of the protocol: {operation!r}")


class MirroringPage(FakePage):
    """A page that applies each batch the card sends it, as the browser's page does."""

    def __init__(self, remote: RemoteDocument, apply: Applier) -> None:
        super().__init__(lambda: 9_000.0)
        self.remote = remote
        self.apply = apply

    def send_drawing(self) -> None:
        self.apply(json.loads(json.dumps(self.remote.take())))


def test_recorded_drawing_rebuilds_the_same_card() -> None:
    direct = FakeDocument()
    direct_root = direct.createElement("section")
    remote = RemoteDocument()
    mirror = FakeDocument()
    mirror_root = mirror.createElement("section")
    apply = Applier(mirror, mirror_root)
    cards = [Card(CardView(direct, direct_root), FakePage(lambda: 9_000.0)),
             Card(CardView(remote, remote.root), MirroringPage(remote, apply))]
    for card in cards:
        for kind, args, at in CALL:
            card.receive(kind, json.dumps(args), at)
        card.tick()
    assert mirror_root.visible_text() == direct_root.visible_text()
    assert "Unrecognised code: <b>486</b>" in mirror_root.visible_text()
    assert mirror.tags <= {"DIV", "SPAN", "P", "DL", "DT", "DD", "OL", "LI", "TIME", "SECTION", "BUTTON"}


def test_an_event_sends_a_small_batch() -> None:
    remote = RemoteDocument()
    card = Card(CardView(remote, remote.root), FakePage())
    for kind, args, at in CALL:
        card.receive(kind, json.dumps(args), at)
    remote.take()
    card.receive("CallCard::CallStateChanged", '["connected"]', 8_000)
    assert len(remote.take()) < 40
