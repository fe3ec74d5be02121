"""An overseas processor (contract §7 `company.established: abroad`, PIPL Art 3(2)) on the help-desk page, with
the real advisor: the form and the guide take it, its region is its representative's place and may be left
empty, and the result page shows what the assessment returns for it (the domestic-representative duty, the
warnings, the note that nothing regional can be matched without the place)."""
from __future__ import annotations

import re

import pytest

from advisor_api.web.i18n import pick
from advisor_api.web.present import plain
from web_support import csrf_token

COMPANY = {"company.name": "示例境外公司", "company.established": "abroad", "company.sector": "internet_services",
           "company.ciio": "false", "as_of": "2026-06-01"}
TRANSFER = {"transfers.0.id": "t1", "transfers.0.purpose": "marketing", "transfers.0.recipient.kind": "affiliate",
            "transfers.0.recipient.country": "SG", "transfers.0.personal_info_subjects": "200000",
            "transfers.0.sensitive_info_subjects": "0", "transfers.0.important_data": "false",
            "transfers.0.collected_abroad": "false"}


@pytest.fixture()
def client(real_client):
    return real_client


def submit(client, lang="zh", **fields):
    body = {"lang": lang, "action": "assess", "csrf_token": csrf_token(client), **COMPANY, **TRANSFER}
    body.update({k.replace("__", "."): v for k, v in fields.items()})
    return client.post("/", data={k: v for k, v in body.items() if v is not None}, follow_redirects=False)


def visible(html: str) -> str:
    html = re.sub(r"<(script|svg|style).*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&amp;", "&").replace("&#34;", '"').replace("&#39;", "'")


def result(client, r, lang):
    assert r.status_code == 303, r.text[:2000]
    rid = re.search(r"/result/([0-9a-f]+)", r.headers["location"]).group(1)
    page = client.get(f"/result/{rid}?lang={lang}")
    assert page.status_code == 200
    return rid, page.text, client.get(f"/result/{rid}.json").json()


def field_error(html: str, name: str) -> str:
    found = re.search(rf'<p class="field-error" id="f-{name.replace(".", "-")}-err">([^<]*)</p>', html)
    return found.group(1) if found else ""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_without_a_region_the_result_shows_the_duty_the_warnings_and_that_nothing_regional_is_matched(client, lang):
    rid, html, row = result(client, submit(client, lang, company__region=None), lang)
    assert row["profile"]["company"]["established"] == "abroad" and row["profile"]["company"].get("region") is None
    assert row["company"]["region"] is None and row["measures"] == []
    text = visible(html)
    # the duty, each warning and each note of the assessment, in the page's language and in words
    (duty,) = [o for o in row["transfers"][0]["obligations"] if o["id"] == "domestic_representative"]
    steps = visible(html.split('data-testid="transfer-t1"', 1)[1].split("</div>", 1)[0])
    assert pick(duty["text"], lang) in steps
    assert row["warnings"] and row["notes"]
    for said in row["warnings"] + row["notes"]:
        assert plain(pick(said, lang), lang) in text, said.get("rule")
    assert "company.region" not in text and "domestic_representative" not in text
    no_place = {"zh": "没有填写境内专门机构或代表的所在地，无法匹配地方支持措施。",
                "en": "No regional support can be matched: the place of the company's representative in China was not given."}
    assert f'data-testid="support-no-place">{no_place[lang]}' in html.replace("&#39;", "'")
    assert 'data-testid="subsidy-line"' not in html  # "no subsidy is known for this place": there is no place
    line = visible(html.split('data-testid="company-line">', 1)[1].split("</p>", 1)[0])
    assert line.startswith({"zh": "示例境外公司 · 境外处理者 ·", "en": "示例境外公司 · Processor established abroad ·"}[lang])
    assert 'data-option="certification"' in html


def test_with_a_region_the_place_is_the_representatives_and_its_measures_are_matched(client):
    _, html, row = result(client, submit(client, company__region="前海"), "zh")
    assert row["company"]["region"]["code"] == "440305" and row["measures"]
    line = visible(html.split('data-testid="company-line">', 1)[1].split("</p>", 1)[0])
    assert "境外处理者 · 境内代表所在地：广东省深圳市南山区" in line
    assert 'data-testid="subsidy-line"' in html and 'data-testid="support-no-place"' not in html
    assert not [n for n in row["notes"] if "company.region" in str(n)]  # the engine's no-place note is gone too


def test_the_edit_link_and_the_download_keep_the_overseas_processor(client):
    rid, _, row = result(client, submit(client, company__region=None), "zh")
    form = client.get(f"/?source={rid}&lang=en").text
    assert re.search(r'name="company.established" value="abroad"\s*checked', form)
    assert '<label for="f-company-region">Place of its representative or agency in China (optional)</label>' in form
    assert 'name="company.region" type="text" value=""' in form
    assert client.get(f"/result/{rid}.json").json()["profile"]["company"]["established"] == "abroad"
    md = client.get(f"/result/{rid}.md?lang=zh")
    assert md.status_code == 200


