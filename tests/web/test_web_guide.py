"""Guided mode (/guide): one question per page, skipping what cannot change the route (issue 11 §6)."""
from __future__ import annotations

import re
import statistics

import pytest

from advisor_api.web import guide

FIELDS = ("company.established", "company.region", "transfers.0.recipient.country", "transfers.0.personal_info_subjects",
          "transfers.0.sensitive_info_subjects", "transfers.0.purpose", "transfers.0.recipient.kind",
          "transfers.0.collected_abroad", "company.sector", "company.ciio", "transfers.0.important_data")


def visitor(*answers: str) -> dict[str, str]:
    """What a visitor would answer to every question (in the order of FIELDS, the guide's own names)."""
    return dict(zip(FIELDS, answers, strict=True))


VISITORS = {
    "lingang-ecommerce-sg": visitor("mainland", "临港新片区", "SG", "300000", "0", "contract_with_individual", "affiliate",
                                    "false", "ecommerce", "false", "false"),
    "beijing-health-us": visitor("mainland", "北京市海淀区", "美国", "0", "20000", "research_development", "third_party",
                                 "false", "healthcare", "false", "false"),
    "shenzhen-hr-hk": visitor("mainland", "前海", "香港", "3000", "0", "hr_management", "affiliate", "false",
                              "internet_services", "false", "false"),
    "hainan-hotel": visitor("mainland", "三亚市", "JP", "50000", "0", "contract_with_individual", "third_party", "false",
                            "hospitality", "false", "false"),
    "nansha-important-unsure": visitor("mainland", "440115", "DE", "0", "0", "transnational_manufacturing", "affiliate",
                                       "false", "manufacturing", "false", ""),
}
ASKED = {"lingang-ecommerce-sg": 7, "beijing-health-us": 7, "shenzhen-hr-hk": 7, "hainan-hotel": 7,
         "nansha-important-unsure": 6}  # where the company is established is always asked first


@pytest.fixture()
def client(real_client):
    return real_client


def walk(client, answers: dict[str, str], lang: str = "zh") -> tuple[list[str], str]:
    """Answer the guide page by page as the visitor would; the questions asked and the result page."""
    r = client.get(f"/guide?lang={lang}")  # sets the CSRF cookie; each page's hidden fields carry the token
    asked: list[str] = []
    while r.status_code == 200 and 'data-testid="guide"' in r.text:
        step = re.search(r'data-step="([^"]+)"', r.text).group(1)
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', r.text))
        asked.append(step)
        assert len(asked) <= len(guide.STEPS), asked
        r = client.post("/guide", data={**hidden, step: answers[step]}, follow_redirects=False)
        if r.status_code == 303:
            return asked, client.get(r.headers["location"]).text
    raise AssertionError(f"the guide did not end on a result: {r.status_code} {r.text[:500]}")


def full_route(client, answers: dict[str, str]) -> str:
    """The route of the visitor's full answers, through the clerk's one-page form."""
    from web_support import csrf_token

    body = {"lang": "zh", "action": "assess", "transfers.0.id": "t1", "csrf_token": csrf_token(client), **answers}
    r = client.post("/", data=body, follow_redirects=False)
    assert r.status_code == 303, r.text[:1000]
    return re.search(r'data-testid="transfer-t1" data-pathway="([^"]+)"', client.get(r.headers["location"]).text).group(1)


@pytest.mark.parametrize("name", list(VISITORS))
def test_the_guide_asks_only_what_can_change_the_route(client, name):
    answers = VISITORS[name]
    asked, page = walk(client, answers)
    assert len(asked) == ASKED[name], asked
    assert asked[:2] == ["company.established", "company.region"]
    route = re.search(r'data-testid="transfer-t1" data-pathway="([^"]+)"', page).group(1)
    assert route == full_route(client, answers)  # what was skipped did not matter for this visitor
    assert 'data-testid="overall"' in page  # the same result page as the form
    if name == "shenzhen-hr-hk":  # 前海 typed: Nanshan with the Qianhai zone
        assert "广东省深圳市南山区 · 深圳前海" in page


