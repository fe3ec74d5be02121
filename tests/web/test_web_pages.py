"""The help-desk pages against the fake advisor: form, errors by field, result, answers, downloads, measures."""
from __future__ import annotations

import re

from web_support import load_case, profile_form


def post(client, pairs):
    return client.post("/", data=_multi(pairs), follow_redirects=False)


def _multi(pairs):
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out


def test_form_is_chinese_by_default_and_english_on_request(client):
    zh = client.get("/").text
    assert '<html lang="zh-CN">' in zh and "企业情况" in zh and "Assess" not in zh
    en = client.get("/?lang=en").text
    assert '<html lang="en">' in en and "The company" in en and "企业情况" not in en


def test_every_input_has_a_label(client):
    html = client.get("/").text
    ids = set(re.findall(r'<input id="([^"]+)"', html)) | set(re.findall(r'<select id="([^"]+)"', html))
    labelled = set(re.findall(r'<label for="([^"]+)"', html))
    assert ids and ids <= labelled, ids - labelled


def test_hk_mo_tw_are_marked_outbound(client):
    html = client.get("/").text
    for code in ("HK", "MO", "TW"):
        assert re.search(rf'value="{code}">[^<]*属于出境', html), code
    assert re.search(r'value="CN">[^<]*不属于出境', html)


def test_golden_case_through_the_form_shows_its_route(client):
    case = load_case("v02-contract-band.json")
    r = post(client, profile_form(case["profile"]))
    assert r.status_code == 303, r.text[:500]
    page = client.get(r.headers["location"]).text
    assert 'data-testid="overall" data-pathway="standard_contract_or_certification"' in page
    from advisor.render.labels import label

    assert label("pathway", "standard_contract_or_certification", "zh") in page
    assert "《促进和规范数据跨境流动规定》第八条" in page  # the one citation renderer shared with the reports
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|svg).*?</\1>", "", page, flags=re.S))
    assert not re.search(r"\bt1\b|standard_contract_or_certification|由t", text)  # no transfer keys or slugs


def test_bad_count_is_shown_next_to_the_field_in_the_clerks_language(client):
    case = load_case("v02-contract-band.json")
    pairs = [(k, "-5" if k == "transfers.0.personal_info_subjects" else v) for k, v in profile_form(case["profile"])]
    r = post(client, pairs)
    assert r.status_code == 422
    err = re.search(r'<p class="field-error" id="f-transfers-0-personal_info_subjects-err">([^<]*)</p>', r.text)
    assert err and "负数" in err.group(1) and "-5" in err.group(1)
    assert 'value="-5"' in r.text  # what was typed stays
    pairs_en = [(k, "en" if k == "lang" else v) for k, v in pairs]
    en = post(client, pairs_en).text
    assert "cannot be negative" in en and "负数" not in en


def test_words_in_a_count_field_are_refused_not_a_traceback(client):
    case = load_case("v02-contract-band.json")
    pairs = [(k, "lots" if k == "transfers.0.sensitive_info_subjects" else v) for k, v in profile_form(case["profile"])]
    r = post(client, pairs)
    assert r.status_code == 422 and "f-transfers-0-sensitive_info_subjects-err" in r.text and "整数" in r.text


def test_missing_sector_and_unknown_region_are_named(client):
    pairs = [("lang", "zh"), ("company.region", "火星市"), ("transfers.0.purpose", "marketing"),
             ("transfers.0.recipient.kind", "third_party"), ("transfers.0.recipient.country", "US")]
    r = post(client, pairs)
    assert r.status_code == 422
    assert 'id="f-company-sector-err">此项必填' in r.text
    r = post(client, pairs + [("company.sector", "retail")])
    assert r.status_code == 422 and "f-company-region-err" in r.text and "火星市" in r.text
    assert 'aria-invalid="true"' in r.text and 'href="#f-company-region"' in r.text


def test_language_switch_keeps_what_was_typed(client):
    pairs = [("lang", "zh"), ("action", "lang:en"), ("company.name", "示例公司"), ("company.region", "440305"),
             ("company.sector", "retail"), ("transfers.0.personal_info_subjects", "1234")]
    r = post(client, pairs)
    assert r.status_code == 200 and '<html lang="en">' in r.text
    assert 'value="示例公司"' in r.text and 'value="440305"' in r.text and 'value="1234"' in r.text
    assert '<option value="retail" selected>' in r.text


