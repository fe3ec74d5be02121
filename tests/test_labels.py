"""advisor/render/labels.py: every code a person could see has words, citations read as in Chinese law."""
from __future__ import annotations

from typing import get_args

import pytest

from advisor.regional.models import MeasureType
from advisor.render import labels
from advisor.render.labels import cite, cite_all, label, transfer_name, zh_number
from advisor.vocab import DeadlineId, Exemption, Mechanism, Pathway, Purpose, RecipientKind, RequirementId, Sector

VOCABS = [("sector", Sector), ("purpose", Purpose), ("recipient_kind", RecipientKind),
          ("measure_type", MeasureType), ("pathway", Pathway), ("exemption", Exemption), ("option", Mechanism),
          ("requirement", RequirementId), ("deadline", DeadlineId)]


@pytest.mark.parametrize(("kind", "vocab"), VOCABS, ids=[k for k, _ in VOCABS])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_code_has_words(kind, vocab, lang):
    for code in get_args(vocab):
        words = label(kind, code, lang)
        assert words and "_" not in words and (lang == "en" or words != code), f"{kind} {code!r}: no {lang} words"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_obligation_and_instrument_has_words(lang):
    for code in labels._rule_titles()["obligation"]:
        assert label("obligation", code, lang) != code
    for code in labels._instruments():
        assert label("instrument", code, lang) != code
    for code in ("US", "DE", "HK", "SG", "JP", "GB", "CN"):
        assert label("country", code, lang) != code


def test_chinese_numerals():
    cases = {1: "一", 10: "十", 11: "十一", 20: "二十", 55: "五十五", 100: "一百", 101: "一百零一",
             110: "一百一十", 119: "一百一十九", 201: "二百零一", 1010: "一千零一十", 1260: "一千二百六十"}
    assert {n: zh_number(n) for n in cases} == cases


def test_citations_in_both_languages():
    basis = {"instrument": "provisions-2024", "article": "5", "item": "1"}
    assert cite(basis, "zh") == "《促进和规范数据跨境流动规定》第五条第一项"
    assert cite(basis, "en") == "Provisions on Promoting and Regulating Cross-Border Data Flows, Art 5(1)"
    assert cite({"instrument": "sc-guide-2024"}, "zh") == "《个人信息出境标准合同备案指南（第二版）》"
    grouped = cite_all([{"instrument": "pipl", "article": "55"}, {"instrument": "pipl", "article": "56"},
                        {"instrument": "civil-code", "article": "201"}], "zh")
    assert grouped == "《中华人民共和国个人信息保护法》第五十五条、第五十六条；《中华人民共和国民法典》第二百零一条"
    # a regional measure cited by its catalogue id is cited by its title
    assert "gba-sc-hk-2023" not in cite({"instrument": "gba-sc-hk-2023"}, "zh")


def test_transfer_names():
    t = {"id": "t1", "purpose": "marketing", "recipient": {"kind": "third_party", "country": "US"}}
    assert transfer_name(t, "zh") == "向美国第三方提供（市场营销）"
    assert transfer_name(t, "zh", 2) == "第2项数据出境：向美国第三方提供（市场营销）"
    assert transfer_name({**t, "description": "会员数据同步"}, "en") == "会员数据同步"
    assert "Acme" in transfer_name({**t, "recipient": {**t["recipient"], "name": "Acme"}}, "en")


def test_bad_arguments():
    with pytest.raises(ValueError, match="lang"):
        cite({"instrument": "pipl"}, "fr")
    with pytest.raises(ValueError, match="kind"):
        label("colour", "red", "zh")


def test_a_transfer_named_in_english_takes_the_right_article():
    from advisor.render.labels import transfer_name

    to_affiliate = {"recipient": {"kind": "affiliate", "country": "SG", "name": "Example Pte Ltd"}, "purpose": "marketing"}
    assert ", an affiliated company in Singapore" in transfer_name(to_affiliate, "en")
    to_third = {"recipient": {"kind": "third_party", "country": "US"}, "purpose": "marketing"}
    assert transfer_name(to_third, "en").startswith("to a third party in ")
    assert "an " not in transfer_name(to_affiliate, "zh")
