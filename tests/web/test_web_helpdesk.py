"""Issue 11 in a real browser: the five counter scenarios, English, the printout, a phone, keyboard only, axe.

Debian's Chromium via Playwright against the real app (uvicorn); screenshots in test-artifacts/.
"""
from __future__ import annotations

import re

import pytest

from browser import ARTIFACTS, Server, axe_violations, launch, screenshot
from web_support import real_app

pytestmark = pytest.mark.browser

# name, company (region as a visitor says it), transfer; expected route; the deciding open question, if any:
# (its field, the answer the clerk clicks, the route after it)
SCENARIOS = {
    "lingang-ecommerce-sg": ({"name": "临港示例跨境电商有限公司", "region": "临港新片区", "sector": "ecommerce"},
                             {"description": "客户订单信息", "purpose": "contract_with_individual", "kind": "affiliate",
                              "country": "SG", "pi": "300000", "important": "false"}, "exempt",
                             ("transfers.t1.necessary", "false", "standard_contract_or_certification")),
    "beijing-health-us": ({"name": "北京示例医疗科技有限公司", "region": "北京市海淀区", "sector": "healthcare"},
                          {"description": "临床随访健康数据", "purpose": "research_development", "kind": "third_party",
                           "country": "US", "spi": "20000", "important": "false"}, "security_assessment", None),
    "shenzhen-hr-hk": ({"name": "深圳示例科技有限公司", "region": "前海", "sector": "internet_services"},
                       {"description": "员工人事信息", "purpose": "hr_management", "kind": "affiliate", "country": "HK",
                        "pi": "3000", "important": "false"}, "exempt", None),
    "hainan-hotel": ({"name": "三亚示例酒店管理有限公司", "region": "三亚市", "sector": "hospitality"},
                     {"description": "境外旅客预订信息", "purpose": "contract_with_individual", "kind": "third_party",
                      "country": "JP", "pi": "50000", "important": "false"}, "exempt", None),
    "nansha-important-unsure": ({"name": "南沙示例制造有限公司", "region": "南沙", "sector": "manufacturing"},
                                {"description": "生产设备运行数据", "purpose": "transnational_manufacturing",
                                 "kind": "affiliate", "country": "DE", "important": ""}, "exempt",
                                ("transfers.t1.important_data", "true", "security_assessment")),
}
SLUGS = re.compile(r"\b(t1|ecommerce|security_assessment|standard_contract|hr_management|not_outbound|"
                   r"[a-z]+-[a-z]+-\d{4}|[a-z]+_[a-z_]+)\b")


@pytest.fixture(scope="module")
def site(real_advisor, tmp_path_factory):
    if isinstance(real_advisor, str):
        pytest.skip(real_advisor)
    with Server(real_app(real_advisor, tmp_path_factory.mktemp("helpdesk"), page_posts_per_minute=10_000,
                             page_posts_per_minute_per_address=10_000)) as server:
        yield server.url


@pytest.fixture(scope="module")
def context():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        ctx = launch(pw, bypass_csp=True)  # axe-core is injected as a script
        yield ctx
        ctx.close()


@pytest.fixture()
def page(context):
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    page.close()


def visible_text(page) -> str:
    return page.evaluate("() => document.body.innerText")


def fill(page, company: dict, tr: dict) -> None:
    page.fill("#f-company-name", company["name"])
    page.fill("#f-company-region", company["region"])
    page.select_option("#f-company-sector", company["sector"])
    page.check('input[name="company.ciio"][value="false"]')
    page.fill("#f-transfers-0-description", tr["description"])
    page.select_option("#f-transfers-0-purpose", tr["purpose"])
    page.select_option("#f-transfers-0-recipient-kind", tr["kind"])
    page.select_option("#f-transfers-0-recipient-country", tr["country"])
    page.fill("#f-transfers-0-personal_info_subjects", tr.get("pi", "0"))
    page.fill("#f-transfers-0-sensitive_info_subjects", tr.get("spi", "0"))
    page.check(f'input[name="transfers.0.important_data"][value="{tr["important"]}"]')


