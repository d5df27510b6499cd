"""The static files' storage remembers each name's URL (alleger/core/staticfiles.py)."""

import json

import pytest

from alleger.core.staticfiles import StaticFilesStorage


def test_a_static_url_is_the_manifests_and_is_remembered(tmp_path, settings):
    settings.DEBUG = False
    (tmp_path / "staticfiles.json").write_text(json.dumps(
        {"paths": {"funding/funding.css": "funding/funding.0123abcd.css"}, "version": "1.1"}))
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    assert storage.url("funding/funding.css") == "/static/funding/funding.0123abcd.css"
    storage.hashed_files = {}  # a second answer comes from the memory, not the manifest
    assert storage.url("funding/funding.css") == "/static/funding/funding.0123abcd.css"
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        storage.url("nowhere.css")
    with pytest.raises(ValueError):  # an error is not remembered as an answer
        storage.url("nowhere.css")
