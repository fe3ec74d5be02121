"""Exports are safe by construction: what a profile says is text in every format (issue 10 §5)."""
from __future__ import annotations

import copy

import pytest
from icalendar import Calendar

from advisor.render import render
from advisor.render.escape import ics_text, md_code, md_text, one_line
from advisor.service import Advisor

HOSTILE = "Evil\nBEGIN:VEVENT\r\nX;Y,Z\\ # Heading <script>alert(1)</script> <img src=x onerror=alert(1)> =cmd|' /C calc'!A0"
PROFILE = {"as_of": "2026-11-27",
           "company": {"name": HOSTILE, "region": "310115", "sector": "internet_services", "ciio": False},
           "transfers": [{"id": "t`1<b>|x", "purpose": "marketing", "recipient": {"kind": "third_party", "country": "US"},
                          "personal_info_subjects": 150000, "sensitive_info_subjects": 0, "important_data": False,
                          "collected_abroad": False}],
           "approvals": [{"mechanism": "standard_contract", "transfer": "t`1<b>|x", "effective_on": "2026-11-20"}]}


@pytest.fixture(scope="module")
def assessment():
    result = Advisor.load().assess(copy.deepcopy(PROFILE))
    assert result["deadlines"], "the profile must produce a deadline so that the calendar has events"
    return {"id": "a" * 32, **result}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_ics_with_a_hostile_company_name_and_transfer_id_is_one_valid_calendar(assessment, lang):
    out = render(assessment, "ics", lang)
    cal = Calendar.from_ical(out)
    assert out.count(b"\r\nBEGIN:VEVENT") == len(assessment["deadlines"])  # no event smuggled in by the name
    wire = out.replace(b"\r\n ", b"")  # unfolded content lines
    assert b"\r\nX-WR-CALNAME:Evil BEGIN:VEVENT X\\;Y\\,Z\\\\ # Heading" in wire  # RFC 5545 TEXT escaping
    assert "\n" not in str(cal["X-WR-CALNAME"])
    for ev in cal.walk("VEVENT"):
        assert "\n" not in str(ev["SUMMARY"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_markdown_with_a_hostile_company_name_is_text_not_markup(assessment, lang):
    out = render(assessment, "markdown", lang)
    assert "<script>" not in out and "<img" not in out and "&lt;script&gt;" in out
    assert "\n# Heading" not in out and "\\# Heading" in out
    assert "=cmd\\|" in out and "=cmd|" not in out  # a pipe cannot split a table cell
    assert "\nBEGIN:VEVENT" not in out
    headings = [line for line in out.splitlines() if line.startswith("#")]
    assert all("Heading" not in h for h in headings)


def test_the_escaping_functions():
    assert one_line("a\r\nb\u2028c\u202ed\x00") == "a b c d"
    assert md_text("# x <y> & [l](u) *b* a|b `c`") == "\\# x &lt;y&gt; &amp; \\[l\\](u) \\*b\\* a\\|b \\`c\\`"
    assert md_code("a``b") == "```a``b```" and md_code("`x") == "`` `x ``"
    assert ics_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
