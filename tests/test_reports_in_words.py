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


SC_ITEMS = ["（一）统一社会信用代码证件影印件", "（二）法定代表人身份证件影印件", "（三）经办人身份证件影印件", "（四）经办人授权委托书",
            "（五）承诺书", "（六）个人信息出境标准合同", "（七）个人信息保护影响评估报告", "（八）其他相关证明材料"]
SA_ITEMS = ["（一）申报书", "（二）数据出境风险自评估报告", "（三）数据处理者与境外接收方拟订立的法律文件", "（四）安全评估工作需要的其他材料"]


@pytest.mark.parametrize(("case", "heading", "items"), [
    ("standard_contract", "个人信息出境标准合同备案", SC_ITEMS),
    ("gba", "粤港澳大湾区个人信息跨境流动标准合同备案",
     ["（一）法定代表人身份证件影印件", "（二）承诺书", "（三）粤港澳大湾区个人信息跨境流动标准合同"]),
    ("security_assessment", "数据出境安全评估申报", SA_ITEMS),
    ("standard_contract", "个人信息出境认证", ["（二）个人信息保护影响评估报告", "（三）认证申请材料（按认证机构要求）"]),
])
@pytest.mark.parametrize("fmt", ["markdown", "ics"])
def test_the_official_items_in_order(case, heading, items, fmt):
    text = _render(CASES / f"{case}.json", fmt, "zh")
    if fmt == "ics":   # the calendar entry that names the route
        text = next(b for b in re.split(r"BEGIN:V(?:EVENT|TODO)", text) if heading in b or
                    (heading == "数据出境安全评估申报" and "（一）申报书" in b))
        text = heading + text
    at = text.index(heading)
    for item in items:
        at = text.index(item, at)   # ValueError when missing or out of order
