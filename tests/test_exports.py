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
    # the filing guide's (2nd ed.) seven materials in its order and words, then the system manual's steps (chapter 四)
    sc = ["（一）统一社会信用代码证件影印件", "（二）法定代表人身份证件影印件", "（三）经办人身份证件影印件",
          "（四）经办人授权委托书（模板见附件2）", "（五）承诺书（模板见附件3）", "（六）标准合同（范本见附件4）",
          "（七）《个人信息保护影响评估报告》（模板见附件5）",
          "①个人信息处理者基本情况（在线填写）", "②法定代表人信息（在线填写）", "③经办人信息（在线填写）", "④承诺书（上传）",
          "⑤个人信息出境场景（在线填写）", "⑥个人信息出境标准合同（在线填写并上传）", "⑦个人信息保护影响评估报告（上传）",
          "⑧其他相关证明材料，包括经办人授权委托书（上传）"]
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
        {**PROFILE["transfers"][0], "personal_info_subjects": 0, "sensitive_info_subjects": 0, "important_data": True}]},
        transfers=[assessment["transfers"][0]])
    headings, text = doc_text(render_docx(only_data, "zh"))
    assert "数据出境风险自评估报告" in headings and "个人信息保护影响评估报告" not in headings
    at = text.index("6.涉及个人信息的，按照自然人（去重）统计当年的出境数量，预估未来3年的出境数量。")
    assert text[at:].split("\n")[1] == "不适用（不涉及个人信息出境）。"   # the template's point stays, marked n/a


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


# The report templates' headings and numbered points, in their order and words, written out from the templates
# (filing guide 2nd ed. annex 5; declaration guide annex 4), not read from the pack: a heading dropped, reworded or
# moved in the pack fails.
PIIA_TEMPLATE = [
    "一、出境活动整体情况", "（一）个人信息处理者基本情况",
    "1.基本情况简介，包括股权结构、实际控制人、境内外投资情况、组织架构和个人信息保护机构信息等。",
    "2.整体业务与处理个人信息情况。", "3.拟出境个人信息情况。", "4.遵守个人信息保护相关法律法规的情况。",
    "（二）境外接收方情况", "1.境外接收方基本情况；", "2.境外接收方处理个人信息的用途、方式等；",
    "3.境外接收方履行责任义务的管理和技术措施、能力等。", "（三）个人信息处理者认为需要说明的其他情况",
    "二、拟出境活动的影响评估情况及结论"]
SELF_ASSESSMENT_TEMPLATE = [
    "一、自评估工作情况", "二、出境活动整体情况", "（一）数据处理者基本情况",
    "1.基本情况简介，包括股权结构、实际控制人、境内外投资情况等；", "2.组织架构和数据安全管理机构信息；",
    "3.整体业务与数据资产情况。", "（二）拟出境数据情况", "1.数据出境涉及业务、数据资产等情况；",
    "2.数据出境及境外接收方处理数据的目的、范围、方式，及其合法性、正当性、必要性；",
    "3.按照申报业务场景梳理对应的出境数据项情况，以列表形式呈现数据项清单并逐一说明，同一场景下的数据项需去重；",
    "4.拟出境数据在境内存储的系统平台、数据中心（包含云服务）等情况，数据出境链路相关情况（数据处理者、境外接收方的网络系统域名"
    "及网络地址，数据出境方式等），计划出境后存储的系统平台、数据中心等；",
    "5.数据出境后向境外其他接收方提供的情况；",
    "6.涉及个人信息的，按照自然人（去重）统计当年的出境数量，预估未来3年的出境数量。",
    "（三）数据处理者数据安全保障能力情况",
    "1.数据安全管理能力，包括管理组织体系和制度建设情况，全流程管理、分类分级、应急处置、风险评估、个人信息权益保护等制度及落实情况；",
    "2.数据安全技术能力，包括数据收集、存储、使用、加工、传输、提供、公开、删除等全流程所采取的安全技术措施等；",
    "3.数据安全保障措施有效性证明，例如开展的数据安全风险评估、数据安全认证、数据安全检查测评、数据安全合规审计、网络安全等级保护"
    "测评等情况；",
    "4.遵守数据和网络安全相关法律法规的情况。", "（四）境外接收方情况", "1.境外接收方基本情况；",
    "2.境外接收方处理数据的用途、方式等；", "3.境外接收方履行责任义务的管理和技术措施、能力等。",
    "（五）法律文件约定数据安全保护责任义务的情况", "1.数据出境的目的、方式和数据范围，境外接收方处理数据的用途、方式等；",
    "2.数据在境外保存地点、期限，以及达到保存期限、完成约定目的或者法律文件终止后出境数据的处理措施；",
    "3.对于境外接收方将出境数据再转移给其他组织、个人的约束性要求；",
    "4.境外接收方在实际控制权或者经营范围发生实质性变化，或者所在国家、地区数据安全保护政策法规和网络安全环境发生变化，以及发生"
    "其他不可抗力情形，导致难以保障数据安全时，应当采取的安全措施；",
    "5.违反法律文件约定的数据安全保护义务的补救措施、违约责任和争议解决方式；",
    "6.出境数据遭到篡改、破坏、泄露、丢失、转移或者被非法获取、非法利用时，妥善开展应急处置的要求和保障个人维护其个人信息权益的途径"
    "和方式。",
    "（六）数据处理者认为需要说明的其他情况", "三、出境活动的风险自评估情况及结论"]


