"""One shown source (contract §2 object) as a line of text: issuer, title, 文号, date, link."""
from __future__ import annotations

from typing import Any


def source_line(src: Any, lang: str) -> str:
    if not isinstance(src, dict):
        return str(src)
    number_date = [x for x in (src.get("number"), src.get("date")) if x]
    if lang == "zh":
        head = f"{src['issuer']}" if src.get("issuer") else ""
        text = f"{head}《{src['title']}》" + (f"（{'，'.join(number_date)}）" if number_date else "")
    else:
        head = f"{src['issuer']}, " if src.get("issuer") else ""
        text = f"{head}“{src['title']}”" + (f" ({', '.join(number_date)})" if number_date else "")
    if src.get("url"):
        pub = src.get("publisher") or {}
        text += f" {pub.get(lang, '')} {src['url']}".replace("  ", " ")
    return text
