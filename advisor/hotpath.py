"""The batch hot path: one JSON line per profile for `advisor assess --format jsonl`, without pydantic.

`Advisor.assess` validates the profile with pydantic, decides, and builds the assessment as dicts that the
batch then serialises whole (about 40 KB a profile). Here, for a profile of the plain shape:

- the profile is checked field by field against the model's own vocabulary, and the model's field order and
  defaults (read from ``advisor.models.profile``) give the echoed profile, as ``model_dump(mode="json")``
  would; a view of those dicts (``_View``) is what the decision code reads instead of the pydantic models;
- the decision and the questions are the production code's own (``advisor.decide``, ``advisor.questions``,
  durable_rules behind the memo), run on that view;
- what repeats is built once and kept pre-serialized (``orjson.Fragment``): each transfer's body (keyed by
  what it depends on, as ``advisor.assess._transfer_reused`` keys it; its members shared between bodies), the
  measures' rows (per place, zones, sector and day, and which of them show per set of needs), the deadlines
  (day, the transfers under assessment and their recipient's side, and what names them where a warning names
  one); a transfer's name in words is kept by what it reads.

Not thread-safe (one per process: the batch and its --jobs workers each make their own). A batch keeps the
pre-serialized parts in the disk cache for the next one (``save``/``restore``, under the rule pack's digest).

A profile outside the plain shape (approvals, de-duplicated totals, pre-fill fields, country names, dates
or numbers pydantic would convert, anything it would refuse, ...) goes the full way, `Advisor.assess`, its
errors included. tests/test_cache_identity.py holds both to the same bytes, and validates the lines
against the typed ``Assessment`` model.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, get_args
from zoneinfo import ZoneInfo

import orjson
from pydantic_core import PydanticUndefined

from advisor.assess import SCHEMA_VERSION, _list_warnings, _names, _summary, _transfer, _warnings
from advisor.decide import TransferDecision, decide
from advisor.headroom import headroom
from advisor.list_scenarios import scenario_slugs
from advisor.models.profile import Company, LocalList, Recipient, Transfer
from advisor.packs import diskcache
from advisor.profile_io import Case
from advisor.render.labels import numbered
from advisor.questions import open_questions
from advisor.regional.match import need_met, needs_for, placed
from advisor.vocab import (
    PATHWAY_ORDER,
    PURPOSES,
    SECTORS,
    SPECIAL_CATEGORIES,
    ZONES,
    Established,
    OnwardTransfer,
    RecipientKind,
)

# Entries kept per cache, so that a batch of a million varied profiles stays within the memory budget (100 MB a
# process): cleared when full; deadlines and measures lose the least recently used.
LIMIT = 20_000
SAVED = "hotpath"  # the disk cache's kind for what a batch keeps for the next (``HotPath.save``)
_SAVED_VERSION = 2
BODIES = 5_000  # each the members of a body, shared with the other bodies (PARTS): ~1 KB apiece
PARTS = 10_000
DEADLINES = 600  # each the deadlines of the transfers under assessment (~6 KB)
MEASURES = 400  # places x sectors x days: each which measures are there (the rows, ~1 KB each, are shared)
ROWS = 5_000
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ID = re.compile(r"[A-Za-z0-9_\-]{1,100}")  # a subset of the model's id pattern (any other id: the full way)
_MAX_COUNT = 10_000_000_000
_TEXT = 2000
_KINDS = frozenset(get_args(RecipientKind))
_ONWARD = frozenset(get_args(OnwardTransfer))
_ESTABLISHED = frozenset(get_args(Established))
_LINE = orjson.OPT_APPEND_NEWLINE


class Fallback(Exception):
    """The profile is not plain: the full way (``Advisor.assess``) answers it."""


class _View:
    """A plain profile (or part of one) read as the decision, summary and deadline code read the pydantic
    models: attributes, ``model_dump(mode="json")`` (the plain dicts are that dump) and ``model_copy(update=)``
    (a question's alternative answer). ``seen`` (shared by the views made from this one) records that some
    code asked for a dump."""

    def __init__(self, d: dict[str, Any], seen: list[bool] | None = None) -> None:
        attrs = self.__dict__
        attrs.update(d)
        for k, v in d.items():
            if type(v) is dict:
                attrs[k] = _View(v, seen)
            elif type(v) is list and v and type(v[0]) is dict:
                attrs[k] = [_View(x, seen) for x in v]
        attrs["\0dump"], attrs["\0seen"] = d, seen

    def model_dump(self, mode: str = "python", include: set[str] | None = None) -> dict[str, Any]:
        if mode != "json":
            raise ValueError("a plain profile holds its JSON form only")
        d, seen = self.__dict__["\0dump"], self.__dict__["\0seen"]
        if seen is not None:
            seen[0] = True
        return dict(d) if include is None else {k: v for k, v in d.items() if k in include}

    def model_copy(self, update: dict[str, Any]) -> _View:
        """A copy with some fields replaced (values as the models hold them: only read, never dumped)."""
        new = object.__new__(_View)
        new.__dict__.update(self.__dict__)
        new.__dict__.update(update)
        new.__dict__["\0dump"] = {**self.__dict__["\0dump"], **update}
        return new


def _leaf(d: dict[str, Any]) -> _View:
    """A view of a dict that holds no dicts (``_View(d)`` without looking for them)."""
    v = object.__new__(_View)
    attrs = v.__dict__
    attrs.update(d)
    attrs["\0dump"], attrs["\0seen"] = d, None
    return v


def _profile_view(profile: dict[str, Any]) -> _View:
    """``_View(profile)`` of a plain profile, built from its known shape: the company, and each transfer with its
    recipient and local list, are the only dicts in it (approvals are empty)."""
    v = _leaf(profile)
    v.__dict__["company"] = _leaf(profile["company"])
    transfers = []
    for t in profile["transfers"]:
        tv = _leaf(t)
        tv.__dict__["recipient"] = _leaf(t["recipient"])
        if t["local_list"] is not None:
            tv.__dict__["local_list"] = _leaf(t["local_list"])
        transfers.append(tv)
    v.__dict__["transfers"] = transfers
    return v


_NAMED = object()  # a deadlines entry that names transfers: keyed with what names them


def _defaults(model: Any) -> list[tuple[str, Any]]:
    """Each field's default (its factory called: the models' factories take no argument; pydantic's own
    ``get_default`` first inspects the factory's signature, 5 ms of a one-profile run's start-up)."""
    return [(n, f.default if f.default_factory is None else f.default_factory())  # type: ignore[call-arg]
            for n, f in model.model_fields.items()]


class _Filler:
    """A model's fields in its order, the given ones from ``given`` and the others at their defaults (a
    list default is a new list each time). ``given``'s keys are a subset of the fields."""

    __slots__ = ("base", "lists")

    def __init__(self, fields: list[tuple[str, Any]]) -> None:
        self.base = dict(fields)
        self.lists = tuple(n for n, d in fields if type(d) is list)
        shared = [n for n, d in fields if type(d) not in (list, type(None), bool, int, float, str, tuple)
                  and d is not PydanticUndefined]  # (a required field: the plain check makes sure it is given)
        if shared:
            raise TypeError(f"a default that would be shared between profiles: {shared}")

    def __call__(self, given: dict[str, Any]) -> dict[str, Any]:
        out = self.base.copy()
        out.update(given)  # (a key already there keeps its place: the model's order)
        for n in self.lists:
            if n not in given:
                out[n] = []
        return out