def _report_headings(headings: list[str], title: str) -> list[str]:
    """The template headings (levels 1–3) of the first report titled ``title``: transfers' sub-headings aside."""
    start = headings.index(title) + 1
    out = []
    for h in headings[start:]:
        if h.startswith("第") and ("部分" in h or "项数据出境" in h):
            if "部分" in h:
                break
            continue
        if h in ("个人信息出境说明（标准合同附录一）", "与境外接收方拟订立的法律文件", "致填报人员的说明（不随申报材料提交）",
                 "数据出境安全评估申报表（预填信息）", "个人信息保护影响评估报告", "数据出境风险自评估报告"):
            break
        out.append(h)
    return out


def test_the_reports_follow_their_templates_heading_by_heading(assessment):
    document = docx.Document(io.BytesIO(render_docx(assessment, "zh")))
    headings = [p.text for p in document.paragraphs
                if p.style.name.startswith(("Heading", "Document Title", "Pack Title"))]
    assert _report_headings(headings, "个人信息保护影响评估报告") == PIIA_TEMPLATE
    assert _report_headings(headings, "数据出境风险自评估报告") == SELF_ASSESSMENT_TEMPLATE
    text = "\n".join(p.text for p in document.paragraphs)
    at = text.index("6.涉及个人信息的，按照自然人（去重）统计当年的出境数量，预估未来3年的出境数量。")
    assert "不适用（不涉及个人信息出境）" not in text[at:at + 200]   # personal information leaves here: counted, not n/a
    counts = [c.text for table in document.tables for row in table.rows for c in row.cells]
    assert "统计起始日" in counts
    for point in ("（1）个人信息出境涉及业务、个人信息收集使用、信息系统等情况；",
                  "（5）个人信息出境后向境外其他接收方提供的情况。",
                  "（如涉及受到行政处罚和监管整改的，可以提供证明整改完成的相关佐证材料）"):
        assert point in text, point


def test_where_each_list_was_read_is_in_the_preparers_note_only(assessment):
    """The filed part names no reproduction; the note names the official pages and where each text was read."""
    _, text = doc_text(render_docx(assessment, "zh"))
    filed, _, note = text.partition("致填报人员的说明（不随申报材料提交）")
    for where in ("github.com", "ai4law", "waitang", "book118", "boteman", "Hunton"):
        assert where not in filed, where
    for where in ("https://www.tjcac.gov.cn/wsfw/sjkj/grxxcjbzht/202408/t20240823_6705573.html",   # the SC guide's text
                  "《数据出境申报系统使用说明（供数据处理者使用）》",                                       # the steps
                  "https://github.com/JH-gh07/ai4law", "未能读到"):
        assert where in note, where
