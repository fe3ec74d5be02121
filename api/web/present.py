"""An assessment (contract §2) arranged for the result page, and answers to its open questions.

Every code becomes words through advisor/render/labels.py, the one renderer of labels and citations shared
with the reports and filing packs: nothing on the page shows an id, slug or transfer key.
"""
from __future__ import annotations

import copy
import re
from typing import Any, Callable
from urllib.parse import urlsplit

from advisor.render import labels as L
from advisor_api.web.i18n import T, pick

STATUS_ORDER = ("active", "not_yet_effective", "unverified", "draft", "expired", "superseded")
USABLE = ("active",)  # what a company can use here and now; everything else is "for reference"
LIST_TYPES = {"negative_list", "general_data_list"}
_TEXT_KEYS = ("text", "title", "label", "summary")
_PAREN_CODE = re.compile(r"(\s?[（(])\s*([a-z][a-z0-9]*(?:[_.-][a-z0-9]+)*)\s*([）)])")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CODE_NOTE = re.compile(r"\s?[（(]\d{6}[）)]")


def types_of(m: dict[str, Any]) -> list[str]:
    types = m.get("types") or m.get("type") or []
    return [types] if isinstance(types, str) else list(types)


def usable_first(measures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rank = {s: i for i, s in enumerate(STATUS_ORDER)}
    return sorted(measures, key=lambda m: rank.get(m.get("status", ""), len(rank)))


YES_NO = {"ciio", "large_platform", "hr_rules_in_place", "important_data", "necessary", "important_data_identified",
          "core_data"}
CHOICES = {"onward_transfer": ("none", "within_gba", "outside_gba")}  # answers of a question with named choices


def question_kind(field: str) -> str:
    key = field.rsplit(".", 1)[-1]
    if key in YES_NO:
        return "tri"
    if key in CHOICES:
        return "choice"
    if key == "local_list":
        return "list"
    return "count"


def list_choices(result: dict[str, Any], extra: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Local data lists the company could rely on: those among the assessment's measures (or ``extra``)."""
    seen, out = set(), []
    for m in list(result.get("measures", [])) + list(extra or []):
        if LIST_TYPES & set(types_of(m)) and m.get("id") not in seen:
            seen.add(m.get("id"))
            out.append(m)
    return out


def matches(m: dict[str, Any], q: str) -> bool:
    """Keyword search over a measure's words in both languages."""
    if not q:
        return True
    words = [m.get(k) for k in ("title", "offers", "eligible", "how_to_use", "issuer", "note")]
    hay = " ".join(str(v) for w in words for v in ((w or {}).values() if isinstance(w, dict) else [w]) if v)
    return all(part.casefold() in hay.casefold() for part in q.split())


def plain(text: str, lang: str) -> str:
    """Words of the engine or catalogue that still carry a code: "（ecommerce）" becomes the sector's name,
    "（440000）" and "（local_list）" (a division code, a profile field) are dropped."""
    def word(m: re.Match[str]) -> str:
        code = m.group(2)
        for kind in ("sector", "measure_type", "purpose", "recipient_kind"):
            if (w := L.label(kind, code, lang)) != code:
                return m.group(1) + w + m.group(3)  # the space before it stays
        return "" if ("_" in code or "." in code) else m.group(0)
    return _CODE_NOTE.sub("", _PAREN_CODE.sub(word, text))


OFFICIAL_KINDS = ("document", "report")  # the official document, and official publishers' pages about it


def source_rows(m: dict[str, Any], lang: str) -> list[dict[str, str]]:
    """A measure's sources a visitor can verify: the official document (title, number, date, issuer) and
    official publishers' pages, each link named by its publisher (never a long URL on the page or paper).
    Commentary and the catalogue's research briefings are leads for its editors, not shown."""
    out = []
    for src in m.get("sources", []) or []:
        if isinstance(src, dict):
            if src.get("kind", "document") not in OFFICIAL_KINDS:
                continue
            title, issuer = pick(src.get("title"), lang), pick(src.get("issuer"), lang)
            if lang == "en":  # a Chinese-only title or issuer: the measure's English words for them
                title = pick(m.get("title"), lang) if _CJK.search(title) else title
                issuer = pick(m.get("issuer"), lang) if _CJK.search(issuer) else issuer
            text = (f"《{title}》" if title and lang == "zh" else title) + "".join(
                f" {src[k]}" for k in ("number", "date") if src.get(k))
            publisher = pick(src.get("publisher"), lang) or issuer
            url = str(src.get("url") or "")
            if url:  # a page about the document: the link is named by its publisher
                out.append({"text": publisher or urlsplit(url).hostname or "", "url": url, "publisher": ""})
            else:
                out.append({"text": text.strip(), "url": "", "publisher": publisher})
        elif str(src).startswith(("https://", "http://")):  # an older catalogue's plain link
            out.append({"text": urlsplit(str(src)).hostname or "", "url": str(src), "publisher": ""})
    return out


def measure_card(m: dict[str, Any], lang: str, own_region: Callable[[str], bool]) -> dict[str, Any]:
    offers = m.get("offers")
    offers = offers.get(lang) or offers.get("zh") if isinstance(offers, dict) else offers
    return {**m, "type_labels": [L.label("measure_type", ty, lang) for ty in types_of(m)],
            "offer_list": [offers] if isinstance(offers, str) else list(offers or []),
            "why_text": plain(pick(m.get("why"), lang), lang) if m.get("why") else "",
            "source_rows": source_rows(m, lang),
            # a contact is shown only to a company of the region it serves (never another region's phone)
            "contact_text": pick(m.get("contact"), lang) if m.get("contact") and own_region(m.get("id", "")) else "",
            "issuer_text": pick(m.get("issuer"), lang), "usable": m.get("status") in USABLE,
            "subsidy": "subsidy" in types_of(m)}


def transfer_names(result: dict[str, Any], lang: str) -> dict[str, str]:
    return L.transfer_names(result.get("profile") or {}, lang)


def answer_sentence(result: dict[str, Any], lang: str, names: dict[str, str]) -> str:
    """The route in one plain sentence naming each transfer by its description (or its recipient)."""
    parts = []
    for tr in result.get("transfers", []):
        name = names.get(str(tr.get("id")), "")
        route = L.label("pathway", str(tr.get("pathway")), lang)
        if tr.get("exemption"):
            route += ("（" if lang == "zh" else " (") + L.label("exemption", str(tr["exemption"]), lang) + \
                     ("）" if lang == "zh" else ")")
        parts.append(f"“{name}”：{route}" if lang == "zh" else f"“{name}”: {route}")
    if not parts:
        return ""
    if lang == "zh":
        return "；".join(parts) + "。"
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def view(result: dict[str, Any], t: T, own_region: Callable[[str], bool] | None = None,
         subsidies: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    lang = t.lang
    own_region = own_region or (lambda _mid: False)
    names = transfer_names(result, lang)
    for i, tr in enumerate(result.get("transfers", [])):  # an old stored result without its profile
        names.setdefault(str(tr.get("id")), t.ui("transfer_n", n=i + 1))
    deadlines = result.get("deadlines", [])
    company = result.get("company") or {}
    abroad = (company.get("established") or ((result.get("profile") or {}).get("company") or {}).get("established")) == "abroad"
    transfers = []
    for tr in result.get("transfers", []):
        tid = str(tr.get("id"))
        transfers.append({
            "id": tid, "pathway": tr.get("pathway"), "exemption": tr.get("exemption"), "name": names.get(tid, ""),
            "route": L.label("pathway", str(tr.get("pathway")), lang),
            "exemption_text": L.label("exemption", str(tr["exemption"]), lang) if tr.get("exemption") else "",
            "options": [(o, L.label("option", o, lang)) for o in tr.get("options", [])],
            "explanation": plain(pick(tr.get("explanation"), lang), lang),
            "cites": L.cite_all(tr.get("basis", []), lang) if tr.get("basis") else "",
            "obligations": [(_words(o, "obligation", lang), L.cite_all(o.get("basis", []), lang)) for o in tr.get("obligations", [])],
            "requirements": [(_words(r, "requirement", lang), bool(r.get("blocking")), L.cite_all(r.get("basis", []), lang))
                             for r in tr.get("requirements", [])],
            "deadlines": [_deadline(d, lang) for d in deadlines if d.get("transfer") == tr.get("id")],
        })
    questions = [{**q, "kind": question_kind(q.get("field", "")), "about": names.get(str(q.get("transfer")), ""),
                  "text": plain(pick(q.get("text"), lang), lang)}
                 for q in result.get("questions", [])]
    cards = [measure_card(m, lang, own_region) for m in usable_first(result.get("measures", []))]
    subs = [measure_card(m, lang, own_region) for m in subsidies or []]
    seen = {c["id"] for c in cards}
    usable = [c for c in cards if c["usable"]] + [c for c in subs if c["id"] not in seen and c["usable"]]
    return {
        "sentence": answer_sentence(result, lang, names),
        "provisional": any(q.get("changes_outcome") for q in questions),
        "deciding": [q for q in questions if q.get("changes_outcome")],
        "other_questions": [q for q in questions if not q.get("changes_outcome")],
        "transfers": transfers,
        "other_deadlines": [_deadline(d, lang) for d in deadlines if d.get("transfer") not in {x["id"] for x in transfers}],
        "usable": usable,
        "reference": [c for c in cards if not c["usable"]] + [c for c in subs if c["id"] not in seen and not c["usable"]],
        "subsidies": [c for c in usable if c["subsidy"]],
        "warnings": _said(result.get("warnings", []), lang),
        "notes": _said(result.get("notes", []), lang),
        "lists": list_choices(result),
        "place": _place_words(result, lang),
        "abroad": abroad,  # an overseas processor: its place (if any) is its representative's in China
        "no_place": abroad and not isinstance(company.get("region"), dict),  # nothing regional can be matched
        "zones": [t.label("zones", z) for z in (result.get("company") or {}).get("zones", [])],
        "n_transfers": len(transfers),
    }


def _said(items: list[Any], lang: str) -> list[str]:
    """Warnings or notes of the assessment in the page's language and in words."""
    return [plain(pick(w.get("text") if isinstance(w, dict) and "text" in w else w, lang), lang) for w in items]


def _place_words(result: dict[str, Any], lang: str) -> str:
    """The company's place in the page's language, with the park or zone it was named by (苏州工业园区)."""
    region = (result.get("company") or {}).get("region")
    if not isinstance(region, dict):
        return ""
    words = pick(region, lang)
    typed = ((result.get("profile") or {}).get("company") or {}).get("region")
    if typed:
        from advisor.regions import default_gazetteer

        try:
            hit = default_gazetteer().lookup(str(typed))
        except LookupError:
            return words
        named = "" if hit.zones else hit.named if lang == "zh" else hit.named_en  # a zone is listed as a zone
        words += (f"（{named}）" if lang == "zh" else f" ({named})") if named else ""
    return words


def _words(item: dict[str, Any], kind: str, lang: str) -> str:
    for k in _TEXT_KEYS:
        if isinstance(item.get(k), dict):
            return pick(item[k], lang)
    return L.label(kind, str(item.get("id", "")), lang)


def _deadline(d: dict[str, Any], lang: str) -> dict[str, Any]:
    return {"date": d.get("date"), "provisional": d.get("provisional"),
            "text": pick(d["label"], lang) if d.get("label") else L.label("deadline", str(d.get("id")), lang)}


class AnswerError(ValueError):
    """An answer the page cannot use; ``key`` is the page text (ui.yaml) that says so in plain words."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def answer(profile: dict[str, Any], field: str, value: str, list_id: str = "") -> dict[str, Any]:
    """A copy of the profile with one open question answered. AnswerError says what is missing."""
    new = copy.deepcopy(profile)
    m = re.fullmatch(r"company\.(\w+)|transfers\.(.+)\.(\w+)", field)
    if m and m.group(1):
        target, key = new.setdefault("company", {}), m.group(1)
    else:
        hits = [x for x in new.get("transfers", []) if m and x.get("id") == m.group(2)]
        if not hits:
            raise AnswerError("answer_unknown")
        target, key = hits[0], m.group(3)
    kind = question_kind(field)
    if kind == "tri":
        if value not in ("true", "false"):
            raise AnswerError("answer_choose_yes_no")
        target[key] = value == "true"
    elif kind == "choice":
        if value not in CHOICES[key]:
            raise AnswerError("answer_choose_one")
        target[key] = value
    elif kind == "list":
        if not list_id or value not in ("true", "false"):
            raise AnswerError("answer_choose_list")
        target[key] = {"id": list_id, "data_on_list": value == "true"}
    elif key == "personal_info_processed":
        if not value.strip().isdigit():
            raise AnswerError("answer_whole_number")
        target[key] = int(value)
    else:
        raise AnswerError("answer_unknown")
    return new
