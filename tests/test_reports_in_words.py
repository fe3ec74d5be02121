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


# The standard-contract materials as the 2nd-edition filing guide lists them (三（一）, seven items, as the Tianjin CAC
# republished it), then the online system's steps (its manual of June 2025, chapter 四); the security-assessment
# materials as that manual's chapter 五 lists them. Written out here, not read from the pack, so that an item dropped,
# renamed or moved in the pack fails.
SC_ITEMS = ["（一）统一社会信用代码证件影印件", "（二）法定代表人身份证件影印件", "（三）经办人身份证件影印件",
            "（四）经办人授权委托书（模板见附件2）", "（五）承诺书（模板见附件3）", "（六）标准合同（范本见附件4）",
            "（七）《个人信息保护影响评估报告》（模板见附件5）",
            "①个人信息处理者基本情况（在线填写）", "②法定代表人信息（在线填写）", "③经办人信息（在线填写）", "④承诺书（上传）",
            "⑤个人信息出境场景（在线填写）", "⑥个人信息出境标准合同（在线填写并上传）", "⑦个人信息保护影响评估报告（上传）",
            "⑧其他相关证明材料，包括经办人授权委托书（上传）", "010－55627565"]
SA_ITEMS = ["（一）数据处理者情况（在线填写）", "（二）法定代表人信息（在线填写）", "（三）数据安全责任人和管理机构信息（在线填写）",
            "（四）经办人信息（在线填写）", "（五）数据处理者遵守中国法律、行政法规、部门规章情况（在线填写）",
            "（六）数据出境场景（勾选本单位承诺）（在线填写）", "（七）统一社会信用代码证件影印件（加盖公章）（上传）",
            "（八）法定代表人身份证件影印件（加盖公章）（上传）", "（九）经办人身份证件影印件（加盖公章）（上传）",
            "（十）经办人授权委托书（上传）",
            "（十一）与境外接收方拟订立的数据出境相关合同或者其他具有法律效力的文件影印件（加盖公章）（上传）",
            "（十二）数据出境风险自评估报告（上传）", "（十三）其他补充材料（如有）（上传）"]


@pytest.mark.parametrize(("case", "heading", "items"), [
    ("standard_contract", "个人信息出境标准合同备案", SC_ITEMS),
    ("gba", "粤港澳大湾区个人信息跨境流动标准合同备案",
     ["（一）法定代表人身份证明文件影印本", "（二）承诺书", "（三）粤港澳大湾区个人信息跨境流动标准合同"]),
    ("security_assessment", "数据出境安全评估申报", SA_ITEMS),
    # 《个人信息保护认证实施规则》's application materials, then what Art 6 of the Certification Measures requires before
    ("standard_contract", "个人信息出境认证", ["（一）认证委托人基本材料", "（二）认证委托书", "（三）相关证明文档",
                                       "申请前应已完成", "（一）向个人告知", "（二）取得个人单独同意", "（三）个人信息保护影响评估"]),
    # the system manual's chapter 六: the steps of the online extension application, in its order and words
    ("extension", "数据出境安全评估结果有效期延期申请",
     ["①基本信息", "②数据出境场景", "③其他需要说明的情况（填写情况说明，并勾选本单位承诺）", "④相关材料上传"]),
])
@pytest.mark.parametrize("fmt", ["markdown", "ics"])
def test_the_official_items_in_order(case, heading, items, fmt):
    text = _render(CASES / f"{case}.json", fmt, "zh")
    if fmt == "ics":   # the calendar entry that names the route
        text = next(b for b in re.split(r"BEGIN:V(?:EVENT|TODO)", text) if heading in b or
                    (heading == "数据出境安全评估申报" and SA_ITEMS[0] in b))   # the event after declaring
        text = heading + text
    at = text.index(heading)
    for item in items:
        at = text.index(item, at)   # ValueError when missing or out of order
