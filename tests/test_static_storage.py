"""Production static files: hashed names from the manifest, each looked up once per process."""

import json

import pytest
from django.test import override_settings

from config.storage import StaticStorage


@pytest.fixture
def storage(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "app.4f2a.css").write_text("body{}")
    manifest = {"paths": {"css/app.css": "css/app.4f2a.css"}, "version": "1.1", "hash": "x"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticStorage(location=str(tmp_path), base_url="/static/")


@override_settings(DEBUG=False)
def test_it_serves_the_hashed_name_from_the_manifest(storage):
    assert storage.url("css/app.css") == "/static/css/app.4f2a.css"


@override_settings(DEBUG=False)
def test_it_looks_each_name_up_only_once(storage):
    assert storage.url("css/app.css") == "/static/css/app.4f2a.css"
    # Were the manifest read again, the name would now fail to resolve.
    storage.hashed_files.clear()
    assert storage.url("css/app.css") == "/static/css/app.4f2a.css"
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        storage.url("css/other.css")


@override_settings(DEBUG=False)
def test_forcing_a_lookup_still_reads_the_manifest(storage):
    storage.url("css/app.css")
    storage.hashed_files.clear()
    with pytest.raises(ValueError):
        storage.url("css/app.css", force=True)
