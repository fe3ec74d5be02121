"""An assessment (contract §2) arranged for the result page, and answers to its open questions."""
from __future__ import annotations

import copy
import re
from typing import Any

from advisor_api.web.i18n import T, pick

STATUS_ORDER = ("active", "not_yet_effective", "unverified", "draft", "expired", "superseded")
LIST_TYPES = {"negative_list", "general_data_list"}
_TEXT_KEYS = ("text", "title", "label", "summary", "explanation")


def text_of(item: dict[str, Any], t: T, group: str) -> str:
    """An item's own bilingual words where it has them, else our label for its id."""
    for k in _TEXT_KEYS:
        if isinstance(item.get(k), dict):
            return t.pick(item[k])
    return t.label(group, item.get("id", ""))


def types_of(m: dict[str, Any]) -> list[str]:
    types = m.get("types") or m.get("type") or []
    return [types] if isinstance(types, str) else list(types)


def usable_first(measures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rank = {s: i for i, s in enumerate(STATUS_ORDER)}
    return sorted(measures, key=lambda m: rank.get(m.get("status", ""), len(rank)))


def question_kind(field: str) -> str:
    if field.endswith((".ciio", ".important_data")):
        return "tri"
    if field.endswith(".local_list"):
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


def view(result: dict[str, Any], t: T) -> dict[str, Any]:
    deadlines = result.get("deadlines", [])
    transfers = []
    for tr in result.get("transfers", []):
        transfers.append({
            **tr,
            "cites": [t.cite(b) for b in tr.get("basis", [])],
            "obligation_rows": [(text_of(o, t, "obligations"), [t.cite(b) for b in o.get("basis", [])])
                                for o in tr.get("obligations", [])],
            "requirement_rows": [(text_of(r, t, "requirements"), bool(r.get("blocking")),
                                  [t.cite(b) for b in r.get("basis", [])]) for r in tr.get("requirements", [])],
            "deadline_rows": [d for d in deadlines if d.get("transfer") == tr.get("id")],
        })
    return {
        # the advisor's own one-sentence summary; the page's generic sentence only for older stored results
        "overall_sentence": pick(result["summary"], t.lang) if result.get("summary")
        else t.ui("overall_sentence", route=t.label("pathways", result.get("overall"))),
        "transfers": transfers,
        "other_deadlines": [d for d in deadlines if d.get("transfer") not in {x.get("id") for x in transfers}],
        "measures": usable_first(result.get("measures", [])),
        "questions": [{**q, "kind": question_kind(q.get("field", ""))} for q in result.get("questions", [])],
        "lists": list_choices(result),
    }


class AnswerError(ValueError):
    pass


def answer(profile: dict[str, Any], field: str, value: str, list_id: str = "") -> dict[str, Any]:
    """A copy of the profile with one open question answered. AnswerError names a bad field or value."""
    new = copy.deepcopy(profile)
    if field in ("company.ciio", "company.personal_info_processed"):
        target, key = new.setdefault("company", {}), field.split(".")[1]
    else:
        m = re.fullmatch(r"transfers\.(.+)\.(important_data|local_list)", field)
        hits = [x for x in new.get("transfers", []) if m and x.get("id") == m.group(1)]
        if not hits:
            raise AnswerError(f"unknown question field {field!r}")
        target, key = hits[0], m.group(2)
    if key in ("ciio", "important_data"):
        if value not in ("true", "false"):
            raise AnswerError(f"{field}: answer yes or no, got {value!r}")
        target[key] = value == "true"
    elif key == "personal_info_processed":
        if not value.strip().isdigit():
            raise AnswerError(f"{field}: give a whole number, got {value!r}")
        target[key] = int(value)
    else:
        if not list_id or value not in ("true", "false"):
            raise AnswerError(f"{field}: choose the list and whether the data is on it, got {list_id!r} / {value!r}")
        target[key] = {"id": list_id, "data_on_list": value == "true"}
    return new
