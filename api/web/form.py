"""The enquiry form: flat field names (``transfers.0.purpose``) <-> a contract profile, and errors by field.

Field names follow the profile's dotted paths, so an error at ``transfers.0.personal_info_subjects`` lands
next to the input of the same name. A form state is a dict: field name -> str (or list for multi-choice).
"""
from __future__ import annotations

import re
from typing import Any, get_args

from advisor.errors import FieldError
from advisor.vocab import Established

ESTABLISHED = get_args(Established)  # the first is the contract's default (mainland)
COMPANY = ("company.name", "company.established", "company.region", "company.sector", "company.ciio", "company.personal_info_processed")
MULTI = ("company.zones", "special_categories")
TRANSFER = ("id", "description", "purpose", "recipient.kind", "recipient.country", "recipient.country_other",
            "recipient.name", "personal_info_subjects", "sensitive_info_subjects", "important_data",
            "collected_abroad", "local_list.id", "local_list.data_on_list", "special_categories",
            "approval.mechanism", "approval.date")
# Form field -> the page-text key of its label (i18n ui.yaml), for the error summary.
LABEL_KEYS = {"as_of": "as_of", "company.name": "company_name", "company.established": "established",
              "company.region": "region", "company.zones": "zones",
              "company.sector": "sector", "company.ciio": "ciio", "company.personal_info_processed": "pi_processed",
              "id": "transfer_id", "description": "description", "purpose": "purpose", "recipient.kind": "recipient_kind",
              "recipient.country": "recipient_country", "recipient.country_other": "recipient_country",
              "recipient.name": "recipient_name", "personal_info_subjects": "pi_subjects",
              "sensitive_info_subjects": "spi_subjects", "important_data": "important_data",
              "collected_abroad": "collected_abroad", "local_list.id": "local_list",
              "local_list.data_on_list": "data_on_list", "special_categories": "special_categories",
              "approval.mechanism": "approval", "approval.date": "approval_date"}
