"""The batch hot path: one JSON line per profile for `advisor assess --format jsonl`, assembled from caches.

What `Advisor.assess` decides afresh for every profile is, for a batch, mostly the same few thousand things:
a transfer's screen decision depends on the company's facts, the day and its own fields, and only on where
its counts fall among the numbers the rules compare them with; its final decision and its whole output body
on that and on where the company totals fall. So this module keys each piece by the raw profile's fields:

- the context: the day and the company's fields (its place, zones and the lists open to it);
- a transfer's screen decision: the context, and the transfer's fields with its counts replaced by their
  classes (``advisor.facts.count_facts`` under the rules' constants; exact counts where a named list's
  scenario reads them);
- a transfer's final decision, its matched rules and its body pre-serialized: the screen key and the class
  of the company totals (``advisor.decide._classes``);
- the measures (place, zones, sector, day, needs), the deadlines (day, the transfers under assessment and
  what names them), the summary (route, transfers that set it and what names them).

Every entry is filled the first time by the production machinery itself (durable_rules behind the memo,
``advisor.assess`` building the body), so a cached line is the line `Advisor.assess` would give, byte for
byte (tests/test_cache_identity.py). The counts, totals, headroom, ids and the profile echo are computed per
profile. A profile outside the plain shape (approvals, de-duplicated totals, pre-fill fields, country names,
anything pydantic would refuse or convert, ...) goes the full way: `Advisor.assess`, its errors included.
No pydantic on the way of a plain profile: its fields are checked here against the model's own vocabulary
and the model's field order and defaults (read from ``advisor.models.profile``) give the echoed profile.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable
from typing import Any, get_args
from zoneinfo import ZoneInfo

import orjson

from advisor.assess import SCHEMA_VERSION, _by_kind, _summary, _transfer
from advisor.decide import DECIDING, TransferDecision, _classes, _screen, _volume, counting_window, totals_facts
from advisor.engine.cache import rule_constants
from advisor.facts import company_facts, count_facts, screen_facts
from advisor.headroom import headroom
from advisor.list_scenarios import purpose_listed, scenario_slugs
from advisor.models.profile import Company, LocalList, Profile, Recipient, Transfer
from advisor.questions import route_blind
from advisor.regional.lists import gba_contract_available, lists_available
from advisor.regional.match import matching, needs_for
from advisor.render.labels import transfer_name
from advisor.vocab import PATHWAY_ORDER, PURPOSES, SECTORS, SPECIAL_CATEGORIES, ZONES, OnwardTransfer, RecipientKind

LIMIT = 50_000  # entries per cache (cleared when full: a batch of a million varied profiles stays bounded)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ID = re.compile(r"[A-Za-z0-9_\-]{1,100}")  # a subset of the model's id pattern (any other id: the full way)
_MAX_COUNT = 10_000_000_000
_TEXT = 2000
_KINDS = frozenset(get_args(RecipientKind))
_ONWARD = frozenset(get_args(OnwardTransfer))
_LINE = orjson.OPT_APPEND_NEWLINE


class Fallback(Exception):
    """The profile is not plain: the full way (``Advisor.assess``) answers it."""


def _defaults(model: Any) -> list[tuple[str, Any]]:
    return [(n, f.get_default(call_default_factory=True)) for n, f in model.model_fields.items()]


_COMPANY = _defaults(Company)
_TRANSFER = _defaults(Transfer)
_RECIPIENT = _defaults(Recipient)
_LOCAL_LIST = _defaults(LocalList)
# fields a plain profile may give (the others, e.g. approvals, unique_subjects, contact: the full way)
_COMPANY_GIVEN = {"name", "established", "region", "zones", "sector", "ciio", "personal_info_processed",
                  "hr_rules_in_place", "large_platform"}
_TRANSFER_GIVEN = {"id", "description", "purpose", "recipient", "personal_info_subjects", "sensitive_info_subjects",
                   "important_data", "collected_abroad", "local_list", "special_categories", "necessary",
                   "onward_transfer", "important_data_identified", "core_data"}
_RECIPIENT_GIVEN = {"kind", "country", "name", "address"}
# company fields a question's alternative may change without moving the company's place
_COMPANY_FACT_FIELDS = frozenset({"ciio", "personal_info_processed", "hr_rules_in_place", "large_platform"})


def _text(v: Any) -> bool:
    return v is None or (type(v) is str and len(v) <= _TEXT)


def _tri(v: Any) -> bool:
    return v is None or type(v) is bool


def _count(v: Any) -> bool:
    return type(v) is int and 0 <= v <= _MAX_COUNT


def _fill(fields: list[tuple[str, Any]], given: dict[str, Any]) -> dict[str, Any]:
    return {n: given[n] if n in given else (list(d) if type(d) is list else d) for n, d in fields}


class _Ctx:
    """What the day and the company's fields give: the place, every zone, the codes a measure may name."""

    __slots__ = ("key", "day", "company", "place", "zones", "codes", "section", "lists", "decides")

    def __init__(self, key: tuple[Any, ...], day: dt.date, company: dict[str, Any], place: Any,
                 zones: frozenset[str], codes: tuple[str, ...]) -> None:
        self.key, self.day, self.company, self.place, self.zones, self.codes = key, day, company, place, zones, codes
        self.decides: tuple[Any, ...] = key  # what of the context a transfer's decision can see (HotPath._decides)
        self.section = {"established": company["established"],
                        "region": None if place is None else {"code": place.code, "zh": place.full_zh,
                                                               "en": place.full_en},
                        "zones": sorted(zones), "sector": company["sector"], "ciio": company["ciio"]}
        self.lists: tuple[Any, ...] | None = None


