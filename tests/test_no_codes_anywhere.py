"""Every human output speaks in words, for every project case, sample case and golden case: text, Markdown,
the calendar, the filing pack (Chinese and English DOCX, headers and footers included), the one-sentence
summary (the JSON ``summary`` too: its fields are sentences), `advisor measures` for each case's place, and
what `advisor assess --bundle` writes. No vocabulary code, instrument or measure slug, rule id or transfer id
may appear (codes stay in the JSON's code fields). In process: one advisor, every case rendered once."""
from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from docx import Document

from advisor.errors import ProfileError
from advisor.render import render
from advisor.render.labels import summary
from advisor.render.measures import measures_text
from tests.casefile import load_golden_cases, load_own_cases, load_samples

CASES = [c for c in load_own_cases() + load_samples() + load_golden_cases() if not c["expect"].get("error")]
# snake_case codes, slugs with a year (pipl-2021, gba-sc-hk-2023), rule-pack ids, Markdown code spans
CODE = re.compile(r"(?<![A-Za-z0-9_])[a-z]+_[a-z_]+(?![A-Za-z0-9_])|(?<![A-Za-z0-9-])[a-z]+(?:-[a-z]+)+-\d{4}(?!\d)"
                  r"|(?<![A-Za-z])cn\.[a-z]+|`")
URL = re.compile(r"https?://\S+")


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    """Codes that are single lowercase words (marketing, hr, …) and so escape CODE: checked in Chinese
    outputs, where an ASCII word has no business."""
    from advisor.packs.yamlio import read_yaml
    from advisor.resources import shipped_rules_dir
    labels = read_yaml(shipped_rules_dir() / "labels.yaml")
    return frozenset(code for kind in ("sector", "purpose", "recipient_kind", "measure_type")
                     for code in labels[kind] if re.fullmatch(r"[a-z]+", code))


@lru_cache(maxsize=1)
def _measure_ids() -> frozenset[str]:
    from advisor.service import Advisor
    return frozenset(Advisor.load().pack.catalogue.by_id)


def _assess(advisor: Any, case: dict[str, Any]) -> dict[str, Any] | None:
    try:
        return advisor.assess(case["profile"])
    except ProfileError:   # an invalid profile has no report; its error names the field (by design)
        return None


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for t in doc.tables for row in t.rows for cell in row.cells]
    for section in doc.sections:
        parts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


def _ics_text(text: str) -> str:
    text = text.replace("\r\n ", "").replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n")
    return "\n".join(line for line in text.splitlines() if not line.startswith(("UID:", "PRODID:", "CALSCALE:")))


def codes_in(text: str, lang: str, transfer_ids: list[str]) -> list[str]:
    """The internal codes a reader would see in ``text`` (URLs, which a reader can verify, aside)."""
    text = URL.sub("", text)
    found = [m for m in CODE.findall(text) if not m.startswith("sha256")]
    found += [m for m in _measure_ids() if re.search(rf"(?<![A-Za-z0-9/.-]){re.escape(m)}(?![A-Za-z0-9-])", text)]
    found += [t for t in transfer_ids if re.search(rf"(?<![A-Za-z0-9_-]){re.escape(t)}(?![A-Za-z0-9_-])", text)]
    if lang == "zh":
        found += [w for w in re.findall(r"(?<![A-Za-z])[a-z]+(?![A-Za-z])", text) if w in _vocabulary()]
    return found


def _outputs(result: dict[str, Any], lang: str) -> dict[str, str]:
    return {"text": str(render(result, "text", lang)),
            "markdown": str(render(result, "markdown", lang)),
            "ics": _ics_text(bytes(render(result, "ics", lang)).decode()),
            "docx": _docx_text(bytes(render(result, "docx", lang))),
            "summary": summary(result, lang),
            "json summary": result["summary"][lang]}


def _ids(case: dict[str, Any]) -> list[str]:
    return [str(t["id"]) for t in case["profile"].get("transfers", []) if t.get("id")]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("case", CASES, ids=[c["_file"] for c in CASES])
def test_no_code_in_any_output(advisor, case, lang):
    result = _assess(advisor, case)
    if result is None:
        pytest.skip("invalid profile: no report")
    bad = {fmt: found for fmt, text in _outputs(result, lang).items() if (found := codes_in(text, lang, _ids(case)))}
    assert not bad, bad


