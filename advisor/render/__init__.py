"""Render an assessment for people: text (read aloud at a help desk), Markdown, iCalendar, DOCX."""
from __future__ import annotations

import json
from typing import Any


def render(assessment: dict[str, Any], fmt: str, lang: str = "zh") -> str | bytes:
    if fmt == "json":
        return json.dumps(assessment, ensure_ascii=False, indent=2)
    if fmt == "text":
        from advisor.render.text import render_text
        return render_text(assessment, lang)
    if fmt == "markdown":
        from advisor.render.markdown import render_markdown
        return render_markdown(assessment, lang)
    if fmt == "ics":
        from advisor.render.ics import render_ics
        return render_ics(assessment, lang)
    if fmt == "docx":
        from advisor.render.docx import render_docx
        return render_docx(assessment, lang)
    raise ValueError(f"unknown format {fmt!r}")