@pytest.mark.parametrize("lang, words", [("zh", "此项必填"), ("en", "This field is required")])
def test_a_mainland_company_still_needs_its_region(client, lang, words):
    r = submit(client, lang, company__established="mainland", company__region=None)
    assert r.status_code == 422 and field_error(r.text, "company.region") == words
    assert re.search(r'name="company.established" value="mainland"\s*checked', r.text)  # kept as entered
    r = submit(client, lang, company__established="mainland", company__region="火星市")
    assert r.status_code == 422 and "火星市" in field_error(r.text, "company.region")


@pytest.mark.parametrize("region", ["香港", "Singapore", "火星市"])
def test_a_representatives_place_outside_the_mainland_is_refused_in_its_own_words(client, region):
    r = submit(client, company__region=region)
    assert r.status_code == 422
    assert field_error(r.text, "company.region") == f"请填写境内专门机构或代表在中国内地的所在地（如 深圳市南山区、前海），或者不填（{region}）"
    assert 'href="#f-company-region">境内专门机构或代表的所在地（可不填）: ' in r.text
    assert f'value="{region}"' in r.text and re.search(r'value="abroad"\s*checked', r.text)


def test_an_ambiguous_place_offers_its_candidates_for_an_overseas_processor_too(client):
    r = submit(client, company__region="南沙")
    assert r.status_code == 422 and "region:440115" in r.text and "region:460303" in r.text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_forged_establishment_is_named_never_a_server_error(client, lang):
    for forged in ("mars", "ABROAD", "abroad\u0000", "x" * 5000):
        r = submit(client, lang, company__established=forged, company__region="440305")
        assert r.status_code == 422, (forged[:10], r.status_code)
        words = field_error(r.text, "company.established")
        assert words.startswith({"zh": "不是可选的值", "en": "Not one of the allowed values"}[lang]), words[:80]
        assert 'href="#f-company-established"' in r.text and "Traceback" not in r.text


def test_zones_without_a_place_are_named_by_their_names(client):
    r = submit(client, "en", company__region=None, company__zones="qianhai")
    assert r.status_code == 422
    assert field_error(r.text, "company.zones") == \
        "A special zone needs the place it is in: fill in the place too (got &#39;Qianhai (Shenzhen)&#39;)"


def walk(client, answers, lang="zh"):
    r = client.get(f"/guide?lang={lang}")
    pages = []
    while r.status_code == 200 and 'data-testid="guide"' in r.text:
        step = re.search(r'data-step="([^"]+)"', r.text).group(1)
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', r.text))
        pages.append((step, r.text))
        r = client.post("/guide", data={**hidden, step: answers[step]}, follow_redirects=False)
    return pages, r


GUIDED = {"company.established": "abroad", "company.region": "", "transfers.0.recipient.country": "SG",
          "transfers.0.personal_info_subjects": "200000", "transfers.0.sensitive_info_subjects": "0",
          "transfers.0.purpose": "marketing", "transfers.0.recipient.kind": "affiliate",
          "transfers.0.collected_abroad": "false", "company.sector": "internet_services", "company.ciio": "false",
          "transfers.0.important_data": "false"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_guide_asks_where_the_company_is_then_for_its_representatives_place_which_may_stay_empty(client, lang):
    pages, r = walk(client, GUIDED, lang)
    assert [s for s, _ in pages][:2] == ["company.established", "company.region"]
    first, region = pages[0][1], pages[1][1]
    assert 'type="radio" name="company.established" value="abroad"' in first
    assert {"zh": "设在境外，从境外处理境内个人的个人信息", "en": "Established abroad"}[lang] in first
    assert {"zh": "贵公司在境内设立的专门机构或指定的代表在哪里？", "en": "Where is your company's dedicated entity"}[lang] in visible(region)
    _, html, row = result(client, r, lang)
    assert row["profile"]["company"]["established"] == "abroad" and row["profile"]["company"].get("region") is None
    assert "domestic_representative" in [o["id"] for o in row["transfers"][0]["obligations"]]
    assert 'data-testid="support-no-place"' in html


def test_the_guide_refuses_a_representatives_place_outside_the_mainland_and_a_forged_choice(client):
    tok = {"csrf_token": csrf_token(client), "lang": "zh"}
    r = client.post("/guide", data={**tok, "step": "company.region", "company.established": "abroad",
                                     "company.region": "香港"})
    assert r.status_code == 422 and "请填写境内专门机构或代表在中国内地的所在地" in r.text
    r = client.post("/guide", data={**tok, "step": "company.region", "company.established": "mainland",
                                     "company.region": ""})
    assert r.status_code == 422 and "请先填写" in r.text  # a mainland company's place is needed
    r = client.post("/guide", data={**tok, "step": "company.region", "company.established": "mainland",
                                     "company.region": "香港"})
    assert r.status_code == 422 and "请填写中国内地的地方" in r.text  # not left to fail at the end
    r = client.post("/guide", data={**tok, "step": "company.established", "company.established": "mars"})
    assert r.status_code == 422 and "请先选择一项" in r.text
