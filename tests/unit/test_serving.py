"""The nginx block ``build.py`` writes, and the options that shape it, read without nginx.

``build.main`` is run as an admin runs it, with the build itself replaced:
what is refused must be refused before anything is built.  (Real nginx runs
the block in ``tests/e2e/test_nginx.py``.)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

import build


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The sites ``build.main`` asked to build; none is built, so the block lands in ``tmp_path``."""
    asked: list[Path] = []

    def pretend(site: Path, snapshot: bool = True) -> Path:
        asked.append(site)
        return site

    monkeypatch.setattr(build, "build", pretend)
    return asked


def pem(path: Path) -> Path:
    path.write_text("-----BEGIN TEST-----\n-----END TEST-----\n")
    return path


def test_a_certificate_that_does_not_exist_is_refused_before_anything_is_built(
        tmp_path: Path, built: list[Path]) -> None:
    missing = tmp_path / "timeline.pem"
    key = pem(tmp_path / "timeline.key")
    with pytest.raises(SystemExit) as refusal:
        build.main(["--site", str(tmp_path / "site"), "--tls", str(missing), str(key)])
    assert str(refusal.value).startswith(
        f"--tls: the certificate {missing} does not exist; nothing was built")
    assert built == []
    assert not (tmp_path / "nginx.conf").exists()


@pytest.mark.parametrize(("make", "problem"), [
    (lambda path: None, "does not exist"),
    (lambda path: path.mkdir(), "is a folder, not a file"),
])
def test_a_key_that_cannot_be_read_is_refused_and_named(
        tmp_path: Path, built: list[Path], make: Callable[[Path], object], problem: str) -> None:
    certificate = pem(tmp_path / "timeline.pem")
    key = tmp_path / "timeline.key"
    make(key)
    with pytest.raises(SystemExit) as refusal:
        build.main(["--site", str(tmp_path / "site"), "--tls", str(certificate), str(key)])
    assert str(refusal.value).startswith(f"--tls: the key {key} {problem}")
    assert built == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_a_key_only_another_user_may_read_is_refused(tmp_path: Path, built: list[Path]) -> None:
    certificate = pem(tmp_path / "timeline.pem")
    key = pem(tmp_path / "timeline.key")
    key.chmod(0)
    with pytest.raises(SystemExit) as refusal:
        build.main(["--site", str(tmp_path / "site"), "--tls", str(certificate), str(key)])
    assert str(refusal.value).startswith(f"--tls: the key {key} is not readable by this user")
    assert built == []


def test_files_that_exist_are_named_in_the_block_by_their_absolute_paths(
        tmp_path: Path, built: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    pem(tmp_path / "timeline.pem")
    pem(tmp_path / "timeline.key")
    monkeypatch.chdir(tmp_path)
    build.main(["--site", str(tmp_path / "site"), "--tls", "timeline.pem", "timeline.key"])
    assert built == [tmp_path / "site"]
    block = (tmp_path / "nginx.conf").read_text()
    assert f"    ssl_certificate {tmp_path / 'timeline.pem'};\n" in block
    assert f"    ssl_certificate_key {tmp_path / 'timeline.key'};\n" in block


def test_for_a_server_elsewhere_missing_files_are_only_warned_about(
        tmp_path: Path, built: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    build.main(["--site", str(tmp_path / "site"), "--root", "/srv/timeline",
                "--tls", "/etc/ssl/timeline.pem", "/etc/ssl/private/timeline.key"])
    assert built == [tmp_path / "site"]
    said = capsys.readouterr().out
    assert "WARNING: --tls: the certificate /etc/ssl/timeline.pem does not exist here" in said
    block = (tmp_path / "nginx.conf").read_text()
    assert "    root /srv/timeline;\n" in block
    assert "    ssl_certificate_key /etc/ssl/private/timeline.key;\n" in block


def test_the_root_is_the_built_site_unless_named(tmp_path: Path, built: list[Path]) -> None:
    build.main(["--site", str(tmp_path / "site")])
    assert f"    root {(tmp_path / 'site').resolve()};\n" in (tmp_path / "nginx.conf").read_text()
    with pytest.raises(SystemExit, match="--root 'srv/timeline': give the absolute path"):
        build.main(["--site", str(tmp_path / "site"), "--root", "srv/timeline"])
