"""A small stand-in for the core advisor (contract §2 shapes, the main thresholds of §3), for page tests.

It validates with the real profile model, so its errors look like the real ones. It is not the law: the
real-app tests (test_real_app.py, and the browser tests when the core has landed) check the real thing.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import FastAPI
from pydantic import ValidationError

from advisor.errors import FieldError, ProfileError
from advisor.models.profile import Profile
from advisor_api.web.routes import router
from advisor_api.web.state import MemoryStore

PLACES = [
    {"code": "440305", "zh": "南山区", "en": "Nanshan District", "level": "district",
     "full_zh": "广东省深圳市南山区", "full_en": "Nanshan District, Shenzhen, Guangdong"},
    {"code": "440300", "zh": "深圳市", "en": "Shenzhen", "level": "city", "full_zh": "广东省深圳市", "full_en": "Shenzhen, Guangdong"},
    {"code": "310115", "zh": "浦东新区", "en": "Pudong New Area", "level": "district",
     "full_zh": "上海市浦东新区", "full_en": "Pudong New Area, Shanghai"},
    {"code": "120000", "zh": "天津市", "en": "Tianjin", "level": "province", "full_zh": "天津市", "full_en": "Tianjin"},
]
EXEMPT_PURPOSES = {"contract_with_individual": "contract_necessity", "hr_management": "hr_management",
                   "emergency": "emergency", "statutory_duty": "statutory_duty"}
B = lambda zh, en: {"zh": zh, "en": en}  # noqa: E731
MEASURES = [
    {"id": "gba-sc-hk-2023", "types": ["gba_standard_contract"], "status": "active", "region": "440000",
     "title": B("大湾区（内地、香港）标准合同", "GBA (Mainland, HK) standard contract"),
     "contact": B("广东省网信办", "Guangdong CAC"), "sources": ["https://example.invalid/gba"]},
    {"id": "tj-ftz-nl-2024", "types": ["negative_list"], "status": "active", "region": "120000",
     "title": B("天津自贸试验区负面清单", "Tianjin FTZ negative list"), "sources": ["https://example.invalid/tj"]},
    {"id": "old-plan", "types": ["industry_plan"], "status": "expired", "region": "440000",
     "title": B("过期的规划", "An expired plan"), "sources": ["https://example.invalid/old"]},
]


def _place(region: str | None) -> dict[str, Any] | None:
    return next((p for p in PLACES if region in (p["code"], p["full_zh"], p["zh"])), None)


class FakeAdvisor:
    rulepack = {"version": "fake-1", "digest": "sha256:fake"}

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def assess(self, raw: dict[str, Any], *, source: str | None = None) -> dict[str, Any]:
        self.calls.append(raw)
        try:
            p = Profile.model_validate(raw)
        except ValidationError as exc:
            raise ProfileError([FieldError(".".join(str(x) for x in e["loc"]), e["msg"],
                                           None if isinstance(e.get("input"), (dict, list)) else e.get("input"))
                                for e in exc.errors()]) from None
        place = _place(p.company.region) if p.company.region is not None else None
        if place is None and (p.company.region is not None or p.company.established == "mainland"):
            raise ProfileError([FieldError("company.region", "unknown region", p.company.region)])
        ns = sum(t.personal_info_subjects for t in p.transfers if t.purpose not in EXEMPT_PURPOSES)
        s = sum(t.sensitive_info_subjects for t in p.transfers if t.purpose not in EXEMPT_PURPOSES)
        gba = place is not None and place["code"].startswith("4403")
        transfers, measures = [], []
        for t in p.transfers:
            row = {"id": t.id, "pathway": "exempt", "options": [], "basis": [], "obligations": [], "requirements": [],
                   "rules": [], "explanation": B("假的说明", "fake explanation")}
            has_pi = t.personal_info_subjects + t.sensitive_info_subjects > 0
            if t.recipient.country == "CN":
                row["pathway"] = "not_outbound"
            elif t.important_data or (p.company.ciio and has_pi and t.purpose not in EXEMPT_PURPOSES):
                row.update(pathway="security_assessment", options=["security_assessment"],
                           basis=[{"instrument": "provisions-2024", "article": "7"}])
            elif t.purpose in EXEMPT_PURPOSES and has_pi:
                row.update(exemption=EXEMPT_PURPOSES[t.purpose], basis=[{"instrument": "provisions-2024", "article": "5", "item": "1"}])
            elif ns >= 1_000_000 or s >= 10_000:
                row.update(pathway="security_assessment", options=["security_assessment"],
                           basis=[{"instrument": "provisions-2024", "article": "7"}])
            elif ns >= 100_000 or s >= 1:
                opts = ["standard_contract", "certification"]
                if gba and t.recipient.country == "HK":
                    opts.append("gba_standard_contract")
                    measures.append(MEASURES[0])
                row.update(pathway="standard_contract_or_certification", options=opts,
                           basis=[{"instrument": "provisions-2024", "article": "8"}])
            else:
                row.update(exemption="below_threshold" if has_pi else "no_regulated_data",
                           basis=[{"instrument": "provisions-2024", "article": "5" if has_pi else "3"}])
            if has_pi:
                row["obligations"].append({"id": "pipl-notice", "basis": [{"instrument": "pipl", "article": "39"}]})
            transfers.append(row)
        order = ["not_outbound", "exempt", "standard_contract_or_certification", "security_assessment"]
        questions = [{"field": "company.ciio", "text": B("企业是否为关键信息基础设施运营者？", "Is the company a CIIO?"),
                      "changes_outcome": True}] if p.company.ciio is None else []
        questions += [{"field": f"transfers.{t.id}.important_data", "text": B("是否含重要数据？", "Important data?"),
                       "changes_outcome": True} for t in p.transfers if t.important_data is None]
        deadlines = [{"id": "standard_contract_filing", "transfer": a.transfer, "provisional": False,
                      "date": (a.effective_on + dt.timedelta(days=14)).isoformat(),
                      "label": B("标准合同备案截止", "Standard contract filing due")}
                     for a in p.approvals if a.mechanism == "standard_contract" and a.effective_on]
        return {"schema_version": 1, "as_of": str(p.as_of or dt.date(2026, 11, 27)), "rulepack": self.rulepack,
                "overall": max((t["pathway"] for t in transfers), key=order.index, default="not_outbound"),
                "totals": {"personal_info_subjects": ns, "sensitive_info_subjects": s}, "transfers": transfers,
                "measures": measures + [MEASURES[2]], "deadlines": deadlines, "questions": questions,
                "warnings": [B("这是测试用的假评估。", "This is a fake assessment for tests.")],
                "profile": p.model_dump(mode="json")}

    def measures(self, region=None, zone=None, sector=None, as_of=None, notes=None) -> list[dict[str, Any]]:  # noqa: ANN001
        place = _place(region) if region else None
        if region and place is None:
            raise ProfileError([FieldError("region", "unknown region", region)])
        code = place["code"] if place else None
        return [m for m in MEASURES if code is None or code.startswith(m["region"][:2])]


def fake_render(result: dict[str, Any], fmt: str, lang: str) -> str:
    return f"{fmt}:{lang}:{result['overall']}"


def make_app(advisor: Any = None) -> FastAPI:
    app = FastAPI()
    app.include_router(router)
    app.state.advisor = advisor or FakeAdvisor()
    app.state.store = MemoryStore()
    app.state.render = fake_render
    app.state.place_search = lambda q, limit: [p for p in PLACES if q in p["code"] or q in p["full_zh"]][:limit]
    return app