_COMPANY = _Filler(_defaults(Company))
_TRANSFER = _Filler(_defaults(Transfer))
_RECIPIENT = _Filler(_defaults(Recipient))
_LOCAL_LIST = _Filler(_defaults(LocalList))
# fields a plain profile may give (the others, e.g. approvals, unique_subjects, contact: the full way)
_PROFILE_GIVEN = {"as_of", "company", "approvals", "transfers"}
_COMPANY_GIVEN = {"name", "established", "region", "zones", "sector", "ciio", "personal_info_processed",
                  "hr_rules_in_place", "large_platform"}
_TRANSFER_GIVEN = {"id", "description", "purpose", "recipient", "personal_info_subjects", "sensitive_info_subjects",
                   "important_data", "collected_abroad", "local_list", "special_categories", "necessary",
                   "onward_transfer", "important_data_identified", "core_data"}
_RECIPIENT_GIVEN = {"kind", "country", "name", "address"}
_TRI_FIELDS = ("important_data", "necessary", "important_data_identified", "core_data")


def _word(v: Any, words: frozenset[str]) -> bool:
    return type(v) is str and v in words


def _text(v: Any) -> bool:
    return v is None or (type(v) is str and len(v) <= _TEXT)


def _tri(v: Any) -> bool:
    return v is None or type(v) is bool