def assess(page, url: str, name: str, lang: str = "zh") -> None:
    company, tr, _, _ = SCENARIOS[name]
    page.goto(f"{url}/?lang={lang}")
    fill(page, company, tr)
    page.click('[data-testid="submit"]')
    page.wait_for_load_state()
    if page.locator('[data-testid="region-choices"]').count():  # 南沙: Guangzhou or Sansha? the clerk picks
        page.locator('[data-testid="region-choices"] button').first.click()
        page.wait_for_load_state()
        page.click('[data-testid="submit"]')
    page.wait_for_url("**/result/**")


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario_end_to_end_in_chinese(page, site, name):
    _, tr, route, deciding = SCENARIOS[name]
    assess(page, site, name)
    overall = page.locator('[data-testid="overall"]')
    assert page.locator('[data-testid="transfer-t1"]').get_attribute("data-pathway") == route
    assert tr["description"] in overall.inner_text()  # the transfer named by what the clerk typed
    assert overall.get_attribute("data-provisional") == ("yes" if deciding else "no")
    text = visible_text(page)
    assert not SLUGS.search(text), SLUGS.search(text)
    assert not re.search(r"[（(]\d{6}[）)]", text)  # no division codes either
    assert "不构成法律意见" in text
    # the answer, then next steps, then the region's support: all before anything for reference
    order = [text.index(w) for w in ("下一步要做什么", "本地可以使用的支持措施")]
    assert order == sorted(order) and text.index(tr["description"]) < order[0]
    assert "资金补贴" in page.locator('[data-testid="subsidy-line"]').inner_text()
    if name == "shenzhen-hr-hk":
        assert "qianhai" not in text and "前海" in text
    if name in ("nansha-important-unsure", "hainan-hotel"):
        assert "022-63085535" not in text  # never another region's contact
    if deciding:  # the deciding question is right there; answering it changes the route
        field, click, after = deciding
        box = page.locator(f'[data-testid="answer"] [data-testid="question-{field}"]')
        with page.expect_navigation():
            box.locator(f'button[data-answer="{click}"]').click()
        assert page.locator('[data-testid="transfer-t1"]').get_attribute("data-pathway") == after
        assert page.locator(f'[data-testid="question-{field}"]').count() == 0
    assert axe_violations(page) == []
    screenshot(page, f"helpdesk-{name}")


def test_nansha_has_a_subsidy_and_beijing_says_none_is_known(page, site):
    assess(page, site, "nansha-important-unsure")
    assert "1 项资金补贴" in page.locator('[data-testid="subsidy-line"]').inner_text()
    assert page.locator('[data-testid="support"] [data-subsidy="yes"]').count() >= 1