@lru_cache(maxsize=None)
def _measures(advisor: Any, region: str, sector: str, lang: str, as_of: str) -> str:
    import datetime as dt
    rows = advisor.measures(region=region, sector=sector, as_of=dt.date.fromisoformat(as_of))
    return measures_text(rows, lang, SimpleNamespace(ids=False))


PLACES = sorted({(str(c["profile"]["company"]["region"]), str(c["profile"]["company"].get("sector") or ""),
                  str(c["profile"].get("as_of") or "2026-11-27"))
                 for c in CASES if isinstance(c["profile"].get("company"), dict)
                 and c["profile"]["company"].get("region")})


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("place", PLACES, ids=["-".join(p) for p in PLACES])
def test_no_code_in_the_measures_listing(advisor, place, lang):
    region, sector, as_of = place
    try:
        text = _measures(advisor, region, sector, lang, as_of)
    except ProfileError:
        pytest.skip("a place the catalogue refuses")
    assert not codes_in(text, lang, []), codes_in(text, lang, [])


def test_the_checker_catches_codes():
    """The sweep can fail: each kind of code it looks for is found."""
    some_measure = sorted(_measure_ids())[0]
    assert codes_in("依据: sc-measures-2023第7条", "zh", [])
    assert codes_in("sector internet_services", "en", [])
    assert codes_in(f"措施 [{some_measure}]", "zh", [])
    assert codes_in("由t1决定", "zh", ["t1"])
    assert codes_in("用途：marketing", "zh", [])
    assert not codes_in("用途：市场营销 https://sjcj.cac.gov.cn/a_b", "zh", ["t1"])


def test_the_bundle_writes_both_languages_in_words(tmp_path):
    profile = Path(__file__).resolve().parent / "filing" / "standard_contract.json"
    done = subprocess.run([sys.executable, "-m", "advisor.cli", "assess", "--bundle", str(tmp_path), str(profile)],
                          capture_output=True, timeout=180)
    assert done.returncode == 0, done.stderr
    ids = [t["id"] for t in json.loads(profile.read_text(encoding="utf-8"))["transfers"]]
    zh, en = tmp_path / "standard_contract.docx", tmp_path / "standard_contract.en.docx"
    assert zh.is_file() and en.is_file()
    zh_text, en_text = _docx_text(zh.read_bytes()), _docx_text(en.read_bytes())
    assert "材料清单" in zh_text and "List of materials" in en_text and "材料清单" not in en_text
    for text, lang in ((zh_text, "zh"), (en_text, "en"), ((tmp_path / "standard_contract.md").read_text("utf-8"), "zh")):
        assert not codes_in(text, lang, ids), codes_in(text, lang, ids)


# Rule texts (owned by the rules, rules/national and rules/regional) that still name a profile field or an
# instrument id inside a sentence. Every human output renders them without it (advisor/render/words.readable);
# only the JSON sentence keeps it until the rule text is reworded. Nothing else may.
KNOWN_IN_RULE_TEXTS = frozenset({"local_list", "unique_subjects", "auto-guide-2026"})


def _sentences(node: Any, path: str = ""):
    if isinstance(node, dict):
        if {"zh", "en"} <= set(node) and all(isinstance(node[k], str) for k in ("zh", "en")):
            yield path, node
            return
        for key, value in node.items():
            if key != "profile":   # the echoed input is the user's, not ours
                yield from _sentences(value, f"{path}.{key}")
    elif isinstance(node, list):
        for value in node:
            yield from _sentences(value, f"{path}[]")


@pytest.mark.parametrize("case", CASES, ids=[c["_file"] for c in CASES])
def test_no_code_in_a_json_sentence(advisor, case):
    """The JSON's codes are in its code fields; its zh/en texts are sentences for people."""
    result = _assess(advisor, case)
    if result is None:
        pytest.skip("invalid profile: no report")
    bad = [(path, lang, found) for path, text in _sentences(result) for lang in ("zh", "en")
           if (found := set(codes_in(text[lang], lang, _ids(case))) - KNOWN_IN_RULE_TEXTS)]
    assert not bad, bad[:5]
