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


def block(tmp_path: Path, *options: str) -> str:
    """The block ``build.main`` writes for ``options`` (with real certificate files for ``--tls``)."""
    tls = ["--tls", str(pem(tmp_path / "timeline.pem")), str(pem(tmp_path / "timeline.key"))]
    build.main(["--site", str(tmp_path / "site"), *(tls if "--tls" in options else []),
                *(option for option in options if option != "--tls")])
    return (tmp_path / "nginx.conf").read_text()


def listens(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("listen ")]


def servers(text: str) -> list[str]:
    """Each ``server { … }`` block of the file, in order."""
    return ["server {" + part for part in text.split("\nserver {")[1:]]


def test_a_port_listens_on_ipv4_and_ipv6_and_an_address_on_itself_alone(
        tmp_path: Path, built: list[Path]) -> None:
    on_a_port = block(tmp_path, "--tls", "--nginx-version", "1.22.1", "--listen", "443")
    assert listens(servers(on_a_port)[-1]) == ["listen 443 ssl http2;", "listen [::]:443 ssl http2;"]
    assert listens(servers(on_a_port)[0]) == ["listen 80;", "listen [::]:80;"]
    on_loopback = block(tmp_path, "--nginx-version", "1.22.1", "--listen", "127.0.0.1:8080")
    assert listens(on_loopback) == ["listen 127.0.0.1:8080;"]
    on_v6 = block(tmp_path, "--tls", "--nginx-version", "1.22.1", "--listen", "[::1]:8443 default_server",
                  "--redirect-from", "[::1]:8080")
    assert listens(on_v6) == ["listen [::1]:8080;", "listen [::1]:8443 default_server ssl http2;"]


@pytest.mark.parametrize(("version", "listen", "directive"), [
    ("1.22.1", "listen 443 ssl http2;", False),
    ("1.25.0", "listen 443 ssl http2;", False),
    ("1.25.1", "listen 443 ssl;", True),
    ("1.26.3", "listen 443 ssl;", True),
])
def test_http2_is_written_as_the_servers_nginx_takes_it(
        tmp_path: Path, built: list[Path], version: str, listen: str, directive: bool) -> None:
    text = block(tmp_path, "--tls", "--nginx-version", version, "--listen", "443 ssl http2")
    site = servers(text)[-1]
    assert listens(site)[0] == listen
    assert ("\n    http2 on;\n" in site) is directive
    assert f"# HTTP/2 for nginx {version} (--nginx-version): " in text


def test_http2_is_written_for_this_machines_nginx_or_in_the_form_every_nginx_takes(
        tmp_path: Path, built: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "nginx"
    fake.write_text("#!/bin/sh\necho 'nginx version: nginx/1.27.4' >&2\n")
    fake.chmod(0o755)
    monkeypatch.setattr("serving.nginx_binary", lambda: str(fake))
    text = block(tmp_path, "--tls")
    assert "# HTTP/2 for nginx 1.27.4 (nginx -v on the build machine): \"http2 on;\"" in text
    assert "\n    http2 on;\n" in servers(text)[-1]

    monkeypatch.setattr("serving.nginx_binary", lambda: None)
    text = block(tmp_path, "--tls")
    assert ('# HTTP/2 in the form every nginx takes, "listen ... http2" '
            "(no nginx on the build machine;") in text
    assert listens(servers(text)[-1]) == ["listen 443 ssl http2;", "listen [::]:443 ssl http2;"]
    assert "http2 on;" not in text


def test_with_tls_plain_http_is_redirected_to_https_on_the_same_host_and_port(
        tmp_path: Path, built: list[Path]) -> None:
    text = block(tmp_path, "--tls", "--nginx-version", "1.22.1", "--server-name", "timeline.example.com")
    redirect, site = servers(text)
    assert "    return 308 https://$host$request_uri;\n" in redirect
    assert "    server_name timeline.example.com;\n" in redirect
    assert "root " not in redirect and "root " in site
    elsewhere = block(tmp_path, "--tls", "--nginx-version", "1.22.1", "--listen", "127.0.0.1:8443",
                      "--redirect-from", "127.0.0.1:8080")
    assert "    return 308 https://$host:8443$request_uri;\n" in servers(elsewhere)[0]
    assert len(servers(block(tmp_path, "--tls", "--nginx-version", "1.22.1", "--redirect-from", "off"))) == 1
    plain = block(tmp_path, "--listen", "8080")
    assert len(servers(plain)) == 1
    assert "return 308" not in plain and "http2" not in plain and "ssl" not in plain


def test_compressed_copies_are_marked_as_varying_by_encoding(tmp_path: Path, built: list[Path]) -> None:
    site = servers(block(tmp_path, "--listen", "8080"))[-1]
    assert "\n    gzip_static on;\n" in site
    assert "\n    gzip_vary on;\n" in site


def test_a_listen_nginx_could_not_read_as_one_directive_is_refused(tmp_path: Path, built: list[Path]) -> None:
    with pytest.raises(SystemExit, match="--listen '443; include /etc/passwd'"):
        block(tmp_path, "--listen", "443; include /etc/passwd")
    assert built == []