def test_english_mode_is_wholly_english(page, site):
    assess(page, site, "shenzhen-hr-hk", "en")
    text = visible_text(page)
    company, tr, _, _ = SCENARIOS["shenzhen-hr-hk"]
    for typed in (company["name"], tr["description"]):  # what the clerk typed may stay Chinese; nothing else
        text = text.replace(typed, "")
    text = re.sub(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号", "", text.replace("中文", ""))  # official document numbers
    assert not re.search(r"[\u4e00-\u9fff]", text), re.findall(r".{20}[\u4e00-\u9fff]+.{5}", text)[:3]
    assert "transfer(s)" not in text and "Nanshan District, Shenzhen" in text
    assert axe_violations(page) == []
    screenshot(page, "helpdesk-english")


def test_printout_is_a_handout(page, site):
    assess(page, site, "nansha-important-unsure")
    ref = page.locator('[data-testid="result-ref"]').inner_text()
    page.emulate_media(media="print")
    text = visible_text(page)
    assert "打印时间" in text and "规则版本" in text and ref in text and "不构成法律意见" in text
    assert "已失效" not in text  # no expired measures on paper
    assert page.locator(".print-head svg").count() == 1  # the QR code to reopen it
    assert not re.search(r"https?://\S{60,}", text)  # no URL longer than a line
    pdf = page.pdf(format="A4", print_background=False)
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "helpdesk-printout.pdf"  # kept as a test artifact, written before it is checked
    path.write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 4, pages
    import shutil
    import subprocess

    if shutil.which("pdftotext") and shutil.which("pdftoppm"):  # poppler-utils (scripts/services.sh)
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
        assert "不构成法律意见" in text and ref in text.replace("\n", "")
        filled = [_filled(path, n) for n in range(1, pages + 1)]
        assert all(f >= 0.6 for f in filled[:-1]), filled  # no half-empty page but the last


def _filled(pdf, page: int) -> float:
    """How far down page ``page`` of ``pdf`` ink goes (0..1): rendered in grey by pdftoppm, read as PGM."""
    import subprocess

    raw = subprocess.run(["pdftoppm", "-gray", "-r", "20", "-f", str(page), "-l", str(page), str(pdf)],
                         capture_output=True, check=True).stdout
    parts = raw.split(maxsplit=4)  # P5 width height maxval pixels
    width, height, pixels = int(parts[1]), int(parts[2]), parts[4]
    rows = [pixels[y * width:(y + 1) * width] for y in range(height)]
    inked = [y for y, row in enumerate(rows) if min(row) < 128]
    return (inked[-1] + 1) / height if inked else 0.0


def test_a_phone_at_390_px(context, site):
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        for path in ("/", "/measures?region=440115", "/?lang=en", "/guide", "/guide?lang=en"):
            page.goto(site + path)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 390, (path, width)
        assess(page, site, "lingang-ecommerce-sg")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        screenshot(page, "helpdesk-phone-result")
    finally:
        page.close()


def tab_to(page, selector: str, limit: int = 250) -> None:
    """Press Tab (only Tab) until the element ``selector`` has the focus."""
    for _ in range(limit):
        if page.evaluate("(sel) => document.activeElement && document.activeElement.matches(sel)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with Tab")


def test_keyboard_only_completion(page, site):
    page.goto(site + "/")
    tab_to(page, "#f-company-region")
    page.keyboard.type("前海")
    tab_to(page, "#f-company-sector")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#f-transfers-0-description")
    page.keyboard.type("员工人事信息")
    tab_to(page, "#f-transfers-0-purpose")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#f-transfers-0-recipient-kind")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#f-transfers-0-recipient-country")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # past the mainland: Hong Kong
    tab_to(page, "#f-transfers-0-personal_info_subjects")
    page.keyboard.type("5000")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter submits: the form's default button is "assess"
    assert "/result/" in page.url, page.url
    assert "员工人事信息" in page.locator('[data-testid="overall"]').inner_text()
    tab_to(page, '[data-testid="download-md"]')  # the result's actions are reachable too


def test_guided_mode_in_the_browser(page, site):
    """The Nansha visitor on their own: six questions, one per page, then the provisional result."""
    answers = {"company.established": "mainland", "company.region": "南沙", "transfers.0.recipient.country": "DE",
               "transfers.0.personal_info_subjects": "0", "transfers.0.sensitive_info_subjects": "0",
               "transfers.0.important_data": ""}
    page.goto(site + "/guide")
    assert axe_violations(page) == []
    asked = 0
    while "/result/" not in page.url:
        form = page.locator('[data-testid="guide"]')
        step = form.get_attribute("data-step")
        field = form.locator(f'[name="{step}"]:not([type=hidden])').first
        if field.get_attribute("type") == "radio":
            form.locator(f'input[name="{step}"][value="{answers[step]}"]').check()
        elif field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(answers[step])
        else:
            field.fill(answers[step])
        asked += 1
        with page.expect_navigation():
            form.locator('[data-testid="guide-next"]').click()
        if page.locator('[data-testid="region-choices"]').count():  # 南沙: Guangzhou, not Sansha
            with page.expect_navigation():
                page.locator('[data-testid="region-choices"] button').first.click()
        assert asked <= 11
    assert asked == 6
    assert page.locator('[data-testid="overall"]').get_attribute("data-provisional") == "yes"
    page.goto(site + "/guide?lang=en")
    assert axe_violations(page) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_overseas_processor_without_a_place_in_china(page, site, lang):
    """The clerk marks the company as established abroad: the place becomes its representative's, optional;
    left empty, the result shows the representative duty and says nothing regional can be matched."""
    company, tr, _, _ = SCENARIOS["lingang-ecommerce-sg"]
    page.goto(f"{site}/?lang={lang}")
    label = page.locator('label[for="f-company-region"]')
    before = label.inner_text()
    page.check('input[name="company.established"][value="abroad"]')
    after = label.inner_text()
    assert before != after and after == page.get_attribute("#f-company-region", "data-label-abroad")
    assert page.get_by_label(after).count() == 1  # still the region input's accessible name
    assert axe_violations(page) == []
    fill(page, {**company, "region": ""}, {**tr, "purpose": "marketing"})
    page.click('[data-testid="submit"]')
    page.wait_for_url("**/result/**")
    text = visible_text(page)
    assert {"zh": "境外处理者", "en": "Processor established abroad"}[lang] in text
    assert page.locator('[data-testid="support-no-place"]').is_visible()
    assert {"zh": "指定代表", "en": "representative in China"}[lang] in page.locator('[data-testid="transfer-t1"]').inner_text()
    assert not SLUGS.search(text), SLUGS.search(text)
    assert axe_violations(page) == []
    page.click({"zh": "text=修改填写内容", "en": "text=Change the answers"}[lang])  # the answers come back
    assert page.is_checked('input[name="company.established"][value="abroad"]')
    assert page.locator('label[for="f-company-region"]').inner_text() == after
    screenshot(page, f"helpdesk-overseas-{lang}")


@pytest.mark.parametrize("path", ["/", "/?lang=en", "/guide", "/guide?lang=en", "/measures",
                                  "/measures?lang=en&region=440115"])
def test_axe_on_every_screen(page, site, path):
    page.goto(site + path)
    assert axe_violations(page) == []


def test_axe_check_can_fail(page, site):
    """The axe helper reports what it should: a low-contrast, unlabelled control is caught."""
    page.goto(site + "/measures")
    page.evaluate("""() => { const p = document.createElement('p'); p.style.color = '#ccc'; p.style.background = '#fff';
        p.textContent = 'faded text'; document.querySelector('main').appendChild(p);
        const i = document.createElement('input'); document.querySelector('main').appendChild(i); }""")
    found = {v["id"] for v in axe_violations(page)}
    assert {"color-contrast", "label"} <= found, found


def test_the_region_picker_offers_names_not_codes(page, site):
    page.goto(site + "/")
    page.fill("#f-company-region", "前海")
    page.wait_for_function("() => document.querySelectorAll('#region-options option').length > 0")
    values = page.evaluate("() => [...document.querySelectorAll('#region-options option')].map(o => o.value)")
    assert values[0] == "广东省深圳市南山区" and not any(v.isdigit() for v in values)