class _Final:
    """A transfer's decision once the company totals are known, and its output body."""

    __slots__ = ("pathway", "body", "warnings", "notes", "questions", "list_reasons")

    def __init__(self, d: TransferDecision, pack: Any) -> None:
        self.pathway = d.pathway
        out = _transfer(d, pack)
        del out["id"]
        self.body = orjson.dumps(out)[1:-1]
        self.warnings = [r for r in _by_kind(d, pack, "warning") if r.then.severity == "warning"]
        self.notes = [r for r in _by_kind(d, pack, "warning") if r.then.severity == "note"]
        self.questions = [pack.by_id[i] for i in d.hits if pack.by_id[i].spec.kind == "question"]
        self.list_reasons: list[str] = []
        ll = d.tf.transfer.local_list
        if ll is not None and d.pathway != "not_outbound":
            m = pack.catalogue.by_id[ll.id]
            self.list_reasons = list(d.tf.list_obstacles)
            if (not self.list_reasons and ll.scenario is None and m.list_rules.scenario_purposes
                    and not purpose_listed(m, d.tf.transfer.purpose)):
                self.list_reasons.append("scenario")


class HotPath:
    """``line(raw, source, as_of)``: the JSON line `advisor assess --format jsonl` writes for one profile."""

    def __init__(self, advisor: Any) -> None:
        self.advisor, self.pack, self.matcher = advisor, advisor.pack, advisor.matcher
        pack = self.pack
        self._ints, self._words, self._bounds = rule_constants(pack.rules)
        self._cuts = tuple((f, self._ints.get(f, [])) for f in count_facts(0, 0))
        self._gba = sorted({m.need_country for m in pack.catalogue.measures
                            if "gba_standard_contract" in m.types and m.need_country})
        self._ctx: dict[tuple[Any, ...], _Ctx | None] = {}
        self._screen: dict[tuple[Any, ...], TransferDecision] = {}
        self._final: dict[tuple[Any, ...], _Final] = {}
        self._measures: dict[tuple[Any, ...], orjson.Fragment] = {}
        self._deadlines: dict[tuple[Any, ...], tuple[orjson.Fragment, list[dict[str, str]]]] = {}
        self._summaries: dict[tuple[Any, ...], dict[str, str]] = {}
        self._countries: dict[str, bool] = {}
        self._rulepack = {"version": pack.meta.version, "digest": pack.digest}
        self.plain = self.full = 0  # profiles answered here, and the full way

    # ---- the line ----------------------------------------------------------------------------------
    def line(self, raw: Any, source: str | None = None, as_of: dt.date | None = None) -> bytes:
        try:
            out = self._assess(raw, as_of)
            self.plain += 1
        except Fallback:
            self.full += 1
            out = self.advisor.assess(raw, source=source, as_of=as_of)
        if source is not None:
            out["source"] = source
        return orjson.dumps(out, option=_LINE)

    def _assess(self, raw: Any, as_of: dt.date | None) -> dict[str, Any]:
        profile = self._plain(raw, as_of)
        company, transfers = profile["company"], profile["transfers"]
        day = dt.date.fromisoformat(profile["as_of"]) if profile["as_of"] else \
            dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
        ctx = self._context(day, company, profile)
        keys = [self._tkey(ctx, t) for t in transfers]
        screens = [self._screened(ctx, k, profile, i) for i, k in enumerate(keys)]
        counted = [i for i, s in enumerate(screens) if s.counted]
        totals = totals_facts(len(counted), sum(transfers[i]["personal_info_subjects"] for i in counted),
                              sum(transfers[i]["sensitive_info_subjects"] for i in counted))
        cls = _classes(self.pack, totals)
        finals = [self._finished(ctx, k, cls, totals, profile, i) for i, k in enumerate(keys)]
        ids = [t["id"] for t in transfers]
        pathways = [f.pathway for f in finals]
        overall = max(pathways, key=PATHWAY_ORDER.index, default="not_outbound")
        since, _ = counting_window(self.pack, day)
        ns, s = totals["company.personal_info_total"], totals["company.sensitive_info_total"]
        summary = {"personal_info_subjects": ns, "sensitive_info_subjects": s, "counted_since": since.isoformat(),
                   "counted_transfers": [ids[i] for i in counted]}
        summary["headroom"] = headroom(self.pack, day, totals) if counted else []
        deadlines, extra = self._deadlined(day, profile, ids, pathways)
        return {
            "schema_version": SCHEMA_VERSION,
            "summary": self._summary(overall, pathways, profile, day, ctx),
            "as_of": day.isoformat(),
            "rulepack": self._rulepack,
            "overall": overall,
            "totals": summary,
            "transfers": [orjson.Fragment(b'{"id":%b,%b}' % (orjson.dumps(tid), f.body)) for tid, f in zip(ids, finals)],
            "measures": self._measured(ctx, pathways, transfers),
            "deadlines": deadlines,
            "questions": self._questions(ctx, profile, keys, screens, finals, totals, cls),
            "warnings": self._list_warnings(finals, transfers, ids) + self._grouped(finals, ids, "warnings") + extra,
            "notes": self._grouped(finals, ids, "notes"),
            "company": {"name": company["name"], **ctx.section},
            "profile": profile,
        }

    # ---- the plain profile -----------------------------------------------------------------------
    def _plain(self, raw: Any, as_of: dt.date | None) -> dict[str, Any]:
        """The profile as ``Profile.model_dump(mode="json")`` gives it, when its shape is plain; else Fallback."""
        if type(raw) is not dict or not raw.keys() <= {"as_of", "company", "approvals", "transfers"}:
            raise Fallback
        day = as_of.isoformat() if as_of is not None else raw.get("as_of")
        if day is not None and (type(day) is not str or not _DAY.fullmatch(day)):
            raise Fallback
        if day is not None:
            try:
                if dt.date.fromisoformat(day) < self.pack.meta.earliest_as_of:
                    raise Fallback
            except ValueError:
                raise Fallback from None
        if raw.get("approvals"):
            raise Fallback
        c = raw.get("company")
        if (type(c) is not dict or not c.keys() <= _COMPANY_GIVEN or not _text(c.get("name"))
                or c.get("sector") not in SECTORS or c.get("established", "mainland") not in ("mainland", "abroad")
                or not (c.get("region") is None or type(c.get("region")) is str)
                or not all(_tri(c.get(f)) for f in ("ciio", "hr_rules_in_place", "large_platform"))
                or not (c.get("personal_info_processed") is None or _count(c["personal_info_processed"]))):
            raise Fallback
        zones = c.get("zones", [])
        if type(zones) is not list or not all(type(z) is str and z in ZONES for z in zones):
            raise Fallback
        ts = raw.get("transfers", [])
        if type(ts) is not list or len(ts) > 1000:
            raise Fallback
        transfers, seen = [], set()
        for t in ts:
            transfers.append(self._plain_transfer(t))
            if t["id"] in seen:
                raise Fallback
            seen.add(t["id"])
        return {"as_of": day, "company": _fill(_COMPANY, c), "approvals": [], "transfers": transfers}

    def _plain_transfer(self, t: Any) -> dict[str, Any]:
        if (type(t) is not dict or not t.keys() <= _TRANSFER_GIVEN or type(t.get("id")) is not str
                or not _ID.fullmatch(t["id"]) or not _text(t.get("description")) or t.get("purpose") not in PURPOSES
                or not _count(t.get("personal_info_subjects", 0)) or not _count(t.get("sensitive_info_subjects", 0))
                or type(t.get("collected_abroad", False)) is not bool
                or not all(_tri(t.get(f)) for f in ("important_data", "necessary", "important_data_identified",
                                                      "core_data"))
                or t.get("onward_transfer", "none") not in _ONWARD):
            raise Fallback
        r = t.get("recipient")
        if (type(r) is not dict or not r.keys() <= _RECIPIENT_GIVEN or r.get("kind") not in _KINDS
                or not _text(r.get("name")) or not _text(r.get("address")) or not self._country(r.get("country"))):
            raise Fallback
        cats = t.get("special_categories", [])
        if type(cats) is not list or not all(type(x) is str and x in SPECIAL_CATEGORIES for x in cats):
            raise Fallback
        ll = t.get("local_list")
        out = _fill(_TRANSFER, t)
        out["recipient"] = _fill(_RECIPIENT, r)
        if ll is not None:
            if type(ll) is not dict or not ll.keys() <= {"id", "data_on_list", "scenario"} \
                    or type(ll.get("id")) is not str or type(ll.get("data_on_list")) is not bool:
                raise Fallback
            m = self.pack.catalogue.by_id.get(ll["id"])
            scenario = ll.get("scenario")
            if m is None or m.list_rules is None or (scenario is not None and (
                    type(scenario) is not str or scenario not in scenario_slugs(m))):
                raise Fallback
            out["local_list"] = _fill(_LOCAL_LIST, ll)
        return out

    def _country(self, code: Any) -> bool:
        """An ISO code the country resolver keeps as it is (a name, or an unknown code: the full way)."""
        if type(code) is not str:
            return False
        ok = self._countries.get(code)
        if ok is None:
            from advisor.countries import default_countries

            try:
                ok = bool(re.fullmatch(r"[A-Z]{2}", code)) and default_countries().resolve(code).code == code
            except LookupError:
                ok = False
            self._countries[code] = ok
        return ok

    # ---- context and transfers -------------------------------------------------------------------
    def _context(self, day: dt.date, company: dict[str, Any], profile: dict[str, Any]) -> _Ctx:
        key = (day, *(company[n] if n != "zones" else tuple(company[n]) for n, _ in _COMPANY if n != "name"))
        ctx = self._ctx.get(key, False)
        if ctx is False:
            ctx = self._ctx[key] = self._new_context(key, day, company)
            if ctx is not None:
                ctx.decides = self._decides(ctx, {**profile, "company": company})
            _bound(self._ctx)
        if ctx is None:
            raise Fallback
        return ctx

    def _new_context(self, key: tuple[Any, ...], day: dt.date, company: dict[str, Any]) -> _Ctx | None:
        """As ``advisor.profile_io.check_profile`` derives it; None where it finds an error (the full way names it)."""
        from advisor.profile_io import place_codes
        from advisor.regions import default_gazetteer

        gz = default_gazetteer()
        region, zones = company["region"], frozenset(company["zones"])
        place = None
        if region is None:
            if company["established"] == "mainland" or zones:
                return None
            return _Ctx(key, day, company, None, zones, ())
        try:
            hit = gz.lookup(region)
        except LookupError:
            return None
        if not hit.place.mainland or gz.check_zones(hit.place, list(company["zones"])):
            return None
        place = hit.place
        zones = zones | frozenset(hit.zones) | gz.implied_zones(place)
        return _Ctx(key, day, company, place, frozenset(zones), place_codes(place))

    def _decides(self, ctx: _Ctx, profile: dict[str, Any]) -> tuple[Any, ...]:
        """What of the context ``advisor.facts.screen_facts`` puts into a transfer's facts, as the rules see it:
        the company's facts by class (``rule_constants``), the day by the rules' effective-date boundaries, whether
        a local list is open to the company, and the GBA measure for each recipient side one names. A transfer
        that names a local list is keyed by the whole context instead (the list's own checks read it)."""
        case = self._case(profile, ctx.day)
        vector = []
        for fact, value in sorted(company_facts(case, self.pack.used_facts).items()):
            if fact in self._ints:
                value = bisect.bisect_right(self._ints[fact], value)
            elif fact in self._words and value not in self._words[fact]:
                value = "\0other"
            vector.append((fact, value))
        cat, sector, ciio = self.pack.catalogue, case.profile.company.sector, bool(case.profile.company.ciio)
        gba = tuple(getattr(gba_contract_available(cat, ctx.codes, c, ctx.day), "id", None) for c in self._gba)
        return (tuple(vector), bisect.bisect_right(self._bounds, ctx.day),
                bool(lists_available(cat, ctx.codes, ctx.zones, sector, ciio, ctx.day)), gba)

    def _tkey(self, ctx: _Ctx, t: dict[str, Any]) -> tuple[Any, ...]:
        """The context as the transfer's decision sees it, and the transfer's own fields that its decision can
        depend on; its counts by class (exact where the named list's scenario reads them)."""
        ll = t["local_list"]
        pi, si = t["personal_info_subjects"], t["sensitive_info_subjects"]
        if ll is not None and ll["scenario"] is not None:
            counts: tuple[Any, ...] = ("exact", pi, si, ll["id"], ll["data_on_list"], ll["scenario"])
        else:
            facts = count_facts(pi, si)
            counts = tuple(bisect.bisect_right(c, facts[f]) if c else facts[f] for f, c in self._cuts)
            if ll is not None:
                counts += (ll["id"], ll["data_on_list"])
        r = t["recipient"]
        return (ctx.decides if ll is None else ctx.key, t["purpose"], r["kind"], r["country"], t["important_data"], t["collected_abroad"],
                tuple(t["special_categories"]), t["necessary"], t["onward_transfer"],
                t["important_data_identified"], t["core_data"], ll is not None, counts)

    def _case(self, profile: dict[str, Any], day: dt.date) -> Any:
        """The checked case the full way would make of ``profile`` (for a cache miss only)."""
        from advisor.profile_io import check_profile

        return check_profile(profile, self.pack, as_of=day)

    def _screened(self, ctx: _Ctx, key: tuple[Any, ...], profile: dict[str, Any], at: int) -> TransferDecision:
        full = key
        d = self._screen.get(full)
        if d is None:
            case = self._case(profile, ctx.day)
            tid = profile["transfers"][at]["id"]
            (tf,) = screen_facts(case, self.pack, only=tid, at=at)
            d = TransferDecision(tf)
            ids = self.matcher.match("screen", ctx.day, [tf.facts])[0]
            d.hits += ids
            _screen(d, [self.pack.by_id[i] for i in ids])
            self._screen[full] = d
            _bound(self._screen)
        return d

    def _finished(self, ctx: _Ctx, key: tuple[Any, ...], cls: tuple[Any, ...], totals: dict[str, Any],
                  profile: dict[str, Any], at: int) -> _Final:
        full = (key, cls)
        f = self._final.get(full)
        if f is None:
            s = self._screened(ctx, key, profile, at)
            d = TransferDecision(s.tf, s.pathway, s.exemption, s.trigger, list(s.deciding), list(s.hits), s.counted)
            pack, day, tf = self.pack, ctx.day, s.tf
            if d.counted:
                ids = self.matcher.match("volume", day, [{**tf.facts, **totals}])[0]
                d.hits += ids
                _volume(d, [pack.by_id[i] for i in ids])
            d.hits += self.matcher.match("outcome", day, [{
                **tf.facts, **totals, "decision.pathway": d.pathway, "decision.exemption": d.exemption or "none",
                "decision.trigger": d.trigger}])[0]
            f = self._final[full] = _Final(d, pack)
            _bound(self._final)
        return f

    # ---- sections ---------------------------------------------------------------------------------
    def _summary(self, overall: str, pathways: list[str], profile: dict[str, Any], day: dt.date,
                 ctx: _Ctx) -> dict[str, str]:
        transfers = profile["transfers"]
        named = tuple((i, t["description"], t["purpose"], tuple(t["recipient"].values()))
                      for i, (t, p) in enumerate(zip(transfers, pathways)) if p == overall)
        key = (overall, len(transfers), named)
        got = self._summaries.get(key)
        if got is None:
            from advisor.profile_io import Case

            case = Case(Profile.model_validate({**profile, "as_of": day.isoformat()}), day, ctx.place, ctx.zones)
            got = self._summaries[key] = _summary(overall, [{"id": t["id"], "pathway": p}
                                                            for t, p in zip(transfers, pathways)], case, self.pack)
            _bound(self._summaries)
        return got

    def _measured(self, ctx: _Ctx, pathways: list[str], transfers: list[dict[str, Any]]) -> orjson.Fragment:
        needs = frozenset(needs_for((p, t["recipient"]["kind"], t["recipient"]["country"])
                                    for p, t in zip(pathways, transfers)))
        sector = ctx.company["sector"]
        key = (ctx.codes, ctx.zones, sector, ctx.day, needs)
        got = self._measures.get(key)
        if got is None:
            got = self._measures[key] = orjson.Fragment(orjson.dumps(
                matching(self.pack, ctx.codes, ctx.zones, sector, ctx.day, set(needs))))
            _bound(self._measures)
        return got

    def _deadlined(self, day: dt.date, profile: dict[str, Any], ids: list[str],
                   pathways: list[str]) -> tuple[orjson.Fragment, list[dict[str, str]]]:
        """Without approvals, only the transfers under assessment have deadlines (and warnings naming them)."""
        assessed = tuple((tid, t["description"], t["purpose"], tuple(t["recipient"].values()))
                         for tid, t, p in zip(ids, profile["transfers"], pathways) if p == "security_assessment")
        key = (day, assessed)
        got = self._deadlines.get(key)
        if got is None:
            from advisor.deadlines import compute_deadlines

            model = Profile.model_validate({**profile, "as_of": day.isoformat()})
            deadlines, extra = compute_deadlines(model, day, dict(zip(ids, pathways)))
            got = self._deadlines[key] = (orjson.Fragment(orjson.dumps(deadlines)), extra)
            _bound(self._deadlines)
        return got[0], [dict(w) for w in got[1]]

    def _grouped(self, finals: list[_Final], ids: list[str], which: str) -> list[dict[str, Any]]:
        """Each warning (or note) once, naming the transfers it concerns (``advisor.assess._warnings``)."""
        found: dict[str, dict[str, Any]] = {}
        for f, tid in zip(finals, ids):
            for r in getattr(f, which):
                item = found.get(r.spec.id)
                if item is None:
                    item = found[r.spec.id] = {**r.text_out, "rule": r.spec.id, "transfers": []}
                item["transfers"].append(tid)
        return list(found.values())

    def _list_warnings(self, finals: list[_Final], transfers: list[dict[str, Any]], ids: list[str]) -> list[dict[str, Any]]:
        out = []
        for f, t, tid in zip(finals, transfers, ids):
            if not f.list_reasons:
                continue
            title = self.pack.catalogue.by_id[t["local_list"]["id"]].title
            name = {lang: transfer_name(t, lang) for lang in ("zh", "en")}
            for reason in f.list_reasons:
                lab = self.pack.label("list_obstacle", reason)
                out.append({"zh": lab["zh"].format(title=title.zh, transfer=name["zh"]),
                            "en": lab["en"].format(title=title.en, transfer=name["en"]),
                            "rule": f"list_obstacle.{reason}", "transfers": [tid]})
        return out

    # ---- questions --------------------------------------------------------------------------------
    def _questions(self, ctx: _Ctx, profile: dict[str, Any], keys: list[tuple[Any, ...]],
                   screens: list[TransferDecision], finals: list[_Final], totals: dict[str, Any],
                   cls: tuple[Any, ...]) -> list[dict[str, Any]]:
        """``advisor.questions.open_questions``, each alternative decided again from the caches."""
        transfers = profile["transfers"]
        asked: dict[str, tuple[Any, int]] = {}
        for at, f in enumerate(finals):
            for r in f.questions:
                asked.setdefault(r.then.field.format(transfer=transfers[at]["id"]), (r, at))
        if not asked:
            return []
        if ctx.lists is None:
            ctx.lists = lists_available(self.pack.catalogue, ctx.codes, ctx.zones, ctx.company["sector"],
                                        bool(ctx.company["ciio"]), ctx.day)
        lists = ctx.lists
        base = [f.pathway for f in finals]
        out = []
        for field, (r, at) in asked.items():
            changes = False
            if not route_blind(r, self.pack):
                for alt in self._alternatives(r, at, profile, lists):
                    if alt(ctx, profile, keys, screens, base, totals, cls) != base:
                        changes = True
                        break
            if r.then.only_if_changes and not changes:
                continue
            q: dict[str, Any] = {"field": field, "text": r.spec.text.as_dict(), "changes_outcome": changes,
                                 "rule": r.spec.id}
            if field.startswith("transfers."):
                q["transfer"] = transfers[at]["id"]
            if r.then.alternatives == "local_lists":
                q["candidates"] = [{"id": m.id, "title": m.title.as_dict(), "kind": m.list_rules.kind} for m in lists]
            out.append(q)
        return out

    def _alternatives(self, r: Any, at: int, profile: dict[str, Any], lists: tuple[Any, ...]) -> list[Callable[..., list[str]]]:
        tid = profile["transfers"][at]["id"]
        if r.then.alternatives == "local_lists":
            return [self._transfer_alt(at, "local_list", {"id": m.id, "data_on_list": m.list_rules.kind != "negative_list",
                                                          "scenario": None}) for m in lists]
        out = []
        for alt in r.then.alternatives:
            if len(alt) != 1:
                raise Fallback
            ((path, value),) = alt.items()
            head, *rest = path.format(transfer=tid).split(".")
            if head == "company" and len(rest) == 1 and rest[0] in _COMPANY_FACT_FIELDS:
                out.append(self._company_alt(rest[0], value))
            elif head == "transfers" and len(rest) == 2 and rest[0] == tid and rest[1] in _TRANSFER_GIVEN - {"id", "recipient"}:
                out.append(self._transfer_alt(at, rest[1], value))
            else:
                raise Fallback
        return out

    def _transfer_alt(self, at: int, name: str, value: Any) -> Callable[..., list[str]]:
        """The pathways once transfer ``at`` alone has changed (``advisor.decide.pathways_after_change``): where
        the company totals stay in their class, only that transfer is decided again; else every counted one."""
        def after(ctx: _Ctx, profile: dict[str, Any], keys: list[tuple[Any, ...]], screens: list[TransferDecision],
                  base: list[str], totals: dict[str, Any], cls: tuple[Any, ...]) -> list[str]:
            transfers = list(profile["transfers"])
            old = transfers[at]
            new = transfers[at] = {**old, name: value}
            alt = {**profile, "transfers": transfers}
            key = self._tkey(ctx, new)
            changed = self._screened(ctx, key, alt, at)
            n, ns, s = (totals["company.counted_transfers"], totals["company.personal_info_total"],
                        totals["company.sensitive_info_total"])
            for t, sc, sign in ((old, screens[at], -1), (new, changed, 1)):
                if sc.counted:
                    n, ns, s = n + sign, ns + sign * t["personal_info_subjects"], s + sign * t["sensitive_info_subjects"]
            after_totals = totals_facts(n, ns, s)
            after_cls = _classes(self.pack, after_totals)
            if after_cls == cls:
                out = list(base)
                out[at] = self._pathway(ctx, key, cls, after_totals, alt, at, changed)
                return out
            return [self._pathway(ctx, key if i == at else k, after_cls, after_totals, alt, i,
                                  changed if i == at else sc) for i, (k, sc) in enumerate(zip(keys, screens))]
        return after

    def _pathway(self, ctx: _Ctx, key: tuple[Any, ...], cls: tuple[Any, ...], totals: dict[str, Any],
                 profile: dict[str, Any], at: int, sc: TransferDecision) -> str:
        """The final pathway of a counted transfer; the screen's of one not counted."""
        return self._finished(ctx, key, cls, totals, profile, at).pathway if sc.counted else sc.pathway

    def _company_alt(self, name: str, value: Any) -> Callable[..., list[str]]:
        """The pathways once a company field has changed (``advisor.decide.decide`` with ``outcome=False``)."""
        def after(ctx: _Ctx, profile: dict[str, Any], keys: list[tuple[Any, ...]], screens: list[TransferDecision],
                  base: list[str], totals: dict[str, Any], cls: tuple[Any, ...]) -> list[str]:
            company = {**profile["company"], name: value}
            alt = {**profile, "company": company}
            actx = self._context(ctx.day, company, alt)
            alt_keys = [self._tkey(actx, t) for t in profile["transfers"]]
            alt_screens = [self._screened(actx, k, alt, i) for i, k in enumerate(alt_keys)]
            transfers = profile["transfers"]
            counted = [i for i, sc in enumerate(alt_screens) if sc.counted]
            alt_totals = totals_facts(len(counted), sum(transfers[i]["personal_info_subjects"] for i in counted),
                                      sum(transfers[i]["sensitive_info_subjects"] for i in counted))
            alt_cls = _classes(self.pack, alt_totals)
            return [self._pathway(actx, k, alt_cls, alt_totals, alt, i, sc)
                    for i, (k, sc) in enumerate(zip(alt_keys, alt_screens))]
        return after


def _bound(cache: dict[Any, Any]) -> None:
    if len(cache) > LIMIT:
        cache.clear()
