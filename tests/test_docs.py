"""docs/ is the project's own: every field of the profile and assessment models is documented, links
resolve, and nothing sends a reader outside the repository."""
from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from advisor.models.assessment import Assessment, StoredAssessment
from advisor.models.profile import Profile

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _models(tp: object) -> list[type[BaseModel]]:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    return [m for arg in typing.get_args(tp) for m in _models(arg)]


def _fields(model: type[BaseModel], seen: set | None = None) -> set[str]:
    seen = set() if seen is None else seen
    if model in seen:
        return set()
    seen.add(model)
    out = set()
    for name, info in model.model_fields.items():
        out.add(info.alias or name)
        for sub in _models(info.annotation):
            out |= _fields(sub, seen)
    return out


@pytest.mark.parametrize("model, page", [(Profile, "profile.md"), (StoredAssessment, "assessment.md")])
def test_every_field_is_documented(model, page):
    text = (DOCS / page).read_text(encoding="utf-8")
    fields = _fields(model, {Profile} if model is not Profile else None)  # the echoed profile: profile.md
    missing = sorted(f for f in fields if not re.search(rf"`([\w\[\]]+\.)*\.?{re.escape(f)}`", text))
    assert not missing, f"docs/{page} does not document {missing}"
    assert _fields(Assessment) < _fields(StoredAssessment)


def _pages() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


def test_no_page_sends_the_reader_outside_the_project():
    for page in _pages():
        text = page.read_text(encoding="utf-8")
        assert "../shared" not in text and "shared/" not in text, page.name


def test_schemas_name_no_outside_document():
    from advisor.schemas import json_schema

    for which in ("profile", "assessment"):
        text = str(json_schema(which))
        assert "§" not in text and "shared/" not in text and "spec/" not in text, which


def test_links_resolve_and_every_page_is_indexed():
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    for page in DOCS.glob("*.md"):
        if page.name != "README.md":
            assert f"({page.name})" in index, f"docs/README.md does not list {page.name}"
    for page in _pages():
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if not target.startswith(("http://", "https://")):
                assert (page.parent / target).exists(), f"{page.name}: broken link {target}"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/README.md" in readme
