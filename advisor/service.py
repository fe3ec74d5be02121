"""The one object callers use: rule packs and engine loaded once, then assessments (thread-safe).

    advisor = Advisor.load()                      # loads the rules once; PackError if a pack is broken
    Advisor.load(rules_dir="my-rules")            # a folder of one's own (else $ADVISOR_RULES, else shipped)
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
from advisor.calendar.workdays import calendar_at
from advisor.deadlines import compute_deadlines
from advisor.deadlines.filing_packs import filing_packs_at
from advisor.render.labels import check_labels
from advisor.deadlines.rules import deadline_rules_at
from advisor.engine.cache import CachedMatcher
from advisor.engine.durable import DurableMatcher
from advisor.engine.matcher import Matcher, ReferenceMatcher
from advisor.errors import FieldError, ProfileError
from advisor.packs.diskcache import cached, has
from advisor.packs.loader import RulePack, digest_of, load_pack
from advisor.profile_io import check_profile, place_codes
from advisor.regional.match import matching, whole_catalogue
from advisor.regions import default_gazetteer, gazetteer_at
from advisor.resources import activate, chosen_rules_dir, shipped_rules_dir
from advisor.vocab import SECTORS, ZONES

RULES_DIR = shipped_rules_dir()


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


_PACK = "rulepack"  # the rule pack's entry in the disk cache, under its digest


# a profile whose assessment reads the lazily built parts: a recipient abroad (countries), a transfer that needs
# the security assessment (deadlines, the calendars)
_SAMPLE = {"company": {"name": "sample", "region": "310115", "sector": "other"},
           "transfers": [{"id": "t1", "purpose": "other", "recipient": {"kind": "affiliate", "country": "US"},
                          "personal_info_subjects": 2_000_000, "sensitive_info_subjects": 20_000}]}


def _pack_key(root: Path) -> str:
    return digest_of(root).split(":")[-1]


class Advisor:
    def __init__(self, pack: RulePack, matcher: Matcher, reuse: bool = True) -> None:
        self.pack = pack
        self.matcher = matcher
        self.reuse = reuse  # what one assessment built, reused by the next (memo=False: nothing is)

    @classmethod
    def load(cls, rules_dir: str | Path | None = None, engine: str = "durable", memo: bool = True) -> Advisor:
        """rules_dir: a rules folder of one's own (a full copy of rules/), else $ADVISOR_RULES, else the
        shipped one; validated alike (PackError). engine: "durable" (durable_rules) or "reference" (plain
        Python); memo: the exact cache in front."""
        root = chosen_rules_dir(rules_dir)
        pack = cached(_PACK, _pack_key(root), lambda: load_pack(root))
        # Everything else the folder holds, loaded and checked now (before any request thread exists);
        # only a folder that loaded cleanly becomes the one this process reads them from.
        gazetteer_at(root)
        deadline_rules_at(root)
        calendar_at(root)
        filing_packs_at(root)
        check_labels(root)
        activate(root)
        matcher: Matcher = DurableMatcher(pack.rules, pack.digest) if engine == "durable" else ReferenceMatcher(pack.rules)
        if memo:
            # durable_rules fills the memo; what it learnt is kept on disk under the pack's digest
            matcher = CachedMatcher(matcher, pack.rules, persist=pack.digest if engine == "durable" else None)
        return cls(pack, matcher, reuse=memo)

    @staticmethod
    def warm(rules_dir: str | Path | None = None) -> bool:
        """Whether the disk cache holds the rule pack (``load`` reads it instead of validating the YAML)."""
        return has(_PACK, _pack_key(chosen_rules_dir(rules_dir)))

    def prepare(self) -> None:
        """Build now what is otherwise built on first use and kept in the disk cache (countries, calendars,
        the titles a citation names): a sample assessment that reads them, and every title."""
        from advisor.render.labels import load_titles

        self.assess(_SAMPLE)
        load_titles()

    @property
    def rulepack(self) -> dict[str, str]:
        return {"version": self.pack.meta.version, "digest": self.pack.digest}

    def assess(self, raw: Mapping[str, Any], *, source: str | None = None,
               as_of: dt.date | None = None) -> dict[str, Any]:
        case = check_profile(raw, self.pack, source, as_of)
        try:
            return assessment(case, self.pack, self.matcher, compute_deadlines, reuse=self.reuse)
        except ProfileError as exc:  # a check that needs the decision (company.unique_subjects)
            if exc.source is None and source is not None:
                raise ProfileError(exc.errors, source) from None
            raise

    def measures(self, region: str | None = None, zone: str | None = None, sector: str | None = None,
                 as_of: dt.date | None = None, notes: list[str] | None = None) -> list[dict[str, Any]]:
        """Measures for a place, zone and sector at a date. A zone that does not lie in the place's province
        is no error (both filters are valid; no measure meets both): nothing is returned, and the reason is
        appended to `notes` when a list is given."""
        errors = []
        outside: list[str] = []
        gz = default_gazetteer()
        ancestors: tuple[str, ...] = ()
        zones: frozenset[str] = frozenset()
        place = None
        if region:
            try:
                hit = gz.lookup(region)  # the one place resolver: 前海 is Nanshan and the qianhai zone
                place = hit.place
                ancestors, zones = place_codes(place), frozenset(gz.implied_zones(place)) | frozenset(hit.zones)
            except LookupError as exc:
                errors.append(FieldError("region", str(exc.args[0] if exc.args else exc), region))
        if zone:
            if zone not in ZONES:
                errors.append(FieldError("zone", f"unknown zone; one of: {', '.join(sorted(ZONES))}", zone))
            else:
                zones = zones | {zone}
                if place is not None:
                    outside = gz.check_zones(place, [zone])
                elif not region:
                    ancestors = _zone_codes(zone)
        if sector and sector not in SECTORS:
            errors.append(FieldError("sector", f"unknown sector; one of: {', '.join(sorted(SECTORS))}", sector))
        if errors:
            raise ProfileError(errors, what="invalid filter")
        if outside:
            if notes is not None:
                notes += outside
            return []
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
