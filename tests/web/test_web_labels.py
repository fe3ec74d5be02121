"""Every word the page shows exists in both languages; every help text names its source article."""
from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest

from advisor_api.web.i18n import VOCAB, data

TEMPLATES = Path(__file__).resolve().parents[2] / "api" / "web" / "templates"


@pytest.mark.parametrize("group", sorted(VOCAB))
def test_every_vocabulary_slug_has_zh_and_en(group):
    labels = data()[group]
    missing = [s for s in get_args(VOCAB[group]) if not (labels.get(s, {}).get("zh") and labels.get(s, {}).get("en"))]
    assert missing == []


def test_every_page_text_used_by_templates_exists_in_both_languages():
    used = set()
    for path in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"T\.ui\('([a-z_]+)'", path.read_text()))
        used |= set(re.findall(r"'([a-z_]+)'\) \}\}", path.read_text())) & set(data()["text"])
    text = data()["text"]
    assert used and [k for k in used if not (text.get(k, {}).get("zh") and text.get(k, {}).get("en"))] == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_legal_terms_have_help_on_the_form(client, lang):
    html = client.get(f"/?lang={lang}").text
    helps = dict(re.findall(r'<p id="f-([a-z0-9_.-]+)-help">([^<]*)</p>', html))
    for field in ("company-established", "company-region", "company-ciio", "company-zones", "transfers-0-purpose", "transfers-0-recipient-country",
                  "transfers-0-personal_info_subjects", "transfers-0-sensitive_info_subjects", "transfers-0-important_data",
                  "transfers-0-collected_abroad", "transfers-0-local_list-id", "transfers-0-special_categories"):
        assert helps.get(field, "").strip(), field
    assert all(text.strip() for text in helps.values())
    for key, text in data()["help"].items():
        assert text["zh"] and text["en"], key


def test_help_cites_articles_in_both_languages_alike():
    for key, text in data()["help"].items():
        zh_arts = len(re.findall(r"第[一二三四五六七八九十、]+条", text["zh"]))
        en_arts = len(re.findall(r"Arts? \d", text["en"]))
        assert (zh_arts > 0) == (en_arts > 0), key


def test_codes_left_in_engine_words_become_words():
    from advisor_api.web.present import plain

    assert plain("贵公司所在行业（ecommerce）；贵公司注册地属于广东省（440000）。", "zh") == "贵公司所在行业（电子商务）；贵公司注册地属于广东省。"
    assert plain("in sector (ecommerce); in Guangdong (440000); fill (local_list).", "en") == \
        "in sector (e-commerce); in Guangdong; fill."
    assert plain("the zone (Pilot Free Trade Zone area) (only notified)", "en") == "the zone (Pilot Free Trade Zone area) (only notified)"


def test_plurals_are_right_in_english():
    from advisor_api.web.i18n import T

    en = T("en")
    assert en.plural(1, "count_found_one", "count_found") == "1 measure found"
    assert en.plural(3, "count_found_one", "count_found") == "3 measures found"
    assert "(s)" not in en.plural(2, "subsidy_yes_one", "subsidy_yes")
    assert T("zh").plural(2, "answer_provisional_one", "answer_provisional") == "暂定结论（还有 2 个问题可能改变它）"


def test_every_question_of_the_pack_can_be_answered_on_the_page():
    """Each field the rule pack asks about has answer buttons of the right kind and is set by answer()."""
    import re as _re

    from advisor.packs.yamlio import read_yaml
    from advisor.resources import shipped_rules_dir
    from advisor_api.web.present import CHOICES, answer, question_kind

    doc = read_yaml(shipped_rules_dir() / "national" / "70-questions.yaml")
    fields = {r["then"]["field"].format(transfer="t1") for r in doc["rules"]}
    profile = {"company": {}, "transfers": [{"id": "t1"}]}
    for field in fields:
        kind = question_kind(field)
        key = field.rsplit(".", 1)[-1]
        value = {"tri": "true", "count": "5", "list": "true"}.get(kind) or CHOICES[key][-1]
        new = answer(profile, field, value, "a-list")
        holder = new["company"] if field.startswith("company.") else new["transfers"][0]
        assert key in holder, field
        assert kind != "count" or key == "personal_info_processed", field  # no yes/no question read as a number
    assert _re.search("necessary", " ".join(fields))
