"""The one renderer of citations and labels: every output a person reads (text, Markdown, calendar,
filing pack, the help-desk page) turns codes into words here. Codes stay in JSON only.

Interface (``lang`` is ``"zh"`` or ``"en"``; anything else is a ValueError):

- ``cite(basis, lang)`` — one citation ``{"instrument", "article"?, "item"?}`` in words:
  ``《促进和规范数据跨境流动规定》第五条第一项`` / ``Provisions on Promoting and Regulating Cross-Border
  Data Flows, Art 5(1)``. Instruments are titled from rules/instruments.yaml; a regional measure cited by
  its catalogue id is titled from rules/regional/.
- ``cite_all(bases, lang)`` — several citations, articles of one instrument grouped:
  ``《中华人民共和国个人信息保护法》第五十五条、第五十六条；《…》``.
- ``label(kind, code, lang)`` — a vocabulary code in words. Kinds: ``sector``, ``purpose``,
  ``recipient_kind``, ``measure_type`` (rules/labels.yaml); ``country`` (ISO 3166-1 alpha-2, the names of
  advisor/countries.py, the resolver the page and API use); ``pathway``, ``exemption``, ``option`` (rules/national/pack.yaml);
  ``obligation``, ``requirement`` (the title of the rule that concludes them); ``deadline``
  (rules/national/deadlines.yaml); ``instrument`` (title without brackets); ``measure`` (a regional
  measure's title). An unknown kind is a ValueError; an unknown code is returned unchanged (the tests
  check that every code of the vocabularies has words, so a code on a page is a bug they catch).
- ``transfer_name(transfer, lang, number=None)`` — a transfer of the profile by its description, else
  by what it is: ``向美国第三方提供（市场营销）`` / ``to a third party in United States (marketing)``,
  with the recipient's name when given. ``number`` (1-based) prefixes ``第1项数据出境：``.
- ``transfer_names(profile, lang)`` — ``{transfer id: name}`` for every transfer of a profile.
- ``summary(assessment, lang)`` — the assessment's one-sentence overall route (the JSON ``summary``), with
  the deciding transfers named as ``transfer_name`` names them instead of by id.
- ``document(instrument, lang)`` — an instrument with its issuer, number and date (the preparer's sources).
- ``in_words(text, lang)`` — a free text with the instrument and measure ids it names turned into titles.
- ``check_labels(root)`` — validate a rules folder's labels.yaml (``Advisor.load`` does).
- ``zh_number(n)`` — 5 → 五, 55 → 五十五, 101 → 一百零一.

All data is read with the strict YAML loader (advisor/packs/yamlio.py) from the rules folder in use
(``advisor.resources.rules_dir()``; a file it lacks is read from the shipped rules), once per folder.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import StrictStr

from advisor.models.base import Strict
from advisor.models.text import Bilingual
from advisor.packs.validate import validate_pack
from advisor.packs.yamlio import read_yaml
from advisor.resources import rules_dir, shipped_rules_dir

_DIGITS = "零一二三四五六七八九"


class _Labels(Strict):
    id: StrictStr
    last_reviewed: Any
    sector: dict[str, Bilingual]
    purpose: dict[str, Bilingual]
    recipient_kind: dict[str, Bilingual]
    measure_type: dict[str, Bilingual]
    words: dict[str, Bilingual]


def _file(root: Path, name: str) -> Path:
    path = root / name
    return path if path.exists() else shipped_rules_dir() / name


def _check(lang: str) -> None:
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en' (got {lang!r})")


@lru_cache(maxsize=8)
def _own_at(root: Path) -> _Labels:
    from advisor.packs.diskcache import cached_files  # read and validated once per content (and code)

    path = _file(root, "labels.yaml")
    return cached_files("labels", [path], lambda: validate_pack(_Labels, read_yaml(path), path))


@lru_cache(maxsize=8)
def _pack_labels_at(root: Path) -> dict[str, dict[str, dict[str, str]]]:
    doc = read_yaml(_file(root, "national/pack.yaml"))
    return doc.get("labels", {}) if isinstance(doc, dict) else {}


@lru_cache(maxsize=8)
def _rule_titles_at(root: Path) -> dict[str, dict[str, dict[str, str]]]:
    """{'obligation': {id: title}, 'requirement': {id: title}} from the rules that conclude them."""
    out: dict[str, dict[str, dict[str, str]]] = {"obligation": {}, "requirement": {}}
    for path in sorted((root / "national").glob("[0-9]*.yaml")):
        doc = read_yaml(path)
        for rule in (doc.get("rules") or []) if isinstance(doc, dict) else []:
            then = rule.get("then") or {}
            for kind in out:
                if isinstance(then.get(kind), str) and then[kind] not in out[kind]:
                    out[kind][then[kind]] = rule["title"]
    return out


@lru_cache(maxsize=8)
def _deadline_labels_at(root: Path) -> dict[str, dict[str, str]]:
    doc = read_yaml(_file(root, "national/deadlines.yaml"))
    return {d["id"]: d["label"] for d in doc.get("deadlines", [])}


@lru_cache(maxsize=8)
def _instruments_at(root: Path) -> dict[str, dict[str, str]]:
    from advisor.packs.diskcache import cached_files

    path = _file(root, "instruments.yaml")
    return cached_files("instrument_titles", [path], lambda: {
        i["id"]: i["title"] for i in read_yaml(path).get("instruments", [])})


@lru_cache(maxsize=8)
def _instrument_entries_at(root: Path) -> dict[str, dict[str, Any]]:
    doc = read_yaml(_file(root, "instruments.yaml"))
    return {i["id"]: i for i in doc.get("instruments", [])}


def document(instrument: str, lang: str) -> str:
    """An instrument as a preparer looks it up: title, issuer, number and date —
    ``《个人信息出境认证办法》（国家互联网信息办公室、国家市场监督管理总局，…令第20号，2025-10-14）``."""
    _check(lang)
    entry = _instrument_entries_at(rules_dir()).get(instrument) or {}
    issuer, number, day = (entry.get("issuer") or {}).get(lang), entry.get("number"), entry.get("promulgated")
    if issuer and number and str(number).startswith(issuer):   # 国家…总局令第20号 names its issuer already
        issuer = None
    if day and lang == "zh":
        day = f"{day.year}年{day.month}月{day.day}日" if hasattr(day, "year") else day
    facts = [str(x) for x in (issuer, number, day) if x]
    if not facts:
        return cite({"instrument": instrument}, lang)
    return cite({"instrument": instrument}, lang) + ("（" + "，".join(facts) + "）" if lang == "zh"
                                                     else " (" + ", ".join(facts) + ")")


@lru_cache(maxsize=8)
def _measures_at(root: Path) -> dict[str, dict[str, str]]:
    from advisor.packs.diskcache import cached, content_digest  # read once per content (and code)
    from advisor.regional.catalogue import Catalogue

    return cached("measure_titles", content_digest(root / "regional"),
                  lambda: {m.id: m.title.as_dict() for m in Catalogue.load(root / "regional").measures})


@lru_cache(maxsize=8)
def _slugs_at(root: Path) -> re.Pattern[str] | None:
    ids = sorted(set(_instruments_at(root)) | set(_measures_at(root)), key=len, reverse=True)
    if not ids:
        return None
    return re.compile(r"(?P<sp> ?)(?<![A-Za-z0-9/._-])(?P<id>" + "|".join(map(re.escape, ids)) + r")(?![A-Za-z0-9_-])")


def in_words(text: str, lang: str) -> str:
    """A free text (a rule's or a measure's note) with every instrument or measure id it names replaced by the
    title: ``见国家规则包 auto-guide-2026`` → ``见国家规则包《…指南》``. Ids inside a URL stay."""
    pattern = _slugs_at(rules_dir())
    if pattern is None or not re.search(r"[a-z]-", text):
        return text
    # in Chinese the title's 《》 needs no space before it
    return pattern.sub(lambda m: ("" if lang == "zh" else m["sp"]) + cite({"instrument": m["id"]}, lang), text)


def check_labels(root: Path) -> None:
    """Read and validate a rules folder's words (PackError naming the file and field)."""
    _own_at(root)