def test_add_and_remove_transfers(client):
    r = post(client, [("lang", "zh"), ("action", "add"), ("transfers.0.id", "a")])
    assert 'name="transfers.1.id"' in r.text and 'value="a"' in r.text
    r = post(client, [("lang", "zh"), ("action", "remove:0"), ("transfers.0.id", "a"), ("transfers.1.id", "b")])
    assert 'name="transfers.1.id"' not in r.text and 'name="transfers.0.id" type="text" value="b"' in r.text


def test_answering_a_question_reruns_the_assessment(client, app):
    case = load_case("v18-ciio-unknown.json")
    loc = post(client, profile_form(case["profile"])).headers["location"]
    page = client.get(loc).text
    assert 'data-pathway="exempt"' in page and 'data-testid="question-company.ciio"' in page
    rid = re.search(r"/result/([0-9a-f]+)", loc).group(1)
    r = client.post(f"/result/{rid}/answer", data={"field": "company.ciio", "value": "true", "lang": "zh"},
                    follow_redirects=False)
    assert r.status_code == 303
    again = client.get(r.headers["location"]).text
    assert 'data-testid="overall" data-pathway="security_assessment"' in again
    assert app.state.advisor.calls[-1]["company"]["ciio"] is True


def test_a_bad_answer_is_refused_with_a_message(client):
    loc = post(client, profile_form(load_case("v18-ciio-unknown.json")["profile"])).headers["location"]
    rid = loc.split("/")[2].split("?")[0]
    r = client.post(f"/result/{rid}/answer", data={"field": "company.ciio", "value": "maybe"})
    assert r.status_code == 422 and "请先选择“是”或“否”" in r.text
    assert "company.ciio:" not in r.text and "got" not in r.text  # plain words, no developer message
    r = client.post(f"/result/{rid}/answer", data={"field": "company.ciio", "lang": "en"})
    assert r.status_code == 422 and "Please choose Yes or No first." in r.text


def test_downloads(client):
    loc = post(client, profile_form(load_case("v01-below-threshold.json")["profile"], "en")).headers["location"]
    rid = loc.split("/")[2].split("?")[0]
    j = client.get(f"/result/{rid}.json")
    assert j.status_code == 200 and j.json()["overall"] == "exempt" and "attachment" in j.headers["content-disposition"]
    assert client.get(f"/result/{rid}.md?lang=en").text == "markdown:en:exempt"
    ics = client.get(f"/result/{rid}.ics")
    assert ics.text == "ics:zh:exempt" and ics.headers["content-type"].startswith("text/calendar")
    assert client.get(f"/result/{rid}.exe").status_code == 404
    assert client.get("/result/nothere").status_code == 404


def test_result_lists_usable_measures_first_with_contact(client):
    loc = post(client, profile_form(load_case("v15-gba-hk.json")["profile"])).headers["location"]
    page = client.get(loc).text
    assert page.index("measure-gba-sc-hk-2023") < page.index('data-testid="reference"') < page.index("measure-old-plan")
    assert 'data-option="gba_standard_contract"' in page


def test_measures_page_filters_and_errors(client):
    r = client.get("/measures?region=120000&lang=en")
    cards = r.text.split('data-testid="measure-count"', 1)[1]
    assert r.status_code == 200 and "Tianjin FTZ negative list" in cards and "GBA" not in cards
    only = client.get("/measures?type=gba_standard_contract&lang=en").text.split('data-testid="measure-count"', 1)[1]
    assert "GBA" in only and "Tianjin FTZ negative list" not in only
    assert "Tianjin FTZ negative list" in client.get("/measures?q=tianjin&lang=en").text
    assert "Tianjin FTZ negative list" not in client.get("/measures?q=nowhere-word&lang=en").text.split('measure-count', 1)[1]
    bad = client.get("/measures?region=nowhere")
    assert bad.status_code == 422 and "f-region-err" in bad.text and "nowhere" in bad.text
    assert client.get("/measures?as_of=yesterday").status_code == 422


def test_region_search_endpoint(client):
    assert client.get("/regions?q=南山").json()[0]["code"] == "440305"
    assert client.get("/regions?q=").json() == []


