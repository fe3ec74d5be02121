"""The result page speaks in words for every project, sample and golden case (the page's share of the sweep in
tests/test_no_codes_anywhere.py): each case goes through the form to the real advisor, and the page, in
Chinese and in English, shows no vocabulary code, slug, rule id or transfer id."""
from __future__ import annotations

import re

import pytest

from tests.casefile import load_golden_cases, load_own_cases, load_samples
from tests.test_no_codes_anywhere import codes_in
from web_support import csrf_token, profile_form

CASES = [c for c in load_own_cases() + load_samples() + load_golden_cases() if not c["expect"].get("error")]


def _visible(html: str) -> str:
    html = re.sub(r"<(script|svg|style).*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&amp;", "&")


@pytest.mark.parametrize("case", CASES, ids=[c["_file"] for c in CASES])
def test_the_result_page_has_no_code(real_client, case):
    try:
        pairs = profile_form(case["profile"])
    except (KeyError, TypeError, ValueError):
        pytest.skip("a profile the form cannot express")
    pairs.append(("csrf_token", csrf_token(real_client)))
    form: dict[str, list[str]] = {}
    for k, v in pairs:
        form.setdefault(k, []).append(v)
    r = real_client.post("/", data=form, follow_redirects=False)
    assert r.status_code == 303, r.status_code  # a refusal (422, 429, 403) of a valid profile is a failure
    ids = [str(t["id"]) for t in case["profile"].get("transfers", []) if t.get("id")]
    for lang in ("zh", "en"):
        page = real_client.get(r.headers["location"], params={"lang": lang})
        assert page.status_code == 200
        found = codes_in(_visible(page.text), lang, ids)
        assert not found, (lang, found[:8])
