"""The help-desk page in a real browser (Debian's Chromium via Playwright) against a real uvicorn server.

Three golden cases through the form (an exemption, the contract band with the GBA option, a security
assessment), the language switch, and answering an open question. One screenshot per test goes to
test-artifacts/. About a dozen page loads in all.
"""
from __future__ import annotations

import pytest

from browser import Server, fill_profile, launch, pick_app, screenshot
from web_support import load_case

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(real_advisor, tmp_path_factory):
    app, kind = pick_app(real_advisor, tmp_path_factory.mktemp("web-data"))
    with Server(app) as server:
        yield server.url, kind


@pytest.fixture(scope="module")
def browser_context():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        context = launch(pw)
        yield context
        context.close()


@pytest.fixture()
def page(browser_context, site):
    page = browser_context.new_page()
    page.set_default_timeout(20_000)
    yield page
    page.close()


def _assess(page, url: str, case: dict, submit_with_enter: bool = False) -> None:
    page.goto(url + "/")
    fill_profile(page, case["profile"])
    if submit_with_enter:  # keyboard only: Enter in a field presses the form's default button, "assess"
        page.press("#f-transfers-0-personal_info_subjects", "Enter")
    else:
        page.click('[data-testid="submit"]')
    page.wait_for_url("**/result/**")


@pytest.mark.parametrize("name, enter", [("v01-below-threshold.json", True), ("v15-gba-hk.json", False),
                                         ("v03-assessment-volume.json", False)])
def test_golden_case_through_the_form(page, site, name, enter):
    url, kind = site
    case = load_case(name)
    _assess(page, url, case, submit_with_enter=enter)
    expect = case["expect"]
    for tid, want in expect["transfers"].items():
        want = want if isinstance(want, dict) else {"pathway": want}
        section = page.locator(f'[data-testid="transfer-{tid}"]')
        assert section.get_attribute("data-pathway") == want["pathway"]
        assert section.locator(".route").is_visible()
        for option in want.get("options_include", []):
            assert section.locator(f'[data-option="{option}"]').is_visible(), option
    if "overall" in expect:
        overall = page.locator('[data-testid="overall"]')
        assert overall.get_attribute("data-pathway") == expect["overall"]
        from advisor.render.labels import label, transfer_name

        sentence = overall.inner_text()  # the route in one sentence, each transfer named by what it is
        assert label("pathway", expect["overall"], "zh") in sentence
        assert transfer_name(case["profile"]["transfers"][0], "zh") in sentence
    for mid in expect.get("measures_include", []):
        assert page.locator(f'[data-testid="measure-{mid}"]').count() == 1, mid
    screenshot(page, f"{kind}-{name.removesuffix('.json')}")


def test_language_switch_keeps_what_was_typed(page, site):
    url, kind = site
    page.goto(url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.fill("#f-company-name", "示例数据科技有限公司")
    page.fill("#f-company-region", "440305")
    page.select_option("#f-transfers-0-recipient-country", "HK")
    page.fill("#f-transfers-0-personal_info_subjects", "200000")
    page.click('[data-testid="switch-lang"]')
    page.wait_for_selector('html[lang="en"]')
    assert page.get_by_label("Company name (optional)").input_value() == "示例数据科技有限公司"
    assert page.input_value("#f-company-region") == "440305"
    assert page.input_value("#f-transfers-0-recipient-country") == "HK"
    assert page.input_value("#f-transfers-0-personal_info_subjects") == "200000"
    assert "outbound" in page.locator("#f-transfers-0-recipient-country option[value=HK]").inner_text()
    screenshot(page, f"{kind}-language-switch")


def test_answering_an_open_question_reruns_the_assessment(page, site):
    url, kind = site
    case = load_case("v18-ciio-unknown.json")
    _assess(page, url, case)
    first = page.url
    assert page.locator('[data-testid="transfer-t1"]').get_attribute("data-pathway") == "exempt"
    question = page.locator('[data-testid="question-company.ciio"]')
    question.locator('button[data-answer="true"]').click()  # "是": the company is a CIIO
    page.wait_for_url(lambda u: u != first and "/result/" in u)
    assert page.locator('[data-testid="overall"]').get_attribute("data-pathway") == "security_assessment"
    assert page.locator('[data-testid="question-company.ciio"]').count() == 0
    screenshot(page, f"{kind}-answered-question")