def test_assets_are_local(client):
    html = client.get("/").text + client.get("/measures").text
    refs = re.findall(r'src="([^"]+)"', html) + re.findall(r'<link[^>]*href="([^"]+)"', html)
    assert refs and not [u for u in refs if u.startswith(("http:", "https:", "//"))]  # links to sources may leave
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/..%2Froutes.py").status_code == 404


def test_print_styles_hide_controls():
    from advisor_api.web.routes import STATIC

    css = (STATIC / "style.css").read_text()
    assert "@media print" in css and ".no-print" in css.split("@media print", 1)[1]


def _legend_and_choices(html, name):
    box = html.split(f'id="f-{name.replace(".", "-")}"', 1)[1].split("</fieldset>", 1)[0]
    return re.search(r"<legend>([^<]*)</legend>", box).group(1), re.findall(r'value="(\w+)"\s*(checked)?>\s*([^<]*)</label>', box)


def test_where_the_company_is_established_is_asked_in_chinese_and_english(client):
    zh = client.get("/").text
    legend, choices = _legend_and_choices(zh, "company.established")
    assert legend == "企业设在哪里"
    assert [(v, c) for v, c, _ in choices] == [("mainland", "checked"), ("abroad", "")]  # mainland unless told
    assert [w.strip() for _, _, w in choices] == ["设在中国内地", "设在境外，从境外处理境内个人的个人信息"]
    help_zh = re.search(r'<p id="f-company-established-help">([^<]*)</p>', zh).group(1)
    assert "指定代表" in help_zh and "第五十三条" in help_zh and "abroad" not in help_zh
    en = client.get("/?lang=en").text
    legend, choices = _legend_and_choices(en, "company.established")
    assert legend == "Where the company is established"
    assert [w.strip() for _, _, w in choices] == [
        "Established in mainland China", "Established abroad, processing from abroad the personal information of people in China"]
    help_en = re.search(r'<p id="f-company-established-help">([^<]*)</p>', en).group(1)
    assert "representative in China" in help_en and "PIPL Art 53" in help_en
    # the region's label says what it is for a company registered here; app.js swaps in the other wording
    assert '<label for="f-company-region">Where it is registered' in en
    assert 'data-label-abroad="Place of its representative or agency in China (optional)"' in en


def test_a_forged_establishment_is_named_next_to_the_field_and_the_rest_is_kept(client):
    case = load_case("v02-contract-band.json")
    pairs = profile_form(case["profile"]) + [("company.established", "mars")]
    pairs = [(k, v) for k, v in pairs if not (k == "company.established" and v == "mainland")]
    r = post(client, pairs)
    assert r.status_code == 422
    assert re.search(r'id="f-company-established-err">不是可选的值（mars）<', r.text)
    assert 'href="#f-company-established">企业设在哪里: 不是可选的值（mars）' in r.text
    assert 'aria-describedby="f-company-established-help f-company-established-err" aria-invalid="true"' in r.text
    assert f'value="{case["profile"]["company"]["region"]}"' in r.text  # what was typed stays
    en = post(client, [(k, "en" if k == "lang" else v) for k, v in pairs])
    assert en.status_code == 422 and "Not one of the allowed values (got &#39;mars&#39;)" in en.text


def test_an_overseas_processor_survives_the_language_switch_and_its_region_is_its_representatives(client):
    pairs = [("lang", "zh"), ("action", "lang:en"), ("company.established", "abroad"), ("company.region", "440305")]
    r = post(client, pairs)
    assert r.status_code == 200 and '<html lang="en">' in r.text
    _, choices = _legend_and_choices(r.text, "company.established")
    assert [(v, c) for v, c, _ in choices] == [("mainland", ""), ("abroad", "checked")]
    assert '<label for="f-company-region">Place of its representative or agency in China (optional)</label>' in r.text
    assert 'value="440305"' in r.text


def test_an_overseas_processor_without_a_region_is_assessed_by_the_fake_too(client, app):
    case = load_case("v02-contract-band.json")
    pairs = [(k, v) for k, v in profile_form(case["profile"]) if k not in ("company.region", "company.established")]
    r = post(client, pairs + [("company.established", "abroad")])
    assert r.status_code == 303, r.text[:1000]
    assert app.state.advisor.calls[-1]["company"]["established"] == "abroad"
    assert "region" not in app.state.advisor.calls[-1]["company"]
    r = post(client, pairs)  # the same company taken as mainland: the region is required
    assert r.status_code == 422 and 'id="f-company-region-err">' in r.text
