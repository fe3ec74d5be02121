"""Text, Markdown and the calendar speak in words: no vocabulary code, instrument slug, rule id or transfer
id on what a person reads (codes stay in JSON). Run on the filing-pack profiles of tests/filing/."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

CASES = Path(__file__).resolve().parent / "filing"
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b|\b[a-z]+-[a-z]+-\d{4}\b|\bcn\.[a-z]+|`|xfer-")


def _render(case: Path, fmt: str, lang: str) -> str:
    done = subprocess.run([sys.executable, "-m", "advisor.cli", "assess", "--format", fmt, "--lang", lang, str(case)],
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode()
    if fmt == "ics":   # unfold the folded lines and undo the escapes a calendar reader undoes
        text = text.replace("\r\n ", "").replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n")
        text = "\n".join(line for line in text.splitlines() if not line.startswith(("UID:", "PRODID:", "CALSCALE:")))
    return text


@pytest.mark.parametrize("case", sorted(CASES.glob("*.json")), ids=lambda p: p.stem)
@pytest.mark.parametrize("fmt", ["text", "markdown", "ics"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_code_on_the_page(case, fmt, lang):
    text = re.sub(r"https?://\S+", "", _render(case, fmt, lang))   # sources a person can verify keep their URL
    found = [m for m in CODE.findall(text) if not m.startswith("sha256")]
    assert not found, found[:5]
    for t in json.loads(case.read_text(encoding="utf-8"))["transfers"]:
        assert t["id"] not in text
        assert (t.get("description") or "") in text


def test_the_calendar_of_a_standard_contract_not_yet_signed_is_not_empty():
    text = _render(CASES / "standard_contract.json", "ics", "zh")
    assert "BEGIN:VTODO" in text and "个人信息出境标准合同备案：标准合同生效之日起10个工作日内" in text