def test_the_guide_counts_for_the_readme(client):
    """The number of questions a visitor answers on each path (README quotes these)."""
    counts = [len(walk(client, a)[0]) for a in VISITORS.values()]
    assert statistics.median(counts) == 7 and max(counts) < len(guide.STEPS) < 12


def test_an_unanswered_step_gets_plain_words_and_an_ambiguous_place_candidates(client):
    from web_support import csrf_token

    tok = {"csrf_token": csrf_token(client)}
    r = client.post("/guide", data={**tok, "lang": "zh", "step": "company.region"})
    assert r.status_code == 422 and "请先选择一项" in r.text
    r = client.post("/guide", data={**tok, "lang": "zh", "step": "company.region", "company.region": "南沙"})
    assert r.status_code == 422 and "region:440115" in r.text and "region:460303" in r.text
    r = client.post("/guide", data={**tok, "lang": "en", "step": "company.region", "action": "region:440115",
                                     "company.established": "mainland"})
    assert r.status_code == 200 and 'data-step="transfers.0.recipient.country"' in r.text
    r = client.post("/guide", data={**tok, "lang": "en", "step": "transfers.0.recipient.country", "company.region": "440115",
                                     "company.established": "mainland",
                                     "transfers.0.recipient.country": "Atlantis"})
    assert r.status_code == 422 and "Unknown country" in r.text


def test_the_guide_in_english_is_english(client):
    for path in ("/guide?lang=en", "/?lang=en"):
        text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|svg|style).*?</\1>", "", client.get(path).text, flags=re.S))
        assert not re.search(r"[\u4e00-\u9fff]", text.replace("中文", "")), path


def test_the_mainland_ends_the_guide_after_three_questions(client):
    answers = {**VISITORS["nansha-important-unsure"], "transfers.0.recipient.country": "CN"}
    asked, page = walk(client, answers)
    assert asked == ["company.established", "company.region", "transfers.0.recipient.country"]
    assert 'data-pathway="not_outbound"' in page


def test_measures_offers_the_places_an_ambiguous_name_may_mean(client):
    r = client.get("/measures", params={"region": "南沙", "type": "subsidy"})
    assert r.status_code == 422 and "广东省广州市南沙区" in r.text and "海南省三沙市南沙区" in r.text
    href = re.search(r'<a href="([^"]*region=440115[^"]*)"', r.text).group(1).replace("&amp;", "&")
    picked = client.get(href)
    assert picked.status_code == 200 and 'data-subsidy="yes"' in picked.text
    assert "贵公司" not in picked.text  # no company was entered


def test_the_printout_names_the_office_and_its_qr_code_reopens_the_result(client, monkeypatch):
    from advisor_api.web.state import qr_svg

    monkeypatch.setenv("ADVISOR_HELPDESK_SERVICE", "浦东新区企业服务中心")
    monkeypatch.setenv("ADVISOR_HELPDESK_OFFICE", "3号窗口")
    _, page = walk(client, VISITORS["nansha-important-unsure"])
    head = page.split('class="print-head', 1)[1].split("<h1>", 1)[0]
    assert "浦东新区企业服务中心" in head and "3号窗口" in head and "规则版本" in head
    rid = re.search(r'data-testid="result-ref">([0-9a-f]+)<', head).group(1)
    assert qr_svg(f"http://testserver/result/{rid}?lang=zh") in head  # the code encodes the result's own link
    assert client.get(f"/result/{rid}?lang=zh").status_code == 200


def test_a_park_is_named_with_its_place_on_the_result(client):
    answers = {**VISITORS["hainan-hotel"], "company.region": "苏州工业园区"}
    _, page = walk(client, answers)
    assert "江苏省苏州市（苏州工业园区）" in page
    en = client.get(re.search(r'href="(/result/[0-9a-f]+)\.md', page).group(1) + "?lang=en").text
    assert "Suzhou, Jiangsu (Suzhou Industrial Park)" in en


def test_every_post_form_carries_the_one_hook_for_hidden_fields(client):
    """The CSRF token (api/web/csrf.py's csrf_field) reaches every POST form through _post.html."""
    _, result = walk(client, VISITORS["nansha-important-unsure"])
    for page in (client.get("/").text, client.get("/guide").text, result):
        assert page.count('method="post"') == page.count('name="csrf_token"') >= 1
