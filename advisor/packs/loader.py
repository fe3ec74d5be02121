"""Load and validate the rule packs under rules/: one clear PackError naming file, rule and field."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from advisor.engine.conditions import Cond, ConditionError, facts_used, parse
from advisor.errors import PackError
from advisor.models.rules import THEN_BY_KIND, Instrument, PackMeta, Rule
from advisor.packs.diskcache import content_digest
from advisor.packs.validate import validate_pack
from advisor.packs.yamlio import read_yaml
from advisor.regional.catalogue import Catalogue


@dataclass(frozen=True)
class PackRule:
    """A validated rule: its spec, its parsed condition, its typed conclusion and its place in the pack."""

    spec: Rule
    cond: Cond
    then: Any
    order: int
    file: str
    basis_out: tuple[dict[str, str], ...] = ()  # the citations and text as they go out, built once
    text_out: dict[str, str] = field(default_factory=dict)


@dataclass
class RulePack:
    meta: PackMeta
    rules: tuple[PackRule, ...]
    instruments: dict[str, Instrument]
    catalogue: Catalogue
    digest: str
    root: Path
    by_id: dict[str, PackRule] = field(default_factory=dict)
    used_facts: frozenset[str] = frozenset()
    memo: dict[str, dict[Any, Any]] = field(default_factory=dict)  # derived output pieces, built on first use

    def __post_init__(self) -> None:
        self.by_id = {r.spec.id: r for r in self.rules}
        self.used_facts = frozenset().union(*(facts_used(r.cond) for r in self.rules))

    @property
    def info(self) -> dict[str, str]:
        return {"id": self.meta.id, "version": self.meta.version, "digest": self.digest}

    def label(self, group: str, key: str) -> dict[str, str]:
        text = self.meta.labels.get(group, {}).get(key)
        return text.as_dict() if text else {"zh": key, "en": key}


def _model(cls: type[BaseModel], data: Any, file: str, rule: str | None = None, prefix: str = "") -> Any:
    """validate_pack, with the rule named and the field path placed under ``prefix``."""
    try:
        return validate_pack(cls, data, file)
    except PackError as exc:
        raise PackError(file, exc.message, rule=rule or exc.rule,
                        field_path=f"{prefix}{exc.field_path or ''}".strip(".") or None, extra=exc.extra) from None


def digest_of(root: Path) -> str:
    """The rule pack's identity: sha256 over every YAML file under rules/ (names and bytes)."""
    return "sha256:" + content_digest(root)


def load_pack(root: Path) -> RulePack:
    root = root.resolve()
    meta_file = root / "national" / "pack.yaml"
    meta = _model(PackMeta, read_yaml(meta_file), str(meta_file))
    instruments = _load_instruments(root / "instruments.yaml")
    catalogue = Catalogue.load(root / "regional")
    known = set(instruments) | set(catalogue.by_id)
    for w in meta.counting:
        _check_basis(w.basis, known, str(meta_file), None)
    rules: list[PackRule] = []
    for path in sorted((root / "national").glob("*.yaml")):
        doc = read_yaml(path)
        if not isinstance(doc, dict) or "rules" not in doc:
            continue  # other national data (deadlines, calendar, filing packs) has its own loader
        if set(doc) != {"rules"} or not isinstance(doc["rules"], list):
            raise PackError(str(path), "a rule file holds exactly one key, `rules:`, with a list")
        for i, raw in enumerate(doc["rules"]):
            rules.append(_load_rule(raw, i, str(path), len(rules), known))
    _check_unique(rules)
    _check_slots(rules)
    _check_dates(rules, meta, str(meta_file))
    _check_triggers(rules)
    return RulePack(meta, tuple(rules), instruments, catalogue, digest_of(root), root)


def _load_instruments(path: Path) -> dict[str, Instrument]:
    doc = read_yaml(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("instruments"), list):
        raise PackError(str(path), "expected `instruments:` with a list")
    out: dict[str, Instrument] = {}
    for i, raw in enumerate(doc["instruments"]):
        inst = _model(Instrument, raw, str(path), rule=None, prefix=f"instruments.{i}.")
        if inst.id in out:
            raise PackError(str(path), f"duplicate instrument id {inst.id!r}", field_path=f"instruments.{i}.id")
        out[inst.id] = inst
    return out


def _load_rule(raw: Any, i: int, file: str, order: int, known: set[str]) -> PackRule:
    rid = raw.get("id") if isinstance(raw, dict) else None
    spec: Rule = _model(Rule, raw, file, rule=rid or f"#{i}")
    then = _model(THEN_BY_KIND[spec.kind], spec.then, file, rule=spec.id, prefix="then.")
    try:
        cond = parse(spec.when, spec.phase)
    except ConditionError as exc:
        raise PackError(file, str(exc).split(": ", 1)[1], rule=spec.id, field_path=exc.path) from None
    _check_basis(spec.basis, known, file, spec.id)
    return PackRule(spec, cond, then, order, file, tuple(c.as_dict() for c in spec.basis), spec.text.as_dict())


