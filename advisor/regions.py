"""The region gazetteer (GB/T 2260 divisions, special zones), read once from rules/gazetteer/.

One place resolver for the page, the CLI and the API: ``lookup`` turns ``company.region`` as people type it
("440305", "深圳市南山区", "广东深圳南山", "前海", "临港新片区", "苏州工业园区", "Pudong New Area, Shanghai",
"Nanshan, Shenzhen") into a Resolution (the place, the zones the name itself is, the park named); a name
meaning several places raises AmbiguousPlace listing every candidate; ``resolve`` gives just the Place."""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from advisor.resources import rules_dir
from advisor.errors import PackError
from advisor.packs.diskcache import cached, content_digest
from advisor.packs.yamlio import read_yaml

_LOCK = threading.Lock()

_CODE = re.compile(r"\d{6}")
_COUNTRY = re.compile(r"^(中华人民共和国|中国)")
_RANK = {"province": 0, "city": 1, "county": 2}
_LISTS = ("regions", "implied_by")  # zone fields holding codes


@dataclass(frozen=True)
class Place:
    code: str
    zh: str
    en: str
    level: Literal["province", "city", "county"]
    mainland: bool
    ancestors: tuple[str, ...]  # own code, then city, then province (a municipality's district: own, province)
    full_zh: str = ""  # 广东省深圳市南山区
    full_en: str = ""  # Nanshan District, Shenzhen, Guangdong
    former: frozenset[str] = field(default=frozenset(), repr=False)  # former codes of it and its parents

    def within(self, code: str) -> bool:  # is this place division `code`, or inside it (former codes count)?
        return code in self.ancestors or code in self.former


@dataclass(frozen=True)
class Resolution:
    """What a typed place means: the division, the zones the name itself is (前海 -> qianhai) and, when the
    name is a park or zone rather than a division, that name (苏州工业园区)."""

    place: Place
    zones: tuple[str, ...] = ()
    named: str = ""  # the park or zone typed, when it is not the division itself
    named_en: str = ""
    note: str = ""  # geography worth knowing (a zone spanning several districts)


class AmbiguousPlace(LookupError):
    """A name meaning several places: ``candidates`` are the Resolutions to choose from."""

    def __init__(self, message: str, candidates: tuple[Resolution, ...]) -> None:
        super().__init__(message)
        self.candidates = candidates


def _key(text: str) -> str:  # an English or pinyin spelling, compared without case, spaces or punctuation
    return re.sub(r"[\s.,'’()（）·\-]+", "", str(text).casefold())


_EN_SUFFIX = re.compile(r"(district|county|city|newarea|autonomouscounty|autonomousprefecture|prefecture|"
                        r"province|municipality|league|banner|area)$")


@dataclass(frozen=True)
class Zone:  # a special zone (contract §4 slug) and the province it lies in
    slug: str
    zh: str
    en: str
    province: str
    regions: tuple[str, ...]  # divisions it lies in, wholly or partly (informational)
    implied_by: tuple[str, ...]  # divisions whose whole territory is the zone


