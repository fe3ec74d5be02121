"""A small stand-in for advisor.service.Advisor with exactly its interface (used until the core lands).

It validates with the real profile model, so error paths look like the real ones; its "rules" are a
toy (volume bands only) and deterministic, so answers can be compared across processes.
"""
from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from advisor.errors import FieldError, ProfileError
from advisor.models.profile import Profile

REGIONS = {"310115": "shanghai", "440305": "shenzhen", "120116": "tianjin"}
MEASURES = [
    {"id": "gba-sc-hk-2023", "type": "gba_standard_contract", "status": "active", "region": "440305",
     "sectors": ["internet_services"], "title": {"zh": "粤港澳大湾区标准合同", "en": "GBA standard contract"},
     "why": {"zh": "…", "en": "…"}, "sources": ["https://example.invalid/gba"]},
    {"id": "tianjin-negative-list", "type": "negative_list", "status": "active", "region": "120116",
     "sectors": ["manufacturing"], "title": {"zh": "天津负面清单", "en": "Tianjin negative list"},
     "why": {"zh": "…", "en": "…"}, "sources": []},
]


class FakeAdvisor:
    rulepack = {"version": "fake-1", "digest": "sha256:" + "f" * 64}

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls = 0

    @classmethod
    def load(cls) -> FakeAdvisor:
        return cls()

    def assess(self, raw: Mapping[str, Any], *, source: str | None = None) -> dict[str, Any]:
        try:
            profile = Profile.model_validate(raw)
        except ValidationError as err:
            raise ProfileError([FieldError(".".join(str(p) for p in e["loc"]), e["msg"], e.get("input"))
                                for e in err.errors()], source) from None
        if profile.company.region not in REGIONS:
            raise ProfileError([FieldError("company.region", "unknown region", profile.company.region)], source)
        with self._lock:
            self.calls += 1
        rows = [self._transfer(t) for t in profile.transfers]
        order = ["not_outbound", "exempt", "standard_contract_or_certification", "security_assessment"]
        overall = max((r["pathway"] for r in rows), key=order.index, default="not_outbound")
        as_of = (profile.as_of or dt.date(2026, 11, 27)).isoformat()
        return {
            "schema_version": 1, "as_of": as_of, "rulepack": dict(self.rulepack), "overall": overall,
            "totals": {"personal_info_subjects": sum(t.personal_info_subjects for t in profile.transfers),
                       "sensitive_info_subjects": sum(t.sensitive_info_subjects for t in profile.transfers),
                       "counted_since": as_of[:4] + "-01-01", "counted_transfers": [t.id for t in profile.transfers]},
            "transfers": rows, "measures": self.measures(region=profile.company.region),
            "deadlines": [], "questions": [], "warnings": [{"zh": "示例", "en": "fake advisor"}],
            "profile": profile.model_dump(mode="json"),
        }

    @staticmethod
    def _transfer(t: Any) -> dict[str, Any]:
        if t.recipient.country == "CN":
            pathway = "not_outbound"
        elif t.personal_info_subjects >= 1_000_000 or t.sensitive_info_subjects >= 10_000 or t.important_data:
            pathway = "security_assessment"
        elif t.personal_info_subjects >= 100_000 or t.sensitive_info_subjects > 0:
            pathway = "standard_contract_or_certification"
        else:
            pathway = "exempt"
        return {"id": t.id, "pathway": pathway, "exemption": "below_threshold" if pathway == "exempt" else None,
                "options": [], "basis": [{"instrument": "provisions-2024", "article": "8"}], "obligations": [],
                "requirements": [], "rules": ["fake.rule"], "explanation": {"zh": "示例", "en": "example"}}

    def measures(self, region: str | None = None, zone: str | None = None, sector: str | None = None,
                 as_of: dt.date | None = None, notes: list[str] | None = None) -> list[dict[str, Any]]:
        if region is not None and region not in REGIONS:
            raise ProfileError([FieldError("region", "unknown region", region)])
        return [m for m in MEASURES if (region is None or m["region"] == region)
                and (sector is None or sector in m["sectors"])]

    def rules_summary(self) -> dict[str, Any]:
        return {**self.rulepack, "rules": [{"id": "fake.rule", "title": {"zh": "示例", "en": "Example"},
                                            "basis": [{"instrument": "provisions-2024", "article": "8"}]}]}
