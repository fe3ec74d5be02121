"""Calendar (.ics) and filing pack (.docx) exports, parsed back with their own libraries."""
from __future__ import annotations

import datetime as dt
import json
import io

import docx
import icalendar
import pytest

from advisor.deadlines import compute_deadlines
from advisor.models.profile import Profile
from advisor.render.docx import render_docx
from advisor.render.ics import render_ics

PROFILE = {
    "as_of": "2026-11-27",
    "company": {"name": "深圳示例跨境电商有限公司", "region": "440305", "sector": "retail", "ciio": False},
    "approvals": [{"mechanism": "standard_contract", "transfer": "crm", "effective_on": "2026-12-25"}],
    "transfers": [
        {"id": "orders", "purpose": "marketing", "description": "订单数据发往境外",
         "recipient": {"kind": "third_party", "country": "US", "name": "Acme Logistics"},
         "personal_info_subjects": 1234567, "sensitive_info_subjects": 0, "important_data": False},
        {"id": "crm", "purpose": "customer_service",
         "recipient": {"kind": "affiliate", "country": "HK", "name": "Example HK Ltd"},
         "personal_info_subjects": 150000, "sensitive_info_subjects": 321, "important_data": None},
    ],
}
PATHWAYS = {"orders": "security_assessment", "crm": "standard_contract_or_certification"}


@pytest.fixture(scope="module")
def assessment() -> dict:
    """An assessment as contract §2 describes it, plus the input profile (built by hand until the core lands)."""
    profile = Profile.model_validate(PROFILE)
    deadlines, warnings = compute_deadlines(profile, dt.date(2026, 11, 27), PATHWAYS)
    return {
        "schema_version": 1, "as_of": "2026-11-27", "rulepack": {"version": "test", "digest": "sha256:0"},
        "overall": "security_assessment",
        "transfers": [
            {"id": "orders", "pathway": "security_assessment", "options": ["security_assessment"]},
            {"id": "crm", "pathway": "standard_contract_or_certification",
             "options": ["standard_contract", "certification", "gba_standard_contract"]},
        ],
        "measures": [], "deadlines": deadlines, "questions": [], "warnings": warnings,
        "profile": PROFILE,
    }


def events(data: bytes) -> list:
    return [c for c in icalendar.Calendar.from_ical(data).walk("VEVENT")]


def test_the_calendar_has_one_all_day_event_with_a_reminder_per_deadline(assessment):
    evs = events(render_ics(assessment, "en"))
    assert len(evs) == len(assessment["deadlines"]) >= 5
    by_date = {(e.decoded("dtstart"), str(e["summary"])) for e in evs}
    for d in assessment["deadlines"]:
        assert any(day == dt.date.fromisoformat(d["date"]) and d["label"]["en"] in s for day, s in by_date)
    for e in evs:
        assert isinstance(e.decoded("dtstart"), dt.date) and not isinstance(e.decoded("dtstart"), dt.datetime)
        assert e.decoded("dtend") - e.decoded("dtstart") == dt.timedelta(days=1)
        alarms = e.walk("VALARM")
        assert len(alarms) == 1 and alarms[0].decoded("trigger") < dt.timedelta(0)


def test_calendar_uids_are_stable_and_distinct(assessment):
    first = [str(e["uid"]) for e in events(render_ics(assessment, "en"))]
    again = [str(e["uid"]) for e in events(render_ics(assessment, "zh"))]
    assert first == again and len(set(first)) == len(first)
    other = dict(assessment, id="a-123")
    assert set(str(e["uid"]) for e in events(render_ics(other, "en"))).isdisjoint(first)


def test_calendar_text_follows_the_language_and_flags_provisional_and_estimated_dates(assessment):
    zh = events(render_ics(assessment, "zh"))
    filing = next(e for e in zh if "标准合同备案" in str(e["summary"]))
    assert filing.decoded("dtstart") == dt.date(2027, 1, 11) and "暂定" in str(filing["summary"])
    assert "依据：《个人信息出境标准合同办法》第七条；《中华人民共和国民法典》第二百零一条" in str(filing["description"])
    assert "crm" not in str(filing["summary"]) and "第2项数据出境" in str(filing["summary"])
    en = events(render_ics(assessment, "en"))
    estimates = [d for d in assessment["deadlines"] if d.get("estimate")]
    assert len(estimates) == 4
    for d in estimates:
        assert d["label"]["en"].startswith("(Estimate)")
        assert any(str(e["summary"]).startswith(d["label"]["en"]) for e in en)
    assert sum(str(e["categories"].cats[0]) == "estimate" for e in en) == 4
    assert any("provisional" in str(e["summary"]) for e in en)


