"""The worker's check of a runtime restored from the start-up snapshot, under CPython.

The restore itself is Pyodide's: ``tests/e2e/test_start_paths.py`` restores
the build's real snapshot, and sets aside one of another build;
``tests/e2e/test_boot_failures.py`` one restored without its standard library.
"""

from __future__ import annotations

import importlib
import random
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from placement_app.browser import restored as restored_module

KEY = "314.0.7-0123456789abcdef"


@pytest.fixture
def restored() -> Iterator[ModuleType]:
    """The module as a fresh runtime has it: not marked by the build."""
    yield importlib.reload(restored_module)
    importlib.reload(restored_module)


@pytest.fixture
def stdlib(tmp_path: Path) -> list[str]:
    """A search path as Pyodide's, with the standard library's zip written at start."""
    archive = tmp_path / "python314.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("os.py", "")
    return [str(tmp_path / "site-packages"), str(archive)]


def test_the_snapshot_the_page_names_is_accepted(restored: ModuleType, stdlib: list[str]) -> None:
    restored.mark(KEY)
    assert restored.after_restore(KEY, stdlib) is None


def test_a_runtime_the_build_did_not_mark_or_marked_for_another_build_is_refused(
        restored: ModuleType, stdlib: list[str]) -> None:
    assert restored.after_restore(KEY, stdlib) == f"it is not ours, not {KEY}"
    restored.mark("314.0.7-fedcba9876543210")
    assert restored.after_restore(KEY, stdlib) == f"it is 314.0.7-fedcba9876543210, not {KEY}"


def test_a_runtime_without_its_standard_library_is_refused(restored: ModuleType, stdlib: list[str]) -> None:
    restored.mark(KEY)
    Path(stdlib[-1]).unlink()  # the runtime could not write it: the stdlib's download failed
    assert restored.after_restore(KEY, stdlib) == "the standard library did not load"


def test_each_restored_card_draws_its_own_random_numbers(restored: ModuleType, stdlib: list[str]) -> None:
    """Every card restored from one snapshot starts with the same state of ``random``: as here."""
    restored.mark(KEY)
    draws = []
    for _ in range(2):
        random.seed(7)  # the state the snapshot holds
        restored.after_restore(KEY, stdlib)
        draws.append(random.random())
    assert draws[0] != draws[1]

