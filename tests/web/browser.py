"""Browser test helpers: the app behind a real uvicorn server, Debian's Chromium, and filling the form."""
from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import uvicorn

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pick_app(real_advisor: Any, data_dir: Path) -> tuple[Any, str]:
    """The real app (advisor_api.main) once the core and API have landed; the fake-advisor app until then.

    WEB_TEST_APP=real or =fake forces one. Only "not written yet" falls back to the fake: a real app
    that is broken fails the test.
    """
    want = os.environ.get("WEB_TEST_APP", "auto")
    if want != "fake":
        if isinstance(real_advisor, str):
            if want == "real":
                pytest.fail(real_advisor)
        else:
            try:
                from web_support import real_app

                return real_app(real_advisor, data_dir), "real"
            except ImportError:
                if want == "real":
                    raise
    from web_fakes import make_app

    return make_app(), "fake"


class Server:
    """uvicorn in a thread on 127.0.0.1 and a free port."""

    def __init__(self, app: Any) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 120
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start (see the log above)")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


def launch(playwright: Any, bypass_csp: bool = False) -> Any:
    """Debian's Chromium. ``bypass_csp``: let a test inject axe-core into pages whose CSP forbids inline scripts."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("ADVISOR_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing: run scripts/services.sh")
        pytest.skip(f"{CHROMIUM} is missing: run scripts/services.sh (installs Debian's chromium)")
    profile_dir = tempfile.mkdtemp(prefix="web-chromium-")
    return playwright.chromium.launch_persistent_context(
        profile_dir, executable_path=CHROMIUM, headless=True, args=ARGS, locale="zh-CN",
        viewport={"width": 1100, "height": 900}, bypass_csp=bypass_csp)


def fill_profile(page: Any, profile: dict[str, Any]) -> None:
    """Type a profile into the enquiry form the way a clerk would."""
    c = profile["company"]
    if c.get("name"):
        page.fill("#f-company-name", c["name"])
    page.check(f'input[name="company.established"][value="{c.get("established", "mainland")}"]')
    if c.get("region"):  # an overseas processor may have no place in China
        page.fill("#f-company-region", c["region"])
    page.select_option("#f-company-sector", c["sector"])
    ciio = {True: "true", False: "false", None: ""}[c.get("ciio")]
    page.check(f'input[name="company.ciio"][value="{ciio}"]')
    if profile.get("as_of"):
        _open(page, "#f-as_of")
        page.fill("#f-as_of", profile["as_of"])
    for i, t in enumerate(profile["transfers"]):
        if i:
            page.click('[data-testid="add-transfer"]')
        p = f"#f-transfers-{i}-"
        page.fill(p + "id", t["id"])
        page.select_option(p + "purpose", t["purpose"])
        page.select_option(p + "recipient-kind", t["recipient"]["kind"])
        page.select_option(p + "recipient-country", t["recipient"]["country"])
        page.fill(p + "personal_info_subjects", str(t.get("personal_info_subjects", 0)))
        page.fill(p + "sensitive_info_subjects", str(t.get("sensitive_info_subjects", 0)))
        important = {True: "true", False: "false", None: ""}[t.get("important_data")]
        page.check(f'input[name="transfers.{i}.important_data"][value="{important}"]')
        abroad = "true" if t.get("collected_abroad") else "false"
        page.check(f'input[name="transfers.{i}.collected_abroad"][value="{abroad}"]')


def _open(page: Any, selector: str) -> None:
    if not page.is_visible(selector):
        page.locator(selector).locator("xpath=ancestor::details[1]/summary").click()


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"web-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


AXE = Path(__file__).resolve().parents[2] / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations of the page as loaded (axe from npm: scripts/services.sh)."""
    if not AXE.exists():
        if os.environ.get("ADVISOR_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{AXE} is missing: run scripts/services.sh")
        pytest.skip(f"{AXE} is missing: run scripts/services.sh (installs axe-core from npm)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]
