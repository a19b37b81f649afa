"""A minimal stand-in for the browser DOM: just what placement_app.card.view uses.

It records every write, so tests can check that the view only writes text
and touches few nodes per event.
"""

from __future__ import annotations


class FakeElement:
    def __init__(self, document: FakeDocument, tag: str):
        self.document = document
        self.tagName = tag.upper()
        self.children: list[FakeElement] = []
        self.parent: FakeElement | None = None
        self._text = ""
        self.className = ""
        self.hidden = False
        self.attributes: dict[str, str] = {}

    def setAttribute(self, name: str, value: str) -> None:
        assert isinstance(value, str)
        self.document.writes += 1
        self.attributes[name] = value

    @property
    def textContent(self) -> str:
        return self._text + "".join(child.textContent for child in self.children)

    @textContent.setter
    def textContent(self, value: str) -> None:
        assert isinstance(value, str), f"textContent got {type(value).__name__}"
        self.document.writes += 1
        self.children = []
        self._text = value

    def appendChild(self, child: FakeElement) -> FakeElement:
        self.document.writes += 1
        child.remove()  # as in the DOM: appending a node moves it
        child.parent = self
        self.children.append(child)
        return child

    def remove(self) -> None:
        if self.parent is not None:
            self.parent.children.remove(self)
            self.parent = None

    def find_all(self, class_name: str) -> list[FakeElement]:
        found = [self] if class_name in self.className.split() else []
        for child in self.children:
            found.extend(child.find_all(class_name))
        return found

    def find(self, class_name: str) -> FakeElement:
        found = self.find_all(class_name)
        assert found, f"no .{class_name}"
        return found[0]

    def visible_text(self) -> str:
        """Text as a person would read it: hidden parts left out, one line per block."""
        if self.hidden:
            return ""
        own = [self._text] if self._text else []
        return "\n".join(own + [t for t in (c.visible_text() for c in self.children) if t])


class FakeDocument:
    """Counts what it creates (without keeping it, so memory can be measured)."""

    def __init__(self) -> None:
        self.writes = 0
        self.created = 0
        self.tags: set[str] = set()

    def createElement(self, tag: str) -> FakeElement:
        element = FakeElement(self, tag)
        self.created += 1
        self.tags.add(element.tagName)
        return element