class Gazetteer:
    def __init__(self) -> None:
        self._places: dict[str, Place] = {}
        self._alias: dict[str, str] = {}  # former code -> current code
        self._names: dict[str, dict[str, int]] = {}  # spelling -> {code: looseness of that spelling}
        self._zones: dict[str, Zone] = {}
        self._implied: dict[str, set[str]] = {}  # code -> zones its whole territory is in
        self._search: list[tuple[int, str, str, str, Place]] = []
        self._chains: dict[str, list[tuple[str, str]]] = {}
        self._en: dict[str, dict[str, int]] = {}  # English/pinyin spelling -> {code: looseness}
        self._aliases: dict[str, tuple[Resolution, ...]] = {}  # park/zone name (zh or English key) -> places

    @classmethod
    def load(cls, folder: Path) -> Gazetteer:
        """Read divisions/*.yaml, former_codes.yaml and zones.yaml; a broken entry raises PackError."""
        gaz, rows, where = cls(), {}, {}
        for path in sorted((folder / "divisions").glob("*.yaml")) or [folder / "divisions" / "*.yaml"]:
            for row in _division_rows(read_yaml(path), str(path)):
                if row[0] in rows:
                    raise PackError(str(path), f"duplicate code {row[0]} (also in {where[row[0]]})", rule=row[0])
                rows[row[0]], where[row[0]] = row, str(path)
        olds: dict[str, set[str]] = {}  # current code -> its former codes
        for old, now in _section(path := folder / "former_codes.yaml", "former_codes").items():
            if _code(old, str(path), str(old)) in rows:
                raise PackError(str(path), f"former code {old} is also a current code", rule=old)
            gaz._alias[old] = _code(now, str(path), old, rows)
            olds.setdefault(now, set()).add(old)
        for code, (_, zh, en, _short, level, parent, mainland) in rows.items():
            chain = [rows[code]]
            while chain[-1][5]:
                chain.append(rows[_code(chain[-1][5], where[code], code, rows)])
            ancestors, former = tuple(r[0] for r in chain), frozenset().union(*(olds.get(r[0], ()) for r in chain))
            gaz._places[code] = Place(code, zh, en, level, mainland, ancestors,
                                      "".join(r[1] for r in reversed(chain)), ", ".join(r[2] for r in chain), former)
            gaz._chains[code] = [(r[1], r[3]) for r in reversed(chain)]
        gaz._load_zones(folder / "zones.yaml")
        if (folder / "aliases.yaml").exists():
            gaz._load_aliases(folder / "aliases.yaml")
        return gaz

    def _indexes(self) -> None:
        """Name and search indexes, built on the first lookup by name (a batch of codes never needs them)."""
        with _LOCK:
            if self._search:
                return
            for code, chain in self._chains.items():
                self._index_names(code, chain)
                self._index_english(self._places[code])
            self._search = sorted((_RANK[p.level], p.code, p.full_zh, p.en.lower().replace(" ", ""), p)
                                  for p in self._places.values())

    def _index_names(self, code: str, chain: list[tuple[str, str]]) -> None:
        spellings = [("", 0)]  # parents full, short or left out (looseness 2); the place full or short (1)
        for zh, short in chain[:-1]:
            forms = [zh, short, ""] if short and short != zh else [zh, ""]
            spellings = [(s + f, loose | (0 if f else 2)) for s, loose in spellings for f in forms]
        zh, short = chain[-1]
        for prefix, loose in spellings:
            for name, extra in [(zh, 0)] + ([(short, 1)] if short and short != zh else []):
                slot = self._names.setdefault(prefix + name, {})
                slot[code] = min(loose + extra, slot.get(code, 9))

    def _index_english(self, place: Place) -> None:
        """"Pudong New Area, Shanghai", "Pudong", "Nanshan District Shenzhen", "Shenzhen Nanshan": the place's
        English name, or its pinyin without "District" (one step looser: Chengde is the city, not Chengde
        County), alone (one step looser again) or with its parents."""
        chain = [self._places[c] for c in place.ancestors if c in self._places]
        forms = [[(_key(p.en), 0)] + ([(short, 1)] if (short := _EN_SUFFIX.sub("", _key(p.en))) and short != _key(p.en)
                                        else []) for p in chain]
        parents = [f for p in forms[1:] for f, _ in p]
        for name, loose in forms[0]:
            self._add_en(name, place.code, loose + (2 if len(chain) > 1 else 0))
            for par in parents:
                self._add_en(name + par, place.code, loose)
                self._add_en(par + name, place.code, loose)
            if len(forms) == 3:
                for city, _ in forms[1]:
                    for prov, _ in forms[2]:
                        self._add_en(name + city + prov, place.code, loose)
                        self._add_en(prov + city + name, place.code, loose)

    def _add_en(self, key: str, code: str, loose: int) -> None:
        slot = self._en.setdefault(key, {})
        slot[code] = min(loose, slot.get(code, 9))

    def _load_aliases(self, path: Path) -> None:
        for slug, zone in self._zones.items():  # every zone's own names: its districts, with the zone
            codes = zone.regions or (zone.province,)
            for name in (zone.zh, zone.en, zone.zh.replace("(", "（").replace(")", "）")):
                self._aliases[_alias_key(name)] = tuple(Resolution(self._places[c], (slug,), zone.zh, zone.en)
                                                        for c in codes)
        for name, entry in _section(path, "aliases").items():
            if not isinstance(entry, dict) or not isinstance(entry.get("regions"), list) or not entry["regions"]:
                raise PackError(str(path), "an alias needs 'regions: [codes]'", rule=str(name))
            for slug in entry.get("zones") or []:
                if slug not in self._zones:
                    raise PackError(str(path), f"unknown zone {slug!r}", rule=str(name))
            known = [self._places[_code(c, str(path), str(name), self._places)] for c in entry["regions"]]
            hits = tuple(Resolution(p, tuple(entry.get("zones") or ()), str(name), str(entry.get("en") or name),
                                    str(entry.get("note") or "")) for p in known)
            for spelling in [name, *(entry.get("also") or [])]:
                self._aliases[_alias_key(str(spelling))] = hits

    def _load_zones(self, path: Path) -> None:
        for slug, entry in _section(path, "zones").items():
            if not isinstance(entry, dict) or not all(isinstance(entry.get(k, []), list) for k in _LISTS):
                raise PackError(str(path), "a zone is a mapping; 'regions', 'implied_by' are code lists", rule=slug)
            known = lambda c: _code(c, str(path), slug, self._places)  # noqa: E731
            zone = Zone(slug, _text(entry, "zh", str(path), slug), _text(entry, "en", str(path), slug),
                        known(entry.get("province")), *(tuple(map(known, entry.get(k, []))) for k in _LISTS))
            self._zones[slug] = zone
            for code in zone.implied_by:
                self._implied.setdefault(code, set()).add(slug)

    def get(self, code: str) -> Place | None:  # a former code gives today's place
        return self._places.get(self._alias.get(code, code))

    def places(self) -> list[Place]:  # every division, in file order
        return list(self._places.values())

    def resolve(self, value: str) -> Place:
        """A place from a 6-digit code (a former code too) or a name; LookupError names the value."""
        return self.lookup(value).place

    def lookup(self, value: str) -> Resolution:
        """What a typed place means: a code (a former code too), a Chinese name (full or short, with or without
        its parents), a park or zone name (aliases.yaml, zones.yaml), or an English/pinyin name. LookupError
        names the value; AmbiguousPlace (a LookupError) lists the candidates."""
        text = _COUNTRY.sub("", "".join(str(value).split()))
        if re.fullmatch(r"\d{6}(0{6})?", text):
            if (place := self.get(text[:6])) is None:
                raise LookupError(f"unknown region {value!r}: no division has GB/T 2260 code {text[:6]}")
            return Resolution(place)
        if not self._search:
            self._indexes()
        if hits := self._names.get(text):
            found = tuple(Resolution(self._places[c]) for c in _loosest(hits))
        elif alias := self._aliases.get(_alias_key(text)):
            found = alias
        elif en := self._en.get(_key(str(value))):
            found = tuple(Resolution(self._places[c]) for c in _loosest(en))
        else:
            raise LookupError(f"unknown region {value!r}: give a GB/T 2260 code or the place's name "
                              "(深圳市南山区, 前海, Pudong New Area, Shanghai)")
        if len(found) > 1:
            shown = "; ".join(f"{r.place.code} {r.place.full_zh} ({r.place.full_en})" for r in found)
            raise AmbiguousPlace(f"ambiguous region {value!r}: it names {len(found)} places: {shown}; "
                                 "give the code, or the name with its city or province", found)
        return found[0]

    def zone_slugs(self) -> list[str]:  # every zone the gazetteer knows, sorted
        return sorted(self._zones)

    def zone(self, slug: str) -> Zone:  # zh, en and province of a zone slug
        if slug not in self._zones:
            raise LookupError(f"unknown zone {slug!r}: known zones are {', '.join(sorted(self._zones))}")
        return self._zones[slug]

    def implied_zones(self, place: Place) -> set[str]:
        return set().union(*(self._implied.get(code, set()) for code in place.ancestors))

    def check_zones(self, place: Place, zones: list[str] | tuple[str, ...]) -> list[str]:
        errors = []  # one message per zone that is unknown, or lies in a province not containing `place`
        for slug in zones:
            if slug not in self._zones:
                errors.append(f"unknown zone {slug!r}: known zones are {', '.join(sorted(self._zones))}")
            elif not place.within((zone := self._zones[slug]).province):
                prov = self._places[zone.province]
                errors.append(f"zone {slug!r} ({zone.en}) lies in {prov.en} ({prov.code}), but the region "
                              f"{place.code} ({place.full_en}) is not in {prov.en}")
        return errors

    def search(self, query: str, limit: int = 20) -> list[Place]:
        """By code prefix, Chinese substring or English/pinyin prefix; provinces, then cities, then counties."""
        q = query.strip().lower().replace(" ", "")
        if not self._search:
            self._indexes()
        if not q:
            return []
        col = 1 if q.isdigit() else 3 if q.isascii() else 2
        found = [e[4] for e in self._search if (q in e[2] if col == 2 else e[col].startswith(q))]
        key = _alias_key(query)  # parks and zones as people name them: 前海 -> Nanshan first, 前… after the places
        exact = [r.place for r in self._aliases.get(key, ())]
        prefix = [r.place for k, hits in self._aliases.items() if key and k.startswith(key) for r in hits]
        out = list(dict.fromkeys(exact + found + prefix))
        return out[:limit]


