"""Filing packs seen as a person sees them: each pack goes DOCX -> PDF through LibreOffice (Debian's,
installed by scripts/services.sh), then poppler reads the pages. Checked: A4, the page count (and that the
footer's "第 i 页 共 N 页" agrees on every page), the official headings in their order, and that no code or
slug is on any page. Not the fonts: Debian lacks 仿宋/黑体 and substitutes them. The PNG pages are kept under
test-artifacts/filing/ for a person to look at."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "filing"
ARTIFACTS = ROOT / "test-artifacts" / "filing"
A4_PT = (595.3, 841.9)

pytestmark = pytest.mark.office

# The standard-contract materials as the 2nd-edition filing guide lists them (三（一）), the online steps and the
# security-assessment materials as the CAC's manual of the online system (June 2025) lists them (chapters 四 and 五:
# the steps of the step-by-step upload, in their order and words); the report headings as the templates have them
# (the filing guide's annex 5, the declaration guide's annex 4). Written out here, not read from the pack.
SC_MATERIALS = ["统一社会信用代码证件影印件", "法定代表人身份证件影印件", "经办人身份证件影印件", "经办人授权委托书（模板见附件2）",
                "承诺书（模板见附件3）", "标准合同（范本见附件4）", "《个人信息保护影响评估报告》（模板见附件5）"]
SC_STEPS = ["①个人信息处理者基本情况（在线填写）", "②法定代表人信息（在线填写）", "③经办人信息（在线填写）", "④承诺书（上传）",
            "⑤个人信息出境场景（在线填写）", "⑥个人信息出境标准合同（在线填写并上传）", "⑦个人信息保护影响评估报告（上传）",
            "⑧其他相关证明材料，包括经办人授权委托书（上传）"]
SA_MATERIALS = ["数据处理者情况（在线填写）", "法定代表人信息（在线填写）", "数据安全责任人和管理机构信息（在线填写）",
                "经办人信息（在线填写）", "数据处理者遵守中国法律、行政法规、部门规章情况（在线填写）",
                "数据出境场景（勾选本单位承诺）（在线填写）", "统一社会信用代码证件影印件（加盖公章）（上传）",
                "法定代表人身份证件影印件（加盖公章）（上传）", "经办人身份证件影印件（加盖公章）（上传）", "经办人授权委托书（上传）",
                "与境外接收方拟订立的数据出境相关合同或者其他具有法律效力的文件影印件（加盖公章）（上传）",
                "数据出境风险自评估报告（上传）", "其他补充材料（如有）（上传）"]
NUMS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三"]
# (the table's label column wraps after about eight characters: the full labels are checked on the DOCX, test_exports)
ANNEX_1 = ["（一）处理目的", "（二）处理方式", "（三）出境个人信息", "（四）出境个人信息", "（五）出境敏感个人",
           "（六）境外接收方只", "（七）传输方式", "（八）出境后保存期", "（九）出境后保存地", "（十）其他事项"]
PIIA = ["个人信息处理者名称", "一、出境活动整体情况", "（一）个人信息处理者基本情况", "1.基本情况简介", "2.整体业务与处理个人信息情况",
        "3.拟出境个人信息情况", "（1）个人信息出境涉及业务", "（5）个人信息出境后向境外其他接收方提供的情况",
        "4.遵守个人信息保护相关法律法规的情况", "（二）境外接收方情况", "1.境外接收方基本情况", "2.境外接收方处理个人信息的用途",
        "3.境外接收方履行责任义务的管理和技术措施", "（三）个人信息处理者认为需要说明的其他情况", "二、拟出境活动的影响评估情况及结论"]
SELF_ASSESSMENT = ["数据处理者名称", "一、自评估工作情况", "二、出境活动整体情况", "（一）数据处理者基本情况", "（二）拟出境数据情况",
                   "序号", "道路测试数据", "（三）数据处理者数据安全保障能力情况", "（四）境外接收方情况",
                   "（五）法律文件约定数据安全保护责任义务的情况", "（六）数据处理者认为需要说明的其他情况",
                   "三、出境活动的风险自评估情况及结论"]
# What each pack must show, in this order (whitespace removed, as pdftotext reads it).
EXPECTED = {
    "standard_contract": (
        ["数据出境申报/备案材料", "第一部分个人信息出境标准合同备案", "一、材料清单"]
        + [f"（{NUMS[i]}）{m}" for i, m in enumerate(SC_MATERIALS)] + SC_STEPS
        + ["标准合同备案在线填写信息（预填）", "①个人信息处理者基本情况", "②法定代表人信息", "③经办人信息", "⑤个人信息出境场景",
           "个人信息出境说明（标准合同附录一）"] + ANNEX_1 + ["个人信息保护影响评估报告"] + PIIA
        + ["第二部分个人信息出境认证", "（一）认证委托人基本材料", "（二）认证委托书", "（三）相关证明文档", "申请前应已完成",
           "致填报人员的说明（不随申报材料提交）",
           "《数据出境申报系统使用说明（供数据处理者使用）》（国家互联网信息办公室）"],
        (8, 24)),
    "gba": (
        ["第一部分个人信息出境标准合同备案", "第二部分粤港澳大湾区个人信息跨境流动标准合同备案", "广东省互联网信息办公室",
         "（一）法定代表人身份证明文件影印本", "（二）承诺书", "（三）粤港澳大湾区个人信息跨境流动标准合同",
         "第三部分个人信息出境认证", "致填报人员的说明（不随申报材料提交）"],
        (12, 36)),
    "security_assessment": (
        ["第一部分数据出境安全评估申报", "一、材料清单"] + [f"（{NUMS[i]}）{m}" for i, m in enumerate(SA_MATERIALS)]
        + ["二、有效期", "评估结果有效期为3年", "数据出境安全评估申报表（预填信息）", "①数据处理者情况", "②法定代表人信息",
           "③数据安全责任人和管理机构信息", "④经办人信息", "⑤数据处理者遵守中国法律、行政法规、部门规章情况", "⑥数据出境场景",
           "数据出境风险自评估报告"] + SELF_ASSESSMENT
        + ["与境外接收方拟订立的法律文件", "（一）数据出境的", "（六）出境数据遭", "致填报人员的说明（不随申报材料提交）"],
        (6, 20)),
    "extension": (
        ["第一部分数据出境安全评估申报", "第二部分数据出境安全评估结果有效期延期申请", "有效期届满前60个工作日内",
         "2027-06-03", "①基本信息", "②数据出境场景", "③其他需要说明", "④相关材料上传", "致填报人员的说明（不随申报材料提交）"],
        (7, 20)),
}
NOT_IN = {"security_assessment": ["个人信息保护影响评估报告个人信息处理者名称", "第二部分"],
          "standard_contract": ["粤港澳大湾区", "延期申请", "评估工作简述", "其他相关证明材料（上传）（八）"],
          "extension": ["个人信息保护影响评估"]}
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b|\b[a-z]+-[a-z]+-\d{4}\b|\bcn\.[a-z]+|`|xfer-")
# Codes that are not plain English words (those are fine in the English pack when they are its words).
SLUGS = ["internet_services", "third_party", "customer_service", "research_development", "ecommerce", "sc-measures",
         "sa-measures", "provisions-2024", "pipl", "gba-sc", "security_assessment", "standard_contract"]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path:
        return path
    if os.environ.get("ADVISOR_REQUIRE_OFFICE"):
        pytest.fail(f"{name} is missing: run scripts/services.sh (it installs LibreOffice and poppler-utils)")
    pytest.skip(f"{name} not installed (scripts/services.sh installs it)")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    soffice = _tool("soffice")
    _tool("pdftoppm")
    work = tmp_path_factory.mktemp("packs")
    docs = []
    for name in EXPECTED:
        for lang in ("zh", "en"):
            out = work / f"{name}-{lang}.docx"
            done = subprocess.run([sys.executable, "-m", "advisor.cli", "assess", "--format", "docx", "--lang", lang,
                                   "-o", str(out), str(CASES / f"{name}.json")], capture_output=True, text=True,
                                  timeout=120)
            assert done.returncode == 0, done.stderr
            docs.append(str(out))
    profile = work / "lo-profile"   # a private LibreOffice profile: other users' instances do not interfere
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(work), *docs], capture_output=True, timeout=600, check=True)
    return {Path(d).stem: work / (Path(d).stem + ".pdf") for d in docs}


def _info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def _text(pdf: Path, page: int | None = None) -> str:
    args = ["pdftotext"] + (["-f", str(page), "-l", str(page)] if page else []) + [str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("name", list(EXPECTED))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a4_page_count_and_footer(pdfs, name, lang):
    pdf = pdfs[f"{name}-{lang}"]
    info = _info(pdf)
    width, height = (float(x) for x in re.findall(r"[\d.]+", info["Page size"])[:2])
    assert abs(width - A4_PT[0]) < 1 and abs(height - A4_PT[1]) < 1, info["Page size"]
    pages = int(info["Pages"])
    low, high = EXPECTED[name][1]
    assert low <= pages <= high, pages
    for page in range(1, pages + 1):
        flat = re.sub(r"\s+", "", _text(pdf, page))
        footer = f"第{page}页共{pages}页" if lang == "zh" else f"Page{page}of{pages}"
        assert footer in flat, (page, flat[-80:])
        assert "生成日期" in flat or "Generatedon" in flat
    _keep_pngs(pdf, pages)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_official_headings_in_order(pdfs, name):
    flat = re.sub(r"\s+", "", _text(pdfs[f"{name}-zh"]))
    at = 0
    for heading in EXPECTED[name][0]:
        found = flat.find(heading, at)
        assert found >= 0, f"{heading!r} missing after position {at}"
        at = found + len(heading)
    for absent in NOT_IN.get(name, []):
        assert absent not in flat, absent


@pytest.mark.parametrize("name", list(EXPECTED))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_code_or_slug_on_any_page(pdfs, name, lang):
    from tests.test_no_codes_anywhere import codes_in   # the sweep's checker: ids, slugs, vocabulary codes

    # a URL or word the page wraps is still one (pdftotext breaks it where the line ends)
    text = re.sub(r"(?<=[\x21-\x7e])\n(?=[\x21-\x7e])", "", _text(pdfs[f"{name}-{lang}"]))
    assert not CODE.findall(text), CODE.findall(text)[:5]
    for slug in SLUGS:
        assert not re.search(rf"(?<![A-Za-z]){re.escape(slug)}(?![A-Za-z])", text), slug
    ids = [t["id"] for t in json.loads((CASES / f"{name}.json").read_text(encoding="utf-8"))["transfers"]]
    assert not any(i in text for i in ids)
    assert not codes_in(text, lang, ids), codes_in(text, lang, ids)[:5]


def test_english_is_a_separate_english_document(pdfs):
    text = _text(pdfs["standard_contract-en"])
    assert "List of materials" in text and "[To be completed:" in text
    assert "材料清单" not in text and "待填写" not in text


def _keep_pngs(pdf: Path, pages: int) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{pdf.stem}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(ARTIFACTS / pdf.stem)], check=True, timeout=300)
    assert len(list(ARTIFACTS.glob(f"{pdf.stem}-*.png"))) == pages
