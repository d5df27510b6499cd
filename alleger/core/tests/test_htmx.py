"""htmx is loaded by the pages that use it, and only by them (docs/architecture.md, Front-end)."""

import re
from pathlib import Path

import pytest

import alleger

HX_ATTRIBUTE = re.compile(r"\shx-[a-z-]+=")


def test_every_template_with_hx_attributes_includes_htmx():
    root = Path(alleger.__file__).parent
    using = [path for path in root.rglob("*.html") if HX_ATTRIBUTE.search(path.read_text(encoding="utf-8"))]
    assert using, "no template uses htmx any more: drop it from package.json and components/htmx.html"
    for path in using:
        assert '{% include "components/htmx.html" %}' in path.read_text(encoding="utf-8"), path


@pytest.mark.django_db
def test_the_projects_list_loads_htmx_and_the_home_page_does_not(client):
    assert "htmx.min" in client.get("/projets/").content.decode()
    assert "htmx" not in client.get("/").content.decode()