def _loosest(hits: dict[str, int]) -> list[str]:
    return sorted(code for code, loose in hits.items() if loose == min(hits.values()))


def _alias_key(text: str) -> str:
    return _key(_COUNTRY.sub("", "".join(str(text).split())))


def _code(value: Any, file: str, where: str, known: dict[str, Any] | None = None) -> str:
    if not isinstance(value, str) or not _CODE.fullmatch(value):
        raise PackError(file, f"bad GB/T 2260 code {value!r}: six digits, quoted", rule=where)
    if known is not None and value not in known:
        raise PackError(file, f"code {value} is not in the gazetteer", rule=where)
    return value


def _text(entry: dict[str, Any], key: str, file: str, where: str) -> str:
    if not isinstance(value := entry.get(key), str) or not value.strip():
        raise PackError(file, f"missing or empty {key!r}", rule=where, field_path=key)
    return value.strip()


def _section(path: Path, key: str) -> dict[Any, Any]:
    data = read_yaml(path)
    if not isinstance(section := data.get(key) if isinstance(data, dict) else None, dict) or not section:
        raise PackError(str(path), f"expected a non-empty mapping {key!r}")
    return section


def _division_rows(data: Any, file: str) -> list[tuple[Any, ...]]:
    """(code, zh, en, short, level, parent, mainland) for each place in one divisions/*.yaml file."""
    prov = data.get("province") if isinstance(data, dict) else None
    if not isinstance(prov, dict) or not isinstance(prov.get("mainland"), bool):
        raise PackError(file, "expected 'province: {code, zh, en, short, mainland}'", field_path="province")
    pcode = _code(prov.get("code"), file, "province")
    rows = [(pcode, _text(prov, "zh", file, pcode), _text(prov, "en", file, pcode), str(prov.get("short") or ""),
             "province", None, prov["mainland"])]
    counties = data.get("counties") or {}
    groups = [("city", pcode, data.get("cities") or {})]
    groups += [("county", p, e) for p, e in counties.items()] if isinstance(counties, dict) else [("county", pcode, 0)]
    for level, parent, entries in groups:
        if not isinstance(entries, dict):
            raise PackError(file, f"places under {parent} must be a mapping of code -> names", rule=str(parent))
        for code, names in entries.items():
            parts = [p.strip() for p in names.split("|")] if isinstance(names, str) else []
            if len(parts) != 3 or not parts[0] or not parts[1]:
                raise PackError(file, f"expected \"zh name | en name | short name\", got {names!r}", rule=str(code))
            rows.append((_code(code, file, str(code)), *parts, level, _code(parent, file, str(code)), prov["mainland"]))
    return rows


def default_gazetteer() -> Gazetteer:
    """The gazetteer of the rules folder in use (rules/gazetteer/), loaded once per folder."""
    return gazetteer_at(rules_dir())


@lru_cache(maxsize=4)
def gazetteer_at(root: Path) -> Gazetteer:
    folder = root / "gazetteer"
    return cached("gazetteer", content_digest(folder), lambda: Gazetteer.load(folder))