def todos(data: bytes) -> list:
    return [c for c in icalendar.Calendar.from_ical(data).walk("VTODO")]


def test_a_route_without_a_known_start_date_gets_an_undated_todo(assessment):
    """The security assessment is dated (estimates) and the standard contract too (its approval); the GBA
    contract and certification, offered for the same transfer, are not: one VTODO each, in words."""
    zh = todos(render_ics(assessment, "zh"))
    summaries = sorted(str(t["summary"]) for t in zh)
    assert summaries == ["个人信息出境认证：数据出境前取得认证",
                         "粤港澳大湾区个人信息跨境流动标准合同备案：标准合同生效之日起10个工作日内"]
    for t in zh:
        assert "dtstart" not in t and "due" not in t and t["status"] == "NEEDS-ACTION"
        assert "crm" not in str(t["description"]) and "第2项数据出境" in str(t["description"])
    no_approval = dict(assessment, profile={**PROFILE, "approvals": []},
                       deadlines=[d for d in assessment["deadlines"] if d["id"] != "standard_contract_filing"])
    assert any(str(t["summary"]).startswith("个人信息出境标准合同备案：") for t in todos(render_ics(no_approval, "zh")))


def test_an_unknown_language_is_refused_naming_it(assessment):
    with pytest.raises(ValueError, match="'fr'"):
        render_ics(assessment, "fr")
    with pytest.raises(ValueError, match="'fr'"):
        render_docx(assessment, "fr")


def doc_text(data: bytes) -> tuple[list[str], str]:
    document = docx.Document(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title", "Pack Title",
                                                                                 "Document Title"))]
    body = [p.text for p in document.paragraphs]
    body += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return headings, "\n".join(body)


def test_the_filing_pack_has_one_part_per_route_with_the_official_items_in_order(assessment):
    headings, text = doc_text(render_docx(assessment, "zh"))
    assert headings[0] == "数据出境申报/备案材料"
    parts = [h for h in headings if h.startswith("第") and "部分" in h]
    assert [p.split("\u3000")[1] for p in parts] == [
        "个人信息出境标准合同备案", "粤港澳大湾区个人信息跨境流动标准合同备案", "数据出境安全评估申报", "个人信息出境认证"]
    for title in ("个人信息出境说明（标准合同附录一）", "个人信息保护影响评估报告", "数据出境风险自评估报告",
                  "数据出境安全评估申报表（预填信息）", "与境外接收方拟订立的法律文件", "致填报人员的说明（不随申报材料提交）"):
        assert title in headings, title
    # the system manual's steps of the standard-contract filing, in its order and words (its chapter 四)
    sc = ["（一）个人信息处理者基本情况（在线填写）", "（二）法定代表人信息（在线填写）", "（三）经办人信息（在线填写）",
          "（四）承诺书（上传）", "（五）个人信息出境场景（在线填写）", "（六）个人信息出境标准合同（在线填写并上传）",
          "（七）个人信息保护影响评估报告（上传）", "（八）其他相关证明材料，包括经办人授权委托书（上传）"]
    positions = [text.index(f"☐ {item}") for item in sc]
    assert positions == sorted(positions)
    assert "复印件" not in text and "《数据出境安全评估办法》第六条" in text
    for heading in ("一、出境活动整体情况", "二、拟出境活动的影响评估情况及结论", "一、自评估工作情况",
                    "（二）拟出境数据情况", "（三）数据处理者数据安全保障能力情况", "三、出境活动的风险自评估情况及结论"):
        assert heading in headings, heading
    assert "一、评估工作简述" not in headings   # the 1st edition's PIIA heading, gone from the 2nd edition's template
    # annex 1 of the contract template (个人信息出境说明), its ten items in its order and words
    annex = ["（一）处理目的", "（二）处理方式", "（三）出境个人信息的规模",
             "（四）出境个人信息种类（参考GB/T 35273《信息安全技术 个人信息安全规范》和相关标准）",
             "（五）出境敏感个人信息种类（如适用，参考GB/T 35273《信息安全技术 个人信息安全规范》和相关标准）",
             "（六）境外接收方只向以下中华人民共和国境外第三方提供个人信息（如适用）", "（七）传输方式",
             "（八）出境后保存期限（\u3000年\u3000月\u3000日至\u3000年\u3000月\u3000日）", "（九）出境后保存地点",
             "（十）其他事项（视情况填写）"]
    at = text.index("个人信息出境说明（标准合同附录一）")
    for label in annex:
        at = text.index(label + "\n", at)   # a table's label cell, in order