def _count(v: Any) -> bool:
    return type(v) is int and 0 <= v <= _MAX_COUNT


class _Ctx:
    """What the company's place gives (as ``advisor.profile_io.check_profile`` derives it): every zone, the
    codes a measure may name, the assessment's ``company`` section but the name."""

    __slots__ = ("place", "zones", "codes", "section")

    def __init__(self, company: dict[str, Any], place: Any, zones: frozenset[str], codes: tuple[str, ...]) -> None:
        self.place, self.zones, self.codes = place, zones, codes
        self.section = {"established": company["established"],
                        "region": None if place is None else {"code": place.code, "zh": place.full_zh,
                                                               "en": place.full_en},
                        "zones": sorted(zones), "sector": company["sector"], "ciio": company["ciio"]}


class HotPath:
    """``line(raw, source, as_of)``: the JSON line `advisor assess --format jsonl` writes for one profile."""

    def __init__(self, advisor: Any) -> None:
        self.advisor, self.pack, self.matcher = advisor, advisor.pack, advisor.matcher
        self._ctx: dict[tuple[Any, ...], _Ctx | None] = {}
        self._bodies: dict[tuple[Any, ...], list[bytes]] = {}
        self._parts: dict[bytes, bytes] = {}
        self._measures: dict[tuple[Any, ...], tuple[list[Any], list[bytes], dict[frozenset[str], tuple[int, ...]]]] = {}
        self._deadlines: dict[tuple[Any, ...], Any] = {}
        self._rows: dict[tuple[Any, ...], bytes] = {}
        self._names: dict[tuple[Any, ...], dict[str, str]] = {}
        self._countries: dict[str, bool] = {}
        self._ids: set[str] = set()
        self._days: set[str] = set()
        self._recipients: dict[tuple[Any, ...], dict[str, Any]] = {}
        self._rulepack = {"version": self.pack.meta.version, "digest": self.pack.digest}
        self.plain = self.full = 0  # profiles answered here, and the full way
        self._made = 0  # (``_learnt``)
        self._saved_key = self.pack.digest.split(":")[-1]  # (the disk cache's key: the rule pack's digest)
        self._kept = self._learnt()
        self._fresh: tuple[list[Any], list[Any]] | None = None  # made since take_new (a worker's: ``track``)

    # ---- kept between runs (a batch starts where the last one with the same rules and code left off) ------
    def restore(self) -> None:
        """Take up what ``save`` kept for this rule pack (and this code: the disk cache's key has both): transfer
        bodies (keyed by the rules that matched) and measures' rows (by place, sector and day). Nothing a
        profile wrote is kept (deadlines and names, which carry transfer ids and descriptions, are not)."""
        saved = diskcache.load(SAVED, self._saved_key)
        if type(saved) is not dict or saved.get("version") != _SAVED_VERSION:
            return
        self._parts.update(saved["parts"])
        self._bodies.update(saved["bodies"])
        self._rows.update(saved["rows"])
        self._take_measures(saved["measures"])
        self._kept = self._learnt()

    def _take_measures(self, measures: dict[tuple[Any, ...], tuple[list[str], list[bytes]]]) -> int:
        """Measures' entries in ``save``'s form taken up (those whose measures this pack still has); how many."""
        by_id = self.pack.catalogue.by_id
        taken = 0
        for key, (ids, rows) in measures.items():
            if key not in self._measures and all(i in by_id for i in ids):
                self._measures[key] = ([by_id[i] for i in ids], rows, {})
                taken += 1
        _oldest_out(self._measures, MEASURES)
        return taken

    # ---- a --jobs worker hands what it learnt to the parent, which keeps it for the next batch ------------
    def track(self) -> None:
        """From now on, note each body and measures' entry made (a --jobs worker's copy, for ``take_new``)."""
        self._fresh = ([], [])

    def take_new(self) -> dict[str, Any]:
        """The bodies and measures' entries made since the last call (``track``), in ``save``'s form."""
        if self._fresh is None:
            return {}
        bodies, measures = self._fresh
        self._fresh = ([], [])
        return {"bodies": {k: self._bodies[k] for k in bodies if k in self._bodies},
                "measures": {k: ([m.id for m in self._measures[k][0]], self._measures[k][1])
                             for k in measures if k in self._measures}}

    def learn(self, new: dict[str, Any]) -> None:
        """Take up what a worker's ``take_new`` gave (its members shared with this hot path's own)."""
        parts = self._parts
        for key, body in new.get("bodies", {}).items():
            if key not in self._bodies:
                self._bodies[key] = [parts.setdefault(p, p) for p in body]
                self._made += 1
        _bound(self._bodies, BODIES)
        _bound(self._parts, PARTS)
        self._made += self._take_measures(new.get("measures", {}))

    def save(self) -> None:
        """Keep the pre-serialized bodies and measures in the disk cache, when this run learnt some."""
        if self._learnt() == self._kept:
            return
        diskcache.store(SAVED, self._saved_key, {
            "version": _SAVED_VERSION, "parts": self._parts, "bodies": self._bodies, "rows": self._rows,
            "measures": {key: ([m.id for m in shown], rows) for key, (shown, rows, _) in self._measures.items()}})
        self._kept = self._learnt()

    def _learnt(self) -> int:
        """How many bodies, measures' entries and rows were made here or taken up from workers (not restored)."""
        return self._made

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
        """``advisor.assess.assessment`` of a plain profile (same sections, same order)."""
        profile = self._plain(raw, as_of)
        company, transfers = profile["company"], profile["transfers"]
        day = dt.date.fromisoformat(profile["as_of"]) if profile["as_of"] else \
            dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
        ctx = self._context(company)
        pack = self.pack
        case = Case(_profile_view(profile), day, ctx.place, ctx.zones)  # type: ignore[arg-type]
        decision = decide(case, pack, self.matcher)
        ids = [t["id"] for t in transfers]
        pathways = [d.pathway for d in decision.transfers]
        overall = max(pathways, key=PATHWAY_ORDER.index, default="not_outbound")
        deadlines, extra = self._deadlined(day, profile, ids, pathways)
        warned = _warnings(decision, pack)
        return {
            "schema_version": SCHEMA_VERSION,
            "summary": self._summary(overall, pathways, transfers),
            "as_of": day.isoformat(),
            "rulepack": self._rulepack,
            "overall": overall,
            "totals": {**decision.totals, "headroom": headroom(pack, day, decision.company_totals)
                       if decision.totals["counted_transfers"] else []},
            "transfers": [self._transfer(d) for d in decision.transfers],
            "measures": self._measured(ctx, company["sector"], day, pathways, transfers),
            "deadlines": deadlines,
            "questions": open_questions(case, pack, self.matcher, decision),
            "warnings": _list_warnings(decision, pack) + warned["warning"] + extra,
            "notes": warned["note"],
            "company": {"name": company["name"], **ctx.section},
            "profile": profile,
        }

    # ---- the plain profile -----------------------------------------------------------------------
    def _plain(self, raw: Any, as_of: dt.date | None) -> dict[str, Any]:
        """The profile as ``Profile.model_dump(mode="json")`` gives it, when its shape is plain; else Fallback."""
        if type(raw) is not dict or not raw.keys() <= _PROFILE_GIVEN:
            raise Fallback
        day = as_of.isoformat() if as_of is not None else raw.get("as_of")
        if day is not None and (type(day) is not str or day not in self._days and not self._day(day)):
            raise Fallback
        if "approvals" in raw and raw["approvals"] != [] or type(raw.get("approvals", [])) is not list:
            raise Fallback
        c = raw.get("company")
        if type(c) is not dict or not c.keys() <= _COMPANY_GIVEN:
            raise Fallback
        g = c.get
        region, count = g("region"), g("personal_info_processed")
        if (not _text(g("name")) or not _word(g("sector"), SECTORS) or not _word(g("established", "mainland"), _ESTABLISHED)
                or not (region is None or type(region) is str) or not _tri(g("ciio"))
                or not _tri(g("hr_rules_in_place")) or not _tri(g("large_platform"))
                or not (count is None or _count(count))):
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
        return {"as_of": day, "company": _COMPANY(c), "approvals": [], "transfers": transfers}

    def _plain_transfer(self, t: Any) -> dict[str, Any]:
        if type(t) is not dict or not t.keys() <= _TRANSFER_GIVEN:
            raise Fallback
        g = t.get
        tid, text, pi, si = g("id"), g("description"), g("personal_info_subjects", 0), g("sensitive_info_subjects", 0)
        if (type(tid) is not str or (tid not in self._ids and not self._id(tid))
                or not _text(text) or not _word(g("purpose"), PURPOSES) or not _count(pi) or not _count(si)
                or type(g("collected_abroad", False)) is not bool
                or not all(_tri(g(f)) for f in _TRI_FIELDS)
                or not (g("onward_transfer") is None or _word(t["onward_transfer"], _ONWARD))):
            raise Fallback
        r = self._recipient(g("recipient"))
        cats = t.get("special_categories", [])
        if type(cats) is not list or not all(type(x) is str and x in SPECIAL_CATEGORIES for x in cats):
            raise Fallback
        ll = t.get("local_list")
        out = _TRANSFER(t)
        out["recipient"] = r
        if ll is not None:
            if type(ll) is not dict or not ll.keys() <= {"id", "data_on_list", "scenario"} \
                    or type(ll.get("id")) is not str or type(ll.get("data_on_list")) is not bool:
                raise Fallback
            m = self.pack.catalogue.by_id.get(ll["id"])
            scenario = ll.get("scenario")
            if m is None or m.list_rules is None or (scenario is not None and (
                    type(scenario) is not str or scenario not in scenario_slugs(m))):
                raise Fallback
            out["local_list"] = _LOCAL_LIST(ll)
        return out

    def _day(self, day: Any) -> bool:
        """An as_of day the hot path takes (a real date, written as the model writes it, within the pack's reach);
        remembered."""
        if type(day) is not str or not _DAY.fullmatch(day):
            return False
        try:
            if dt.date.fromisoformat(day) < self.pack.meta.earliest_as_of:
                return False
        except ValueError:
            return False
        self._days.add(day)
        _bound(self._days)
        return True

    def _id(self, tid: str) -> bool:
        """A transfer id the hot path takes (remembered: ids recur from profile to profile)."""
        if not _ID.fullmatch(tid):
            return False
        self._ids.add(tid)
        _bound(self._ids)
        return True

    def _recipient(self, r: Any) -> dict[str, Any]:
        """The recipient as the model dumps it (a new dict), checked once per distinct recipient; else Fallback."""
        try:
            key = tuple(r.items())
            got = self._recipients.get(key)
        except (AttributeError, TypeError):  # not a dict, or an unhashable value: surely not plain
            raise Fallback from None
        if got is None:
            if (not r.keys() <= _RECIPIENT_GIVEN or not _word(r.get("kind"), _KINDS) or not _text(r.get("name"))
                    or not _text(r.get("address")) or not self._country(r.get("country"))):
                raise Fallback
            got = self._recipients[key] = _RECIPIENT(r)
            _bound(self._recipients)
        return dict(got)

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
            _bound(self._countries)
        return ok

    def _context(self, company: dict[str, Any]) -> _Ctx:
        key = (company["established"], company["region"], tuple(company["zones"]), company["sector"], company["ciio"])
        ctx = self._ctx.get(key, False)
        if ctx is False:
            ctx = self._ctx[key] = self._new_context(company)
            _bound(self._ctx)
        if ctx is None:
            raise Fallback
        return ctx

    def _new_context(self, company: dict[str, Any]) -> _Ctx | None:
        """As ``advisor.profile_io.check_profile`` derives it; None where it finds an error (the full way names it)."""
        from advisor.profile_io import place_codes
        from advisor.regions import default_gazetteer

        gz = default_gazetteer()
        region, zones = company["region"], frozenset(company["zones"])
        if region is None:
            if company["established"] == "mainland" or zones:
                return None
            return _Ctx(company, None, zones, ())
        try:
            hit = gz.lookup(region)
        except LookupError:
            return None
        if not hit.place.mainland or gz.check_zones(hit.place, list(company["zones"])):
            return None
        place = hit.place
        return _Ctx(company, place, zones | frozenset(hit.zones) | frozenset(gz.implied_zones(place)), place_codes(place))

    def _transfer(self, d: TransferDecision) -> orjson.Fragment:
        """The transfer's output, its body (all but the id) built once per what it depends on."""
        tf = d.tf
        t = tf.transfer
        ll = t.local_list
        key = (d.pathway, d.exemption, tuple(d.hits), tuple(d.deciding), tf.gba_measure,
               t.purpose if d.exemption == "automotive_guide" or ll is not None else None,
               None if ll is None else (ll.id, ll.data_on_list, ll.scenario, tuple(tf.list_obstacles)))
        body = self._bodies.get(key)
        if body is None:
            out = _transfer(d, self.pack)
            del out["id"]
            body = self._bodies[key] = [self._part(k, v) for k, v in out.items()]
            _bound(self._bodies, BODIES)
            self._made += 1
            if self._fresh is not None:
                self._fresh[0].append(key)
        return orjson.Fragment(b'{"id":%b,%b}' % (orjson.dumps(t.id), b",".join(body)))

    def _part(self, name: str, value: Any) -> bytes:
        """One member of a transfer's body serialized, kept once however many bodies share it (the same
        obligations, basis or explanation recur under many sets of matched rules)."""
        part = b"%b:%b" % (orjson.dumps(name), orjson.dumps(value))
        got = self._parts.get(part)
        if got is None:
            got = self._parts[part] = part
            _bound(self._parts, PARTS)
        return got

    def _summary(self, overall: str, pathways: list[str], transfers: list[dict[str, Any]]) -> dict[str, str]:
        return _summary(overall, pathways, transfers.__getitem__, self.pack, self._name)

    def _name(self, t: dict[str, Any], number: int) -> dict[str, str]:
        """``transfer_name`` in both languages, remembered by what it reads (and, unnumbered, without the number)."""
        r = t["recipient"]
        key = (t["description"], t["purpose"], r["kind"], r["country"], r["name"])
        got = self._names.get((key, number))
        if got is None:
            base = self._names.get(key)
            if base is None:
                base = self._names[key] = _names(t, None)
            got = self._names[(key, number)] = {lang: numbered(base[lang], lang, number) for lang in ("zh", "en")}
            _bound(self._names)
        return got

    def _measured(self, ctx: _Ctx, sector: str, day: dt.date, pathways: list[str],
                  transfers: list[dict[str, Any]]) -> orjson.Fragment:
        """``matching``: the place's rows serialized once per (place, zones, sector, day), and per set of
        needs which of them are shown."""
        needs = frozenset(needs_for((p, t["recipient"]["kind"], t["recipient"]["country"])
                                    for p, t in zip(pathways, transfers)))
        key = (ctx.codes, ctx.zones, sector, day)
        got = _recent(self._measures, key)
        if got is None:
            rows = placed(self.pack, ctx.codes, ctx.zones, sector, day)
            got = self._measures[key] = ([m for m, _ in rows], [self._row(m, row, key) for m, row in rows], {})
            _oldest_out(self._measures, MEASURES)
            self._made += 1
            if self._fresh is not None:
                self._fresh[1].append(key)
        shown, rows, picks = got
        pick = picks.get(needs)
        if pick is None:
            pick = picks[needs] = tuple(i for i, m in enumerate(shown) if need_met(m, needs, sector))
        return orjson.Fragment(b"[%b]" % b",".join([rows[i] for i in pick]))

    def _row(self, m: Any, row: dict[str, Any], place: tuple[Any, ...]) -> bytes:
        """A measure's row serialized, shared by the sectors it reads no sector of (``measure_row``)."""
        codes, zones, sector, day = place
        key = (m.id, codes, zones, day, sector if m.sectors else None)
        got = self._rows.get(key)
        if got is None:
            self._made += 1
            got = self._rows[key] = orjson.dumps(row)
            _bound(self._rows, ROWS)
        return got

    def _deadlined(self, day: dt.date, profile: dict[str, Any], ids: list[str],
                   pathways: list[str]) -> tuple[orjson.Fragment, list[dict[str, str]]]:
        """Without approvals, only the transfers under assessment have deadlines, reckoned from the day and
        their recipient's side; what names them matters too where a warning names one."""
        assessed = [(tid, t) for tid, t, p in zip(ids, profile["transfers"], pathways) if p == "security_assessment"]
        key: tuple[Any, ...] = (day, tuple((tid, t["recipient"]["country"]) for tid, t in assessed))
        got = _recent(self._deadlines, key)
        if got is _NAMED:
            key = (*key, _naming(assessed))
            got = _recent(self._deadlines, key)
        if got is None:
            from advisor.deadlines import compute_deadlines

            seen = [False]
            deadlines, extra = compute_deadlines(_View(profile, seen), day,  # type: ignore[arg-type]
                                                 dict(zip(ids, pathways)))
            got = (orjson.Fragment(orjson.dumps(deadlines)), extra)
            if seen[0] and len(key) == 2:  # a warning named a transfer: key it by what names them
                self._deadlines[key] = _NAMED
                key = (*key, _naming(assessed))
            self._deadlines[key] = got
            _oldest_out(self._deadlines, DEADLINES)
        return got[0], [dict(w) for w in got[1]]


def _naming(assessed: list[tuple[str, dict[str, Any]]]) -> tuple[Any, ...]:
    """What a deadline warning reads to name the transfers under assessment (``transfer_name``)."""
    return tuple((t["description"], t["purpose"], tuple(t["recipient"].values())) for _, t in assessed)


def _recent(cache: dict[Any, Any], key: Any) -> Any:
    """The entry, moved to the end (dicts keep insertion order: the first is the least recently used)."""
    got = cache.pop(key, None)
    if got is not None:
        cache[key] = got
    return got


def _oldest_out(cache: dict[Any, Any], limit: int) -> None:
    while len(cache) > limit:
        del cache[next(iter(cache))]


def _bound(cache: dict[Any, Any] | set[Any], limit: int = LIMIT) -> None:
    if len(cache) > limit:
        cache.clear()
