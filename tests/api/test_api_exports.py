"""GET /v1/assessments/{id}.ics|.md|.docx through advisor.render.render (owned by the render work)."""
from __future__ import annotations

import pytest

from advisor_api.openapi import examples

GOOD = examples()["v15-gba-hk"]["value"]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """The real Advisor.load(): renderers work on real assessments, not the fake's."""
    from fastapi.testclient import TestClient

    from advisor_api.config import Settings
    from advisor_api.main import create_app

    with TestClient(create_app(Settings(data_dir=tmp_path_factory.mktemp("exports"))), client=("127.0.0.1", 50000),
                    raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def stored(client):
    return client.post("/v1/assessments", json=GOOD).headers["location"]


@pytest.mark.parametrize("suffix,media,magic", [("ics", "text/calendar", b"BEGIN:VCALENDAR"),
                                               ("md", "text/markdown", b""), ("docx", "application/vnd.openxml", b"PK")])
def test_a_stored_assessment_is_rendered_in_each_format(client, stored, suffix, media, magic):
    r = client.get(f"{stored}.{suffix}", params={"lang": "en"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(media) and r.content.startswith(magic) and r.content
    assert f".{suffix}" in r.headers["content-disposition"]


def test_markdown_follows_the_lang_parameter(client, stored):
    zh = client.get(f"{stored}.md", params={"lang": "zh"}).text
    en = client.get(f"{stored}.md", params={"lang": "en"}).text
    assert zh != en


def test_rendering_an_unknown_id_is_404(client):
    for suffix in ("ics", "md", "docx"):
        assert client.get(f"/v1/assessments/nope.{suffix}").status_code == 404