def _check_basis(basis: list[Any], known: set[str], file: str, rule: str | None) -> None:
    for j, c in enumerate(basis):
        if c.instrument not in known:
            raise PackError(file, f"unknown instrument {c.instrument!r} (not in rules/instruments.yaml "
                                  "nor the regional catalogue)", rule=rule, field_path=f"basis.{j}.instrument")


def _check_unique(rules: list[PackRule]) -> None:
    seen: dict[str, str] = {}
    for r in rules:
        if r.spec.id in seen:
            raise PackError(r.file, f"duplicate rule id (also in {seen[r.spec.id]})", rule=r.spec.id, field_path="id")
        seen[r.spec.id] = r.file


def _check_dates(rules: list[PackRule], meta: Any, meta_file: str) -> None:
    """A date before the earliest ``as_of`` the advisor accepts could never be seen by anyone: refuse it
    rather than let it stand as if it meant something (a rule in force before then starts on that day)."""
    first = meta.earliest_as_of
    for i, w in enumerate(meta.counting):
        if w.effective.from_ < first:
            raise PackError(meta_file, f"counting window starts {w.effective.from_} before earliest_as_of {first}",
                            field_path=f"counting.{i}.effective.from")
    windows = sorted(enumerate(meta.counting), key=lambda iw: iw[1].effective.from_)
    for (_, a), (j, b) in zip(windows, windows[1:]):     # one window a day: the first would hide the other
        if a.effective.until is None or a.effective.until >= b.effective.from_:
            raise PackError(meta_file, f"counting windows overlap: one from {a.effective.from_} until "
                                       f"{a.effective.until or 'open'}, one from {b.effective.from_}",
                            field_path=f"counting.{j}.effective.from")
    for r in rules:
        eff = r.spec.effective
        for side, day in (("from", eff.from_), ("until", eff.until)):
            if day is not None and day < first:
                raise PackError(r.file, f"effective {side} {day} is before earliest_as_of {first} (national/pack.yaml): "
                                        f"a rule in force earlier starts on {first}", rule=r.spec.id,
                                field_path=f"effective.{side}")


# What a trigger's condition must test for the trigger it names (rules read `decision.trigger`, e.g. the
# double-counting warning only for volume): a CIIO trigger that never asks whether the company is a CIIO
# names the wrong trigger.
_TRIGGER_TESTS: dict[str, tuple[tuple[str, ...], bool | None]] = {
    "ciio": (("company.ciio",), True),
    "important_data": (("transfer.important_data",), True),
    "all_pi": (("transfer.has_pi",), True),
    "volume": (("company.personal_info_total", "company.sensitive_info_total", "company.all_info_total",
                "company.personal_info_processed"), None),
}


def _positive_leaves(c: Any) -> list[tuple[str, str, Any]]:
    """(fact, op, value) of the leaves a condition requires (not under `not`)."""
    if c[0] == "leaf":
        return [(c[1], c[2], c[3])]
    if c[0] == "not":
        return []
    return [x for sub in c[1] for x in _positive_leaves(sub)]


def _check_triggers(rules: list[PackRule]) -> None:
    for r in rules:
        trigger = getattr(r.then, "trigger", None) if r.spec.kind == "trigger" else None
        if trigger not in _TRIGGER_TESTS:
            continue
        facts, value = _TRIGGER_TESTS[trigger]
        if not any(f in facts and (value is None or (op == "is" and v is value))
                   for f, op, v in _positive_leaves(r.cond)):
            want = " or ".join(facts) + (f" is {str(value).lower()}" if value is not None else " compared")
            raise PackError(r.file, f"a {trigger} trigger must test {want}", rule=r.spec.id, field_path="then.trigger")


def _check_slots(rules: list[PackRule]) -> None:
    """Rules that are versions of one another (same ``slot``) must not be in force on the same day."""
    by_slot: dict[str, list[PackRule]] = {}
    for r in rules:
        if r.spec.slot:
            by_slot.setdefault(r.spec.slot, []).append(r)
    for slot, group in by_slot.items():
        group.sort(key=lambda r: r.spec.effective.from_)
        for a, b in zip(group, group[1:]):
            if a.spec.effective.until is None or a.spec.effective.until >= b.spec.effective.from_:
                raise PackError(b.file, f"effective dates overlap with {a.spec.id} in slot {slot!r}",
                                rule=b.spec.id, field_path="effective")