_T = re.compile(r"^transfers\.(\d+)\.(.+)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CONTRACTS = ("standard_contract", "gba_standard_contract")


def abroad(state: dict[str, Any]) -> bool:
    """An overseas processor (PIPL Art 3(2) in the contract): its region is its representative's place, optional."""
    return state.get("company.established") == "abroad"


def label_of(name: str, state: dict[str, Any] | None = None) -> tuple[str, int | None]:
    """(label key, transfer number from 1 or None) of a form field (the region's words follow ``state``)."""
    if name == "company.region" and state and abroad(state):
        return "region_abroad", None
    m = _T.match(name)
    return (LABEL_KEYS.get(m.group(2), m.group(2)), int(m.group(1)) + 1) if m else (LABEL_KEYS.get(name, name), None)


def blank(n: int = 1) -> dict[str, Any]:
    state: dict[str, Any] = {"company.established": ESTABLISHED[0], "company.zones": [], "_n": n}
    for i in range(n):
        state[f"transfers.{i}.special_categories"] = []
        state[f"transfers.{i}.collected_abroad"] = "false"
    return state


def from_form(items: list[tuple[str, str]]) -> dict[str, Any]:
    """Read posted (name, value) pairs into a form state; the number of transfers is read off the names."""
    state = blank(0)
    n = 0
    for name, value in items:
        m = _T.match(name)
        if m:
            n = max(n, int(m.group(1)) + 1)
        if name.endswith(MULTI):
            state.setdefault(name, []).append(value)
        elif name == "as_of" or name.startswith(("company.", "transfers.")):
            state[name] = value.strip()
    state["_n"] = max(n, 1)
    return state


def add_transfer(state: dict[str, Any]) -> None:
    state["_n"] += 1


def remove_transfer(state: dict[str, Any], index: int) -> None:
    n = state["_n"]
    if n <= 1 or not 0 <= index < n:
        return
    for i in range(index, n):
        for f in TRANSFER:
            nxt = state.get(f"transfers.{i + 1}.{f}")
            state.pop(f"transfers.{i}.{f}", None)
            if nxt is not None and i + 1 < n:
                state[f"transfers.{i}.{f}"] = nxt
    state["_n"] = n - 1


def _tri(value: str | None) -> bool | None:
    return {"true": True, "false": False}.get(value or "")


def _count(state: dict[str, Any], name: str, errors: list[FieldError]) -> int | None:
    raw = str(state.get(name) or "").replace(",", "").replace("，", "").strip()
    if raw == "":
        return None
    if re.fullmatch(r"-?\d+", raw):
        return int(raw)  # negatives go on to the advisor, whose error names the field
    errors.append(FieldError(name, "give a whole number", state.get(name)))
    return None


def to_profile(state: dict[str, Any]) -> tuple[dict[str, Any], list[FieldError], list[int]]:
    """The profile, the errors found before the advisor sees it, and approvals[k] -> transfer index."""
    errors: list[FieldError] = []
    company: dict[str, Any] = {"zones": state.get("company.zones", []), "ciio": _tri(state.get("company.ciio"))}
    for f in ("name", "region", "sector"):
        if state.get("company." + f):
            company[f] = state["company." + f]
    established = state.get("company.established") or ESTABLISHED[0]  # not posted: the contract's default
    if established not in ESTABLISHED:
        errors.append(FieldError("company.established", "not one of the allowed values", established))
    elif established != ESTABLISHED[0]:
        company["established"] = established
    processed = _count(state, "company.personal_info_processed", errors)
    if processed is not None:
        company["personal_info_processed"] = processed
    profile: dict[str, Any] = {"company": company, "transfers": [], "approvals": []}
    if state.get("as_of"):
        profile["as_of"] = state["as_of"]
    owners: list[int] = []
    for i in range(state.get("_n", 1)):
        profile["transfers"].append(_transfer(state, i, errors))
        approval = _approval(state, i, profile["transfers"][-1]["id"], errors)
        if approval:
            profile["approvals"].append(approval)
            owners.append(i)
    return profile, errors, owners


def _transfer(state: dict[str, Any], i: int, errors: list[FieldError]) -> dict[str, Any]:
    g = lambda f: state.get(f"transfers.{i}.{f}") or ""  # noqa: E731
    country = g("recipient.country_other") or g("recipient.country")  # a name too: the country resolver reads it
    recipient = {k: v for k, v in (("kind", g("recipient.kind")), ("country", country), ("name", g("recipient.name"))) if v}
    t: dict[str, Any] = {"id": g("id") or f"t{i + 1}", "recipient": recipient,
                         "important_data": _tri(g("important_data")), "collected_abroad": g("collected_abroad") == "true",
                         "special_categories": state.get(f"transfers.{i}.special_categories", [])}
    for f in ("description", "purpose"):
        if g(f):
            t[f] = g(f)
    for f in ("personal_info_subjects", "sensitive_info_subjects"):
        t[f] = _count(state, f"transfers.{i}.{f}", errors) or 0
    if g("local_list.id"):
        on = _tri(g("local_list.data_on_list"))
        if on is None:
            errors.append(FieldError(f"transfers.{i}.local_list.data_on_list", "Field required", None))
        t["local_list"] = {"id": g("local_list.id"), "data_on_list": bool(on)}
    return t


def _approval(state: dict[str, Any], i: int, tid: str, errors: list[FieldError]) -> dict[str, Any] | None:
    mech, date = state.get(f"transfers.{i}.approval.mechanism"), state.get(f"transfers.{i}.approval.date") or ""
    if not mech:
        return None
    if not _DATE.match(date):
        errors.append(FieldError(f"transfers.{i}.approval.date", "give a date", date or None))
        return None
    return {"mechanism": mech, "transfer": tid, ("effective_on" if mech in CONTRACTS else "issued_on"): date}


def from_profile(profile: dict[str, Any]) -> dict[str, Any]:
    """A stored profile back into a form state (to change the answers)."""
    company = profile.get("company", {})
    transfers = profile.get("transfers", []) or [{}]
    state = blank(len(transfers))
    tri = {True: "true", False: "false", None: ""}
    state.update({"as_of": str(profile.get("as_of") or ""), "company.name": company.get("name") or "",
                  "company.established": company.get("established") or ESTABLISHED[0],
                  "company.region": company.get("region") or "", "company.sector": company.get("sector", ""),
                  "company.ciio": tri[company.get("ciio")], "company.zones": list(company.get("zones", [])),
                  "company.personal_info_processed": str(company.get("personal_info_processed") or "")})
    for i, t in enumerate(transfers):
        p, r, ll = f"transfers.{i}.", t.get("recipient", {}), t.get("local_list") or {}
        state.update({p + "id": t.get("id", ""), p + "description": t.get("description") or "",
                      p + "purpose": t.get("purpose", ""), p + "recipient.kind": r.get("kind", ""),
                      p + "recipient.country": r.get("country", ""), p + "recipient.name": r.get("name") or "",
                      p + "personal_info_subjects": str(t.get("personal_info_subjects", 0)),
                      p + "sensitive_info_subjects": str(t.get("sensitive_info_subjects", 0)),
                      p + "important_data": tri[t.get("important_data")],
                      p + "collected_abroad": tri[bool(t.get("collected_abroad"))],
                      p + "local_list.id": ll.get("id", ""), p + "local_list.data_on_list": tri.get(ll.get("data_on_list"), ""),
                      p + "special_categories": list(t.get("special_categories", []))})
        for a in profile.get("approvals", []):
            if a.get("transfer") == t.get("id"):
                state[p + "approval.mechanism"] = a.get("mechanism", "")
                state[p + "approval.date"] = str(a.get("effective_on") or a.get("issued_on") or "")
    return state


def field_for(loc: str, owners: list[int], n: int) -> str | None:
    """The form field an error location belongs to (None: show it only in the summary at the top)."""
    m = re.match(r"^approvals\.(\d+)\.", loc)
    if m and int(m.group(1)) < len(owners):
        return f"transfers.{owners[int(m.group(1))]}.approval." + ("mechanism" if loc.endswith("mechanism") else "date")
    names = [*COMPANY, "as_of", "company.zones"] + [f"transfers.{i}.{f}" for i in range(n) for f in TRANSFER]
    parts = loc.split(".")
    while parts:
        cand = ".".join(parts)
        if cand in names:
            return cand
        if cand.startswith("company.zones") or (len(parts) == 4 and parts[2] == "special_categories"):
            return ".".join(parts[:3]) if parts[0] == "transfers" else "company.zones"
        sub = [x for x in names if x.startswith(cand + ".")]
        if sub and cand not in ("company", "transfers") and not re.fullmatch(r"transfers\.\d+", cand):
            return sub[0]
        parts.pop()
    return None
