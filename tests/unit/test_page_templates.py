"""The pages' templates: the card's page at the top level and ``templates/``, and no other file."""

from __future__ import annotations

import jinja2
import pytest

import build


def test_every_page_and_what_the_admin_pages_share_load() -> None:
    env = build.page_environment()
    for name in (*build.PAGES, "admin-page.html"):
        assert env.get_template(name).filename, name
    assert env.get_template(build.CARD_PAGE).filename == str(build.ROOT / "index.html")


@pytest.mark.parametrize("name", ["build.py", "README.md", "pyproject.toml", "serving.py", "static/shim.js",
                                  "placement_app/__init__.py", "../build.py", "templates/../build.py"])
def test_no_other_file_of_the_project_is_a_template(name: str) -> None:
    with pytest.raises(jinja2.TemplateNotFound):
        build.page_environment().get_template(name)
