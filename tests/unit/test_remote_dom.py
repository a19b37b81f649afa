"""The view drawn in the worker: recorded operations rebuild exactly what direct drawing gives."""

import json

from fakedom import FakeDocument

from placement_app.card.app import Card
from placement_app.browser.remote_dom import RemoteDocument
from placement_app.browser.mirror import MirroredStorage
from placement_app.card.storage import Store
from placement_app.core.timeline import Timeline
from placement_app.card.view import CardView

CALL = [
    ("app:opened", [{"LANG": "en", "PLACEMENT_OPTIONS": {"CALL_ID": "c", "CALL_STATE": "idle"}}], 0),
    ("CallCard::CallStateChanged", ["connecting"], 1_000),
    ("CallCard::EntityChanged", [{"PHONE_NUMBER": "+7495"}], 2_000),
    ("CallCard::CallStateChanged", [["idle", {"failedCode": "<b>486</b>"}]], 7_000),
]


class Applier:
    """What static/dom-ops.js does, in Python: the protocol's meaning."""

    def __init__(self, document, root):
        self.document = document
        self.nodes = {0: root}

    def __call__(self, operations):
        for operation in operations:
            self.one(*operation)

    def one(self, code, element, *rest):
        nodes, document = self.nodes, self.document
        if code == "c":
            nodes[element] = document.createElement(rest[0])
        elif code == "a":
            nodes[element].appendChild(nodes[rest[0]])
        elif code == "r":
            nodes[element].remove()
        elif code == "t":
            nodes[element].textContent = rest[0]
        elif code == "k":
            nodes[element].className = rest[0]
        elif code == "h":
            nodes[element].hidden = rest[0]
        elif code == "s":
            nodes[element].setAttribute(*rest)


def test_recorded_drawing_rebuilds_the_same_card():
    direct = FakeDocument()
    direct_root = direct.createElement("section")
    remote = RemoteDocument()
    mirror = FakeDocument()
    mirror_root = mirror.createElement("section")
    apply = Applier(mirror, mirror_root)
    cards = [Card(CardView(direct, direct_root), lambda: 9_000.0),
             Card(CardView(remote, remote.root), lambda: 9_000.0,
                  on_drawn=lambda: apply(json.loads(json.dumps(remote.take()))))]
    for card in cards:
        for kind, args, at in CALL:
            card.receive(kind, json.dumps(args), at)
        card.tick()
    assert mirror_root.visible_text() == direct_root.visible_text()
    assert "Unrecognised code: <b>486</b>" in mirror_root.visible_text()
    assert mirror.tags <= {"DIV", "SPAN", "P", "DL", "DT", "DD", "OL", "LI", "TIME", "SECTION", "BUTTON"}


def test_an_event_sends_a_small_batch():
    remote = RemoteDocument()
    card = Card(CardView(remote, remote.root), lambda: 0.0)
    for kind, args, at in CALL:
        card.receive(kind, json.dumps(args), at)
    remote.take()
    card.receive("CallCard::CallStateChanged", '["connected"]', 8_000)
    assert len(remote.take()) < 40


def test_mirrored_storage_posts_writes_and_keeps_to_its_budget():
    posted = []
    storage = MirroredStorage({"call-timeline:v1:calls": "[]", 3: "x"}, lambda *a: posted.append(a),
                              budget=5_000)
    assert storage.getItem("call-timeline:v1:calls") == "[]" and 3 not in storage.items
    store = Store(storage)
    assert store.save(Timeline(call_id="c1"))
    assert posted[0][0] == "set" and posted[0][1] == "call-timeline:v1:call:c1"
    assert store.load("c1") == Timeline(call_id="c1")
    big = "x" * 6_000
    try:
        storage.setItem("call-timeline:v1:call:big", big)
    except MemoryError:
        pass
    else:
        raise AssertionError("the budget was not kept")
    storage.removeItem("call-timeline:v1:call:c1")
    assert posted[-1] == ("remove", "call-timeline:v1:call:c1", None)
