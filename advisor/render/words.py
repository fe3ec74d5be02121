"""Words shared by the text and Markdown reports (headings and fixed phrases, both languages)."""
from __future__ import annotations

import re
from typing import Any

HEAD = {
    "zh": {"title": "数据出境合规路径评估", "company": "公司", "as_of": "评估日期", "overall": "总体结论",
           "transfer": "数据传输", "route": "路径", "why": "理由", "basis": "依据", "options": "可选机制",
           "obligations": "应履行的义务", "requirements": "出境路径之外的前置要求（未满足前不得出境）",
           "requirements_soft": "出境路径之外的要求", "deadlines": "期限", "measures": "可利用的地方便利措施",
           "history": "已失效或被取代的措施（供参考）", "questions": "尚待回答的问题", "warnings": "提示",
           "notes": "说明", "totals": "累计人数", "since": "自", "nonsens": "非敏感个人信息", "sens": "敏感个人信息",
           "changes": "（答案会改变结论）", "nochange": "（答案不改变结论）", "status": "状态", "contact": "联系方式",
           "rulepack": "规则包", "provisional": "（暂定：该年度官方节假日安排尚未公布）", "estimate": "（预估）",
           "sources": "来源", "none": "无", "persons": "人",
           "headroom": "距下一门槛：再有{remaining}人（累计达{threshold}人）即适用“{then}”",
           "date": "日期", "step": "事项", "colon": "：", "open_l": "（", "open_r": "）"},
    "en": {"title": "Outbound data transfer: compliance pathway assessment", "company": "Company", "as_of": "As of",
           "overall": "Overall", "transfer": "Transfer", "route": "Route", "why": "Why", "basis": "Legal basis",
           "options": "Mechanisms", "obligations": "Obligations", "requirements":
           "Requirements outside the CAC route (blocking: not before they are met)",
           "requirements_soft": "Requirements outside the CAC route", "deadlines": "Deadlines",
           "measures": "Regional support you can use", "history": "Measures that ended or were replaced (for reference)",
           "questions": "Open questions", "warnings": "Warnings", "notes": "Notes", "totals": "Company totals",
           "since": "since", "nonsens": "non-sensitive PI", "sens": "sensitive PI",
           "changes": "(the answer changes the outcome)", "nochange": "(the answer does not change the outcome)",
           "status": "status", "contact": "contact", "rulepack": "Rule pack",
           "provisional": "(provisional: that year's official holiday schedule is not yet published)",
           "estimate": "(estimate)", "sources": "Sources", "none": "none", "persons": "persons",
           "headroom": "Next threshold: {remaining} more persons (a total of {threshold}) and \"{then}\" applies",
           "date": "Date", "step": "Step", "colon": ": ", "open_l": " (", "open_r": ")"},
}
STATUS = {
    "zh": {"active": "有效", "unverified": "未经核实", "not_yet_effective": "尚未生效", "superseded": "已被取代",
           "expired": "已失效", "draft": "征求意见稿"},
    "en": {"active": "active", "unverified": "unverified", "not_yet_effective": "not yet in force",
           "superseded": "superseded", "expired": "expired", "draft": "draft for comment"},
}
USABLE = ("active", "unverified", "draft", "not_yet_effective")


# "（local_list）", " (company.unique_subjects)": a rule text naming the profile field that answers it. The field
# stays in the JSON (``questions[].field``); what a person reads does without it.
FIELD_REF = re.compile(r"\s?[（(](?:[a-z]+\.)*[a-z]+_[a-z_]+[)）]")


def readable(text: str, lang: str) -> str:
    """A text from the rules as a person reads it: no profile field name, instruments and measures by title."""
    from advisor.render.labels import in_words
    return in_words(FIELD_REF.sub("", text), lang)


def pick(text: Any, lang: str) -> str:
    if text is None:  # e.g. no region for an overseas processor (contract §7)
        return "-"
    return readable(text.get(lang, "") if isinstance(text, dict) else str(text), lang)


def number(n: int) -> str:
    return f"{n:,}"