def _own() -> _Labels:
    return _own_at(rules_dir())


def _pack_labels() -> dict[str, dict[str, dict[str, str]]]:
    return _pack_labels_at(rules_dir())


def _rule_titles() -> dict[str, dict[str, dict[str, str]]]:
    return _rule_titles_at(rules_dir())


def _deadline_labels() -> dict[str, dict[str, str]]:
    return _deadline_labels_at(rules_dir())


def _instruments() -> dict[str, dict[str, str]]:
    return _instruments_at(rules_dir())


def _measures() -> dict[str, dict[str, str]]:
    return _measures_at(rules_dir())


def load_titles() -> None:
    """Load (and keep in the disk cache) the instruments' and measures' titles a citation names."""
    _instruments()
    _measures()


def _word(key: str, lang: str) -> str:
    return _own().words[key].pick(lang)


def zh_number(n: int) -> str:
    """Chinese numerals as statutes number their articles (1–9999)."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else ("零" + _DIGITS[rest] if rest < 10 else
                                     ("一" + zh_number(rest) if rest < 20 else zh_number(rest)))
        return _DIGITS[n // 100] + "百" + tail
    rest = n % 1000
    tail = "" if rest == 0 else (("零" if rest < 100 else "") + (
        "一" + zh_number(rest) if 10 <= rest < 20 else zh_number(rest)))
    return _DIGITS[n // 1000] + "千" + tail


def _zh_num(text: str) -> str:
    m = re.fullmatch(r"(\d+)([a-z]?)", text)
    if not m:
        return text
    return zh_number(int(m.group(1))) + (f"之{zh_number(ord(m.group(2)) - 96)}" if m.group(2) else "")


def _title(instrument: str, lang: str) -> str:
    entry = _instruments().get(instrument) or _measures().get(instrument)
    if not entry:
        return instrument
    return entry[lang].replace("(", "（").replace(")", "）") if lang == "zh" else entry[lang]


def _article(basis: Mapping[str, Any], lang: str) -> str:
    article, item = basis.get("article"), basis.get("item")
    if not article:
        return ""
    if lang == "zh":
        out = _word("article", lang).format(n=_zh_num(str(article)))
        return out + (_word("item", lang).format(n=_zh_num(str(item))) if item else "")
    return _word("article", lang).format(n=article) + (_word("item", lang).format(n=item) if item else "")


def cite(basis: Mapping[str, Any], lang: str) -> str:
    """One citation in words (see the module docstring)."""
    _check(lang)
    title, where = _title(str(basis["instrument"]), lang), _article(basis, lang)
    if lang == "zh":
        return f"《{title}》{where}"
    return f"{title}, {where}" if where else title


def cite_all(bases: Iterable[Mapping[str, Any]], lang: str) -> str:
    """Several citations; the articles of one instrument are grouped in the order first met."""
    _check(lang)
    groups: dict[str, list[str]] = {}
    for b in bases:
        where = _article(b, lang)
        articles = groups.setdefault(str(b["instrument"]), [])
        if where and where not in articles:
            articles.append(where)
    parts = []
    for instrument, articles in groups.items():
        title = _title(instrument, lang)
        joined = _word("article_sep", lang).join(articles)
        parts.append(f"《{title}》{joined}" if lang == "zh" else (f"{title}, {joined}" if joined else title))
    return _word("cite_sep", lang).join(parts)


def label(kind: str, code: str, lang: str) -> str:
    """A code of vocabulary ``kind`` in words (see the module docstring)."""
    _check(lang)
    if kind in ("sector", "purpose", "recipient_kind", "measure_type"):
        entry: Any = getattr(_own(), kind).get(code)
        return entry.pick(lang) if entry else code
    table: dict[str, dict[str, str]]
    if kind == "country":
        from advisor.countries import default_countries
        country = default_countries().get(code)
        return country.name(lang) if country else code
    if kind in ("pathway", "exemption", "option"):
        table = _pack_labels().get(kind, {})
    elif kind in ("obligation", "requirement"):
        table = _rule_titles()[kind]
    elif kind == "deadline":
        table = _deadline_labels()
    elif kind == "instrument":
        return _title(code, lang)
    elif kind == "measure":
        table = _measures()
    else:
        raise ValueError(f"unknown label kind {kind!r}")
    return table[code][lang] if code in table else code


def transfer_name(transfer: Mapping[str, Any], lang: str, number: int | None = None) -> str:
    """A profile transfer by its description, else by recipient and purpose (see the module docstring)."""
    _check(lang)
    prefix = (_word("transfer_numbered", lang).format(n=number) + ("：" if lang == "zh" else ": ")) if number else ""
    if transfer.get("description"):
        return prefix + str(transfer["description"])
    rec = transfer.get("recipient") or {}
    words = {"country": label("country", str(rec.get("country", "")), lang),
             "kind": label("recipient_kind", str(rec.get("kind", "")), lang),
             "purpose": label("purpose", str(transfer.get("purpose", "")), lang),
             "name": rec.get("name") or ""}
    words["a_kind"] = ("an " if words["kind"][:1].lower() in "aeiou" else "a ") + words["kind"]   # English article
    key = "transfer_named_to" if words["name"] else "transfer_to"
    return prefix + _word(key, lang).format(**words)


def transfer_names(profile: Mapping[str, Any] | None, lang: str) -> dict[str, str]:
    """{transfer id: name} for every transfer of a profile (the assessment's ``profile``)."""
    return {str(t.get("id")): transfer_name(t, lang) for t in (profile or {}).get("transfers", [])}


def summary(assessment: Mapping[str, Any], lang: str) -> str:
    """The overall route in one sentence, transfers by name (as the JSON ``summary`` words it)."""
    _check(lang)
    transfers = assessment.get("transfers") or []
    template = _pack_labels().get("summary", {})
    if not transfers or "overall" not in template:
        return str((assessment.get("summary") or {}).get(lang, ""))
    profile = assessment.get("profile") or {}
    raw = {str(t.get("id")): (i, t) for i, t in enumerate(profile.get("transfers", []), start=1)}
    overall = assessment.get("overall")
    names = [transfer_name(raw[str(t["id"])][1], lang, raw[str(t["id"])][0]) if str(t["id"]) in raw else str(t["id"])
             for t in transfers if t.get("pathway") == overall]
    return template["overall"][lang].format(route=label("pathway", str(overall), lang), n=len(transfers),
                                            ids=("、" if lang == "zh" else "; ").join(names))
