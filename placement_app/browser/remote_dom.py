"""A document for a view that runs away from the page (Python in a Web Worker).

Pyodide's start-up blocks the thread it runs on for seconds; on the page's
main thread that would delay every call event and freeze the quick view.  So
Python runs in a worker, and the view draws into this stand-in instead: each
DOM call becomes a small operation, and the batch of one event is posted to
the page, where ``static/dom-ops.js`` applies it with text-only DOM calls.

Operations (ids are integers; 0 is the card's ``#timeline``):
``["c", id, tag]`` create, ``["a", parent, child]`` append (moves),
``["r", id]`` remove, ``["t", id, text]`` text, ``["k", id, class]`` class,
``["h", id, hidden]`` hidden, ``["s", id, name, value]`` attribute.
"""

from __future__ import annotations

from typing import Any

Operation = list[Any]


class RemoteElement:
    """Records what is done to it; reads back nothing but what it was given."""

    __slots__ = ("_class", "_document", "_hidden", "_text", "id")

    def __init__(self, document: RemoteDocument, element_id: int):
        self._document = document
        self.id = element_id
        self._text = ""
        self._class = ""
        self._hidden = False

    @property
    def textContent(self) -> str:
        return self._text

    @textContent.setter
    def textContent(self, value: str) -> None:
        self._text = str(value)
        self._document.operations.append(["t", self.id, self._text])

    @property
    def className(self) -> str:
        return self._class

    @className.setter
    def className(self, value: str) -> None:
        self._class = str(value)
        self._document.operations.append(["k", self.id, self._class])

    @property
    def hidden(self) -> bool:
        return self._hidden

    @hidden.setter
    def hidden(self, value: bool) -> None:
        self._hidden = bool(value)
        self._document.operations.append(["h", self.id, self._hidden])

    def appendChild(self, child: RemoteElement) -> RemoteElement:
        self._document.operations.append(["a", self.id, child.id])
        return child

    def remove(self) -> None:
        self._document.operations.append(["r", self.id])

    def setAttribute(self, name: str, value: str) -> None:
        self._document.operations.append(["s", self.id, str(name), str(value)])


class RemoteDocument:
    """``createElement`` and a root; :meth:`take` hands over what was recorded."""

    def __init__(self) -> None:
        self.operations: list[Operation] = []
        self.root = RemoteElement(self, 0)
        self._next_id = 1

    def createElement(self, tag: str) -> RemoteElement:
        element = RemoteElement(self, self._next_id)
        self._next_id += 1
        self.operations.append(["c", element.id, str(tag)])
        return element

    def take(self) -> list[Operation]:
        """The operations since the last call, oldest first."""
        operations, self.operations = self.operations, []
        return operations
