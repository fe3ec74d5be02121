"""The yardstick of `make bench`: a bare hand-written decision with the same JSON in and out as
`advisor assess --format jsonl`. NOT an advisor: no rule pack, no validation, no regional measures,
no questions, no deadlines; its thresholds are typed in here only to give the work a realistic shape.
It reads each profile file, decides each transfer's pathway, sums the company totals, and writes one
JSON line per profile echoing the profile, as the product does.

    python bench/anchor.py FOLDER > out.jsonl
"""
from __future__ import annotations

import sys
from pathlib import Path

import orjson

ORDER = ("not_outbound", "exempt", "standard_contract_or_certification", "security_assessment")
EXEMPT_PURPOSES = {"hr_management", "contract_performance", "cross_border_shopping", "emergency"}


def _screen(t: dict) -> str | None:
    if t["recipient"]["country"] == "CN":
        return "not_outbound"
    if t.get("collected_abroad") or t.get("purpose") in EXEMPT_PURPOSES:
        return "exempt"
    return None


def decide(p: dict) -> dict:
    company, transfers = p["company"], p["transfers"]
    early = [_screen(t) for t in transfers]
    counted = [t for t, e in zip(transfers, early) if e is None]
    pi = sum(t.get("personal_info_subjects", 0) for t in counted)
    si = sum(t.get("sensitive_info_subjects", 0) for t in counted)
    out = []
    for t, e in zip(transfers, early):
        if e is not None:
            pathway = e
        elif company.get("ciio") or t.get("important_data") or pi >= 1_000_000 or si >= 10_000:
            pathway = "security_assessment"
        elif pi >= 100_000 or si > 0:
            pathway = "standard_contract_or_certification"
        else:
            pathway = "exempt"
        out.append({"id": t["id"], "pathway": pathway})
    overall = max((t["pathway"] for t in out), key=ORDER.index, default="not_outbound")
    return {"as_of": p.get("as_of"), "overall": overall, "transfers": out,
            "totals": {"personal_info_subjects": pi, "sensitive_info_subjects": si,
                       "counted_transfers": [t["id"] for t in counted]},
            "profile": p}


def main(argv: list[str]) -> int:
    out = sys.stdout.buffer
    for folder in argv:
        for f in sorted(Path(folder).rglob("*.json")):
            result = decide(orjson.loads(f.read_bytes()))
            result["source"] = str(f)
            out.write(orjson.dumps(result, option=orjson.OPT_APPEND_NEWLINE))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
