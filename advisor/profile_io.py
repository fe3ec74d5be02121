"""From raw input (a dict, a JSON or YAML file) to a checked case, or one ProfileError naming every bad field."""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from pydantic import ValidationError

from advisor.errors import FieldError, PackError, ProfileError
from advisor.models.profile import Profile
from advisor.packs.loader import RulePack
from advisor.packs.yamlio import parse_yaml
from advisor.list_scenarios import scenario_slugs
from advisor.countries import default_countries
from advisor.regions import Place, default_gazetteer

_MESSAGES = {"extra_forbidden": "unknown field (check the spelling; see the profile format)",
             "missing": "required field is missing"}


@dataclass(frozen=True)
class Case:
    """A valid profile with what the advisor derives before matching: the date, the place, all zones."""

    profile: Profile
    as_of: dt.date
    place: Place | None  # None: an overseas processor that named no representative's place
    zones: frozenset[str]

    @property
    def codes(self) -> tuple[str, ...]:
        """The place, its city and province, and their former codes: what a measure's `where` may name."""
        return place_codes(self.place) if self.place is not None else ()


def place_codes(place: Place) -> tuple[str, ...]:
    return place.ancestors + tuple(sorted(place.former))


def _json(text: str) -> Any:
    """orjson is fast; the standard parser takes what it refuses but JSON allows (integers past 64 bits),
    so that a huge count is named as a bad field, not as broken JSON."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _read_bytes(path: Path) -> bytes:
    """``path.read_bytes()`` with plain system calls (half the time of a small file's; a batch reads thousands). An
    error is raised as ``read_bytes`` raises it (a folder opens here and fails to read)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return path.read_bytes()
    try:
        chunks = [os.read(fd, _READ)]
        while chunks[-1]:
            chunks.append(os.read(fd, _READ))
    except OSError:
        return path.read_bytes()
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 2 else b"".join(chunks)


_READ = 1 << 16


def read_profile_file(path: Path) -> dict[str, Any]:
    """Read a JSON or YAML profile (``-``: standard input); an unreadable or unparsable file is a
    ProfileError naming it."""
    stdin = str(path) == "-"
    data: Any = None
    try:
        if stdin:
            text = sys.stdin.read()
        else:
            raw = _read_bytes(path)
            if path.suffix.lower() == ".json":
                try:  # the common case in one step (orjson checks the UTF-8 itself)
                    data = orjson.loads(raw)
                except orjson.JSONDecodeError:
                    pass
            # as read_text would give it (universal newlines): YAML, and the error positions of broken JSON
            text = "" if data is not None else raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError([FieldError("", f"cannot read file: {exc.__class__.__name__}: {exc}")], str(path)) from None
    is_json = text.lstrip().startswith("{") if stdin else path.suffix.lower() == ".json"
    try:
        if data is None:
            data = _json(text) if is_json else parse_yaml(text, str(path))
    except json.JSONDecodeError as exc:
        raise ProfileError([FieldError("", f"not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}")],
                           str(path)) from None
    except PackError as exc:
        raise ProfileError([FieldError("", exc.message)], str(path)) from None
    if not isinstance(data, dict):
        raise ProfileError([FieldError("", "a profile is a JSON/YAML object", type(data).__name__)], str(path))
    return data


def _field_errors(exc: ValidationError) -> list[FieldError]:
    out = []
    for e in exc.errors():
        loc = ".".join(str(p) for p in e["loc"])
        value = e.get("input") if e["type"] != "missing" else None
        if isinstance(value, (dict, list)):
            value = None if e["type"] != "extra_forbidden" else value
        out.append(FieldError(loc, _MESSAGES.get(e["type"], e["msg"]), value))
    return out


def check_profile(raw: Any, pack: RulePack, source: str | None = None, as_of: dt.date | None = None) -> Case:
    if not isinstance(raw, dict):
        raise ProfileError([FieldError("", "a profile is a JSON object", type(raw).__name__)], source)
    if as_of is not None:
        raw = {**raw, "as_of": as_of.isoformat()}
    raw, errors = resolve_countries(raw)
    try:
        profile = Profile.model_validate(raw)
    except ValidationError as exc:
        raise ProfileError(errors + _field_errors(exc), source) from None
    day = profile.as_of or dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    if day < pack.meta.earliest_as_of:
        errors.append(FieldError("as_of", f"the advisor covers the rules in force from "
                                          f"{pack.meta.earliest_as_of.isoformat()} on", day.isoformat()))
    region = profile.company.region
    place, named_zones = None, frozenset()
    if region is not None:
        place, named_zones = _place(region, errors)
    elif profile.company.established == "mainland":
        errors.append(FieldError("company.region", "required field is missing (it may be absent only when "
                                                   "company.established is \"abroad\")"))
    zones = frozenset(profile.company.zones) | named_zones
    if region is None and zones:
        errors.append(FieldError("company.zones", "zones need company.region", list(zones)))
    if place is not None:
        gz = default_gazetteer()
        for msg in gz.check_zones(place, list(profile.company.zones)):
            errors.append(FieldError("company.zones", msg, list(profile.company.zones)))
        zones |= gz.implied_zones(place)
    errors += _check_ids(profile, pack)
    if errors:
        raise ProfileError(errors, source)
    return Case(profile, day, place, zones)


def _place(value: str, errors: list[FieldError]) -> tuple[Place | None, frozenset[str]]:
    """The place (and the zones a zone's name brings: 前海 -> qianhai) through the one place resolver."""
    try:
        hit = default_gazetteer().lookup(value)
    except LookupError as exc:
        errors.append(FieldError("company.region", str(exc.args[0] if exc.args else exc), value))
        return None, frozenset()
    if not hit.place.mainland:
        errors.append(FieldError("company.region", "the advisor covers processors registered in mainland China", value))
        return None, frozenset()
    return hit.place, frozenset(hit.zones)


def resolve_countries(raw: dict[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """Recipient countries given by name (香港, Singapore) -> ISO codes, through the one country resolver
    (contract §1); unknown codes (ZZ) and unknown or ambiguous names are errors naming the field."""
    transfers = raw.get("transfers")
    if not isinstance(transfers, list):
        return raw, []
    errors, out, countries = [], [], default_countries()
    for i, t in enumerate(transfers):
        country = t.get("recipient", {}).get("country") if isinstance(t, dict) and isinstance(t.get("recipient"), dict) else None
        if isinstance(country, str):
            try:
                t = {**t, "recipient": {**t["recipient"], "country": countries.resolve(country).code}}
            except LookupError as exc:
                errors.append(FieldError(f"transfers.{i}.recipient.country", str(exc), country))
        out.append(t)
    return {**raw, "transfers": out}, errors


def _check_ids(profile: Profile, pack: RulePack) -> list[FieldError]:
    errors = []
    seen: set[str] = set()
    for i, t in enumerate(profile.transfers):
        if t.id in seen:
            errors.append(FieldError(f"transfers.{i}.id", "duplicate transfer id", t.id))
        seen.add(t.id)
        if t.local_list is not None:
            m = pack.catalogue.by_id.get(t.local_list.id)
            if m is None or m.list_rules is None:
                what = "unknown measure id" if m is None else "this measure is not a negative list or general data list"
                errors.append(FieldError(f"transfers.{i}.local_list.id", what, t.local_list.id))
            elif t.local_list.scenario is not None and t.local_list.scenario not in scenario_slugs(m):
                known = ", ".join(sorted(scenario_slugs(m))) or "none recorded"
                errors.append(FieldError(f"transfers.{i}.local_list.scenario",
                                         f"not a scenario of {t.local_list.id} (known: {known})", t.local_list.scenario))
    for i, a in enumerate(profile.approvals):
        if a.transfer not in seen:
            errors.append(FieldError(f"approvals.{i}.transfer", "names no transfer of this profile", a.transfer))
    return errors