def test_uncertainty_stays_in_the_preparers_note(assessment):
    _, text = doc_text(render_docx(assessment, "zh"))
    filed, _, note = text.partition("致填报人员的说明（不随申报材料提交）")
    for word in ("未能核实", "未能查阅", "可靠性", "二手资料"):
        assert word not in filed, word
    assert "未能查阅" in note


def test_the_filing_pack_is_pre_filled_with_words_not_codes(assessment):
    _, text = doc_text(render_docx(assessment, "zh"))
    for fact in ("深圳示例跨境电商有限公司", "零售", "Acme Logistics", "Example HK Ltd", "市场营销", "客户服务", "1,234,567", "150,000人（不含敏感个人信息）；敏感个人信息321人",
                 "订单数据发往境外", "2027-01-11", "美国", "中国香港", "【待填写：统一社会信用代码】"):
        assert fact in text, fact
    for code in ("retail", "marketing", "customer_service", "third_party", "orders", "crm", "sa-measures-2022",
                 "pipl", "security_assessment", "US,", "HK,", "440305"):
        assert code not in text, code


def test_the_english_pack_is_english_only(assessment):
    headings, text = doc_text(render_docx(assessment, "en"))
    assert headings[0] == "Outbound data transfer filing pack"
    assert "材料清单" not in text and "List of materials" in text and "[To be completed: " in text


def test_a_pack_with_no_transfer_needing_a_mechanism_says_so(assessment):
    none = dict(assessment, transfers=[{"id": "orders", "pathway": "exempt", "options": []}], deadlines=[])
    headings, text = doc_text(render_docx(none, "en"))
    assert "no transfer needs" in text and not any(h.startswith("Part ") for h in headings)


def test_no_piia_where_no_personal_information_leaves(assessment):
    only_data = dict(assessment, profile={**PROFILE, "transfers": [
        {**PROFILE["transfers"][0], "personal_info_subjects": 0, "important_data": True}]},
        transfers=[assessment["transfers"][0]])
    headings, _ = doc_text(render_docx(only_data, "zh"))
    assert "数据出境风险自评估报告" in headings and "个人信息保护影响评估报告" not in headings


def test_the_pack_carries_the_templates_layout(assessment):
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document(io.BytesIO(render_docx(assessment, "zh")))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)   # A4 in twips
    assert (round(section.top_margin.cm, 2), round(section.left_margin.cm, 2)) == (2.54, 3.18)
    fonts = {}
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3"):
        rfonts = document.styles[name].element.rPr.rFonts
        assert rfonts.get(qn("w:eastAsiaTheme")) is None and rfonts.get(qn("w:asciiTheme")) is None
        fonts[name] = (rfonts.get(qn("w:eastAsia")), rfonts.get(qn("w:ascii")), document.styles[name].font.size)
    assert fonts == {"Normal": ("仿宋", "Times New Roman", Pt(14)), "Heading 1": ("黑体", "Times New Roman", Pt(14)),
                     "Heading 2": ("楷体", "Times New Roman", Pt(14)), "Heading 3": ("仿宋", "Times New Roman", Pt(14))}
    normal = document.styles["Normal"].paragraph_format
    assert normal.line_spacing_rule == WD_LINE_SPACING.EXACTLY and normal.line_spacing == Pt(26)
    lang = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "zh-CN"
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and "规则包版本 test" in section.footer.paragraphs[0].text


def test_control_characters_in_the_profile_do_not_break_the_pack(assessment):
    hostile = json.loads(json.dumps(assessment))
    hostile["profile"]["company"]["name"] = "坏\x01名字\x0b"
    hostile["profile"]["transfers"][0]["description"] = "订单\x00数据"
    _, text = doc_text(render_docx(hostile, "zh"))
    assert "坏名字" in text and "订单数据" in text
