"""The one object callers use: rule packs and engine loaded once, then assessments (thread-safe).

    advisor = Advisor.load()                      # loads rules/ once; PackError if a pack is broken
    advisor.rulepack                              # {"id", "version", "digest": "sha256:..."}
    advisor.assess(raw_profile, *, source=None, as_of=None) -> dict   # the assessment (contract §2)
        raises ProfileError(errors=[FieldError(loc, message, value)], source) on invalid input
    advisor.measures(region=None, zone=None, sector=None, as_of=None) -> list[dict]
    advisor.rules_summary() -> {"version", "digest", "rules": [{"id", "kind", "title", "basis", "effective"}]}
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from advisor.assess import assessment
from advisor.engine.cache import CachedMatcher
from advisor.engine.durable import DurableMatcher
from advisor.engine.matcher import Matcher, ReferenceMatcher
from advisor.errors import FieldError, ProfileError
from advisor.packs.diskcache import cached
from advisor.packs.loader import RulePack, digest_of, load_pack
from advisor.profile_io import check_profile, place_codes
from advisor.regional.match import matching, whole_catalogue
from advisor.regions import default_gazetteer
from advisor.resources import shipped_rules_dir
from advisor.vocab import SECTORS, ZONES

RULES_DIR = shipped_rules_dir()


def _deadlines_fn() -> Any:
    try:
        from advisor.deadlines import compute_deadlines
    except ImportError:  # the deadlines module is optional while it is being built
        return None
    return compute_deadlines


def _zone_codes(slug: str) -> tuple[str, ...]:
    """Divisions every company in a zone lies in: its province, what it wholly covers, and what all the
    divisions it lies in share."""
    gz = default_gazetteer()
    z = gz.zone(slug)
    shared: set[str] | None = None
    for code in z.regions:
        place = gz.get(code)
        if place is not None:
            shared = set(place_codes(place)) if shared is None else shared & set(place_codes(place))
    return tuple(sorted({z.province, *z.implied_by, *(shared or ())}))


class Advisor:
    def __init__(self, pack: RulePack, matcher: Matcher) -> None:
        self.pack = pack
        self.matcher = matcher
        self._deadlines = _deadlines_fn()

    @classmethod
    def load(cls, rules_dir: Path | None = None, engine: str = "durable", memo: bool = True) -> Advisor:
        """engine: "durable" (durable_rules) or "reference" (plain Python); memo: the exact cache in front."""
        root = (rules_dir or RULES_DIR).resolve()
        pack = cached("rulepack", digest_of(root).split(":")[-1], lambda: load_pack(root))
        default_gazetteer()  # load once, before any request thread exists
        matcher: Matcher = DurableMatcher(pack.rules, pack.digest) if engine == "durable" else ReferenceMatcher(pack.rules)
        if memo:
            # durable_rules fills the memo; what it learnt is kept on disk under the pack's digest
            matcher = CachedMatcher(matcher, pack.rules, persist=pack.digest if engine == "durable" else None)
        return cls(pack, matcher)

    @property
    def rulepack(self) -> dict[str, str]:
        return {"version": self.pack.meta.version, "digest": self.pack.digest}

    def assess(self, raw: Mapping[str, Any], *, source: str | None = None,
               as_of: dt.date | None = None) -> dict[str, Any]:
        case = check_profile(raw, self.pack, source, as_of)
        try:
            return assessment(case, self.pack, self.matcher, self._deadlines)
        except ProfileError as exc:  # a check that needs the decision (company.unique_subjects)
            if exc.source is None and source is not None:
                raise ProfileError(exc.errors, source) from None
            raise

    def measures(self, region: str | None = None, zone: str | None = None, sector: str | None = None,
                 as_of: dt.date | None = None) -> list[dict[str, Any]]:
        errors = []
        gz = default_gazetteer()
        ancestors: tuple[str, ...] = ()
        zones: frozenset[str] = frozenset()
        place = None
        if region:
            try:
                place = gz.resolve(region)
                ancestors, zones = place_codes(place), frozenset(gz.implied_zones(place))
            except LookupError as exc:
                errors.append(FieldError("region", str(exc.args[0] if exc.args else exc), region))
        if zone:
            if zone not in ZONES:
                errors.append(FieldError("zone", "unknown zone", zone))
            else:
                zones = zones | {zone}
                if place is not None:
                    errors += [FieldError("zone", msg, zone) for msg in gz.check_zones(place, [zone])]
                elif not region:
                    ancestors = _zone_codes(zone)
        if sector and sector not in SECTORS:
            errors.append(FieldError("sector", "unknown sector", sector))
        if errors:
            raise ProfileError(errors, what="invalid filter")
        day = as_of or dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
        if not region and not zone:
            return whole_catalogue(self.pack, sector or None, day)
        return matching(self.pack, ancestors, zones, sector or None, day, None)

    def rules_summary(self) -> dict[str, Any]:
        return {"version": self.pack.meta.version, "digest": self.pack.digest, "rules": [
            {"id": r.spec.id, "kind": r.spec.kind, "title": r.spec.title.as_dict(),
             "basis": [c.as_dict() for c in r.spec.basis],
             "effective": {"from": r.spec.effective.from_.isoformat(),
                           "until": r.spec.effective.until.isoformat() if r.spec.effective.until else None}}
            for r in self.pack.rules]}
